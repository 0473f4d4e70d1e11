"""Each extra the README tells operators to install, installed into a fresh virtual environment
and checked for what it promises: `pip install -e '.[queue]'` must give a queue that takes a
load, `.[opensearch]` an engine client that imports. Run by .ci/run; standard library only.

    python3 .ci/extras.py            # every extra the README names
    python3 .ci/extras.py queue      # only these

A venv holds nothing but the project and what the extra asks for: a dependency the extra forgets
(Celery's Redis transport needs `celery[redis]`) shows here as it would on an operator's machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTALL_LINE = re.compile(r"pip install -e '\.\[([a-z0-9_-]+)\]'")

# What each extra promises: modules that import, and (queue) a command that uses them.
IMPORTS = {
    "queue": ["celery", "redis", "kombu.transport.redis", "indexer.queue.tasks"],
    "opensearch": ["opensearchpy", "indexer.engine.opensearch.engine"],
}


def readme_extras() -> list[str]:
    """The extras the README's install lines name, in order of first mention."""
    found = INSTALL_LINE.findall((REPO / "README.md").read_text(encoding="utf-8"))
    return list(dict.fromkeys(found))


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(f"FAILED: {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def check_queue(python: Path, work: Path) -> None:
    """`lantern load --queue` of a small generated export: queued in Redis, then cleaned up."""
    redis_url = os.environ.get("LANTERN_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"lantern-extras-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "LANTERN_REDIS_URL": redis_url, "LANTERN_QUEUE_PREFIX": prefix}
    run(str(python), "-m", "lantern.sample.generate", str(work / "sample"), "--records", "20")
    export = sorted((work / "sample").glob("*.mrc"))[0]
    lantern = str(python.parent / "lantern")
    done = run(
        lantern,
        "--data-dir",
        str(work / "data"),
        "load",
        "--queue",
        "-l",
        "ABC",
        str(export),
        env=env,
    )
    if "Queued load" not in done.stdout:
        sys.exit(f"FAILED: lantern load --queue did not queue:\n{done.stdout}\n{done.stderr}")
    clean = (
        "import redis, sys; r = redis.Redis.from_url(sys.argv[1]); "
        "[r.delete(k) for k in r.scan_iter(match=sys.argv[2] + '*')]"
    )
    run(str(python), "-c", clean, redis_url, prefix)


def check(extra: str) -> None:
    if extra not in IMPORTS:
        sys.exit(f"FAILED: the README names .[{extra}], but .ci/extras.py does not check it")
    with tempfile.TemporaryDirectory(prefix=f"extra-{extra}-") as tmp:
        work = Path(tmp)
        run(sys.executable, "-m", "venv", str(work / "venv"))
        python = work / "venv" / "bin" / "python"
        run(str(python), "-m", "pip", "install", "--quiet", "-e", f"{REPO}[{extra}]", cwd=work)
        for module in IMPORTS[extra]:
            run(str(python), "-c", f"import {module}", cwd=work)
        if extra == "queue":
            check_queue(python, work)
    print(f"extra [{extra}]: installs into a fresh venv; {', '.join(IMPORTS[extra])} import")


def main(argv: list[str]) -> None:
    for extra in argv or readme_extras():
        check(extra)


if __name__ == "__main__":
    main(sys.argv[1:])
