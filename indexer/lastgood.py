"""The last good configuration a process read from each file a librarian edits, so that a
broken edit never takes search down.

A serving process reads the libraries file, boosts.toml and the synonym files when it starts and
when they change. When a read fails (a half-saved file, a typo), the process keeps what it last
read without error, and logs the error once, loudly, with file, line and reason; it is logged
again only when the file changes and is still wrong. gunicorn's workers are forked from the
master, which reads every file before forking (opac/server.py), so a worker that starts while
the file is broken (after a crash, a timeout, an out-of-memory kill) starts with the master's
last good configuration instead of failing to boot and taking the master down with it.

A process with no good reading to fall back on (the master itself, `lantern check`, a load)
still raises: a configuration that was never good stops the start, as it should.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from indexer.errors import ConfigError

log = logging.getLogger("lantern.config")
T = TypeVar("T")

_GOOD: dict[tuple[str, str], object] = {}
_REPORTED: dict[tuple[str, str], tuple] = {}
_LOCK = threading.Lock()


def file_stamp(path: Path | None) -> tuple | None:
    """What changes when the file does (its time, size and inode), or None when it is absent."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def read_or_keep(kind: str, path: Path, read: Callable[[], T]) -> T:
    """`read()`, remembered as the last good `kind` of `path`; when it raises ConfigError, the
    last good one (the error logged once), or the error itself when there is none."""
    key = (kind, str(path))
    try:
        value = read()
    except ConfigError as exc:
        with _LOCK:
            if key not in _GOOD:
                raise
            kept = _GOOD[key]
        report_once(key, path, str(exc), f"keeping the last good {kind}")
        return kept  # type: ignore[return-value]
    with _LOCK:
        _GOOD[key] = value
        _REPORTED.pop(key, None)
        _forget_removed_files()
    return value


def _forget_removed_files() -> None:
    """Drafts previewed in the console are read from temporary copies: once those are gone,
    their readings go too, so a long-running process keeps only what exists."""
    for key in [k for k in _GOOD if not os.path.exists(k[1])]:
        del _GOOD[key]
        _REPORTED.pop(key, None)


def report_once(key: tuple[str, str], path: Path, message: str, consequence: str) -> None:
    """Log `message` unless this very error of this very file was logged already."""
    seen = (file_stamp(path), message)
    with _LOCK:
        if _REPORTED.get(key) == seen:
            return
        _REPORTED[key] = seen
    log.error("configuration error: %s (%s until the file is fixed)", message, consequence)


def forget() -> None:
    """Forget every kept configuration (for tests that play several deployments in turn)."""
    with _LOCK:
        _GOOD.clear()
        _REPORTED.clear()
