"""Which files may be edited, where they live, their hash, and the one atomic way to write them.

Only `boosts.toml` and `*.txt` synonym files directly in LANTERN_SYNONYMS_DIR: a name is refused
unless it is a plain file name of that form, so `../` and absolute paths never reach the disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from indexer.errors import TuningError

BOOSTS_NAME = "boosts.toml"
_SYNONYM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.txt")


def check_name(name: str) -> str:
    if name == BOOSTS_NAME or _SYNONYM_NAME.fullmatch(name):
        return name
    raise TuningError(
        f"{name[:80]!r} cannot be edited: only {BOOSTS_NAME} and synonym files named like "
        "health.txt (letters, digits, - and _) in the synonyms directory"
    )


def live_path(settings, name: str) -> Path:
    return Path(settings.synonyms_dir) / check_name(name)


def editable_names(settings) -> list[str]:
    """The synonym files in the synonyms directory, then boosts.toml."""
    directory = Path(settings.synonyms_dir)
    names = sorted(p.name for p in directory.glob("*.txt") if _SYNONYM_NAME.fullmatch(p.name))
    return [*names, BOOSTS_NAME]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_live(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist (a synonym file not yet created)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of it: a temporary file beside it
    (not named *.txt, so the engines never read it), flushed to disk, then renamed over it."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
