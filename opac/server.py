"""Serving the OPAC: several gunicorn worker processes, or werkzeug's server when asked.

Tantivy releases Python's global interpreter lock while it searches, but building queries,
reading results and writing JSON hold it, so one process cannot keep every core busy. Worker
processes search in parallel; each opens the index itself (read-only, memory-mapped: the
operating system keeps one copy of it for all of them) after the fork.

    python -m opac.server --data-dir DIR --port 5000 [--workers N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from indexer.errors import ConfigError

# Under a sync worker a slow client holds a process; thirty seconds is gunicorn's default
# and far above any search.
TIMEOUT_S = 30
# The longest request line gunicorn reads (its default is 4,094 bytes; 8,190 is the most it
# takes short of none at all): room for a GET of 200 item ids (the documented maximum of
# /ilsdi and /api/v1/availability) of up to about 38 bytes each. Longer lists go by POST,
# whose body the endpoints limit themselves and refuse in their own error format.
REQUEST_LINE_BYTES = 8190


def default_workers() -> int:
    """One process per core plus one, and at least two, so one long request never stalls the
    rest. The spare keeps the cores busy while a worker waits for the facet counts its search
    started on another thread (measured: docs/benchmarks.md, "Design decisions")."""
    return max(2, (os.cpu_count() or 1) + 1)


def serve(
    settings,
    host: str,
    port: int,
    *,
    workers: int | None = None,
    threads: int = 1,
    server: str = "gunicorn",
) -> None:
    """Serve the OPAC until interrupted. `server="werkzeug"` runs one threaded process (for
    debugging, or a platform without fork)."""
    refuse_unknown_hosts(settings, host)
    if server == "werkzeug" or not _has_gunicorn():
        from werkzeug.serving import run_simple

        run_simple(host, port, serving_app(settings), threaded=True, use_reloader=False)
        return
    # Open the index once here so a missing index or a bad setting is one clear error,
    # not every worker failing to boot; the workers open their own after the fork.
    from opac import create_app

    create_app(settings=settings)
    read_configuration(settings)
    _gunicorn_app(
        settings,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers or default_workers(),
            "threads": max(1, threads),
            "worker_class": "gthread" if threads > 1 else "sync",
            "timeout": TIMEOUT_S,
            "limit_request_line": REQUEST_LINE_BYTES,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
        },
    ).run()


def read_configuration(settings) -> None:
    """Read the files librarians edit (the libraries file, boosts.toml, the synonym files) in
    gunicorn's master: a worker forked while one of them is broken starts with this reading,
    the last good one (indexer/lastgood.py), instead of failing to boot. ConfigError when one of
    them has never been good in this process."""
    from indexer.engine.fields import load_fields
    from indexer.engine.synonyms import SynonymFiles
    from indexer.tuning.boosts import BoostsFile
    from opac.search.service import consortium_of

    consortium_of(settings)
    BoostsFile(Path(settings.synonyms_dir) / "boosts.toml", load_fields(settings.schemas_dir))
    SynonymFiles(settings.synonyms_dir).rules()


def refuse_unknown_hosts(settings, host: str) -> None:
    """Serving beyond this machine needs the public address (or the host names readers use):
    without them every absolute URL would come from whatever Host header a client sent."""
    if host in ("127.0.0.1", "localhost", "::1") or settings.base_url or settings.allowed_hosts:
        return
    raise ConfigError(
        f"serving on {host} needs LANTERN_BASE_URL (the OPAC's public address, such as "
        "https://opac.example.nhs.uk), or LANTERN_ALLOWED_HOSTS (the host names readers use)"
    )


def serving_app(settings):
    """The OPAC application of one serving process, answering the most asked searches ahead
    of readers after each commit (opac/search/warming.py)."""
    from opac import create_app
    from opac.search.warming import Warmer

    app = create_app(settings=settings)
    app.extensions["lantern_warmer"] = warmer = Warmer(app.extensions["lantern"], settings)
    warmer.start()
    return app


def _has_gunicorn() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # gunicorn needs fork(): not on Windows
        return False
    return True


def _gunicorn_app(settings, options: dict):
    """gunicorn with its options from here instead of its own command line."""
    from gunicorn.app.base import BaseApplication

    class OPACApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            # Runs in each worker after the fork: every process opens its own index reader.
            return serving_app(settings)

    return OPACApplication()


def main(argv: list[str] | None = None) -> int:
    from indexer.errors import IndexerError
    from indexer.settings import load_settings

    parser = argparse.ArgumentParser(description="Serve the Lantern OPAC.")
    parser.add_argument("--data-dir", help="Data directory (default $LANTERN_DATA_DIR)")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"Worker processes (default {default_workers()}: a core each, plus one)",
    )
    parser.add_argument("--threads", type=int, default=1, help="Threads per worker")
    parser.add_argument("--server", choices=["gunicorn", "werkzeug"], default="gunicorn")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(data_dir=args.data_dir)
        serve(
            settings,
            args.host or settings.host,
            args.port or settings.port,
            workers=args.workers,
            threads=args.threads,
            server=args.server,
        )
    except IndexerError as exc:
        print(f"opac.server: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
