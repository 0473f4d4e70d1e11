"""Exit statuses and the one way a command fails, shared by every `lantern` command.

| status | meaning |
|---|---|
| 0 | done: every record loaded (skipped authority/holdings records are fine) |
| 1 | failed: the engine is unreachable, the index is locked, a configuration file is wrong |
| 2 | usage error: a bad option or argument, an invalid or unknown library code |
| 3 | some records (or a whole file) were rejected: the load report says which and why |
| 4 | a queued load is still running (`lantern status`) |
| 5 | our own mapping code failed on some records: a bug to report, not bad data |
| 6 | `lantern relevance eval --draft`: the draft lowers mean nDCG@10 by more than --max-drop |
| 7 | nothing to act on: ids given to `lantern delete` that the library does not have |
| 8 | nothing loaded yet: the data directory has no index or catalogue (`lantern load` first) |
| 9 | cannot write: a folder that does not exist, no permission, the disk is full |
| 130 | interrupted (Ctrl+C): a load keeps what it had committed; run it again |

Every failure is one line on stderr, `lantern: ...`; a traceback means a bug in Lantern.
"""

from __future__ import annotations

import errno
import sqlite3
import sys

import click

from indexer.errors import IndexerError, NothingLoadedError, RequestError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED, EXIT_RUNNING = 0, 1, 2, 3, 4
EXIT_MAPPING_FAILED = 5  # our own mapping code raised on some records: a bug, not bad data
EXIT_DRAFT_WORSE = 6  # a draft ranking configuration scores worse than allowed (a CI gate)
EXIT_NOT_FOUND = 7  # some of the records a command was to act on do not exist
EXIT_NOTHING_LOADED = 8  # no index or catalogue in the data directory yet
EXIT_CANNOT_WRITE = 9  # an output or the catalogue cannot be written (folder, permission, disk)
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT, as shells report it)

# The operator's environment, not a bug: said in one line, never a traceback.
_WRITE_ERRNOS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
}
_SQLITE_WRITE_FAILURES = ("disk is full", "disk i/o error", "readonly database", "unable to open")


def fail(message: str, status: int = EXIT_FAILED) -> None:
    click.secho(f"lantern: {message}", fg="red", err=True)
    sys.exit(status)


def status_of(exc: IndexerError) -> int:
    """The exit status for one of our errors: usage, nothing loaded yet, cannot write, or
    failed."""
    if isinstance(exc, NothingLoadedError):
        return EXIT_NOTHING_LOADED
    if isinstance(exc, RequestError):
        return EXIT_USAGE
    if write_failure(exc.__cause__) is not None:  # ours, saying that the disk refused a write
        return EXIT_CANNOT_WRITE
    return EXIT_FAILED


def fail_with(exc: IndexerError) -> None:
    """Fail with the message and exit status of one of our errors."""
    message = str(exc)
    if isinstance(exc, NothingLoadedError):
        message += ": nothing has been loaded yet; run `lantern load --library CODE FILE...` first"
    fail(message, status_of(exc))


def write_failure(exc: BaseException) -> str | None:
    """What went wrong, in one line, when `exc` is the disk or file system refusing a write;
    None for anything else (a bug, which keeps its traceback)."""
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if any(part in text.lower() for part in _SQLITE_WRITE_FAILURES):
            return f"cannot write the catalogue store: {text}"
    return None


class LanternGroup(click.Group):
    """The `lantern` group: a command the disk refuses (full, read-only, a missing folder)
    ends with one line and exit status 9, and Ctrl+C with one line and 130, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            fail("interrupted (Ctrl+C)", EXIT_INTERRUPTED)
        except (OSError, sqlite3.OperationalError) as exc:
            message = write_failure(exc)
            if message is None:
                raise
            fail(message, EXIT_CANNOT_WRITE)
