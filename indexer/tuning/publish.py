"""Open a file for editing, check a text, publish it, roll back to a version.

Publishing writes LANTERN_SYNONYMS_DIR/NAME atomically; the engines re-read changed files, so
readers see it on their next search. It is refused, with nothing written, when the text has
errors, and when the file changed on disk since the editor opened it: `based_on` is the hash
the editor was given with the text (`current(...).sha256`), so a change made in git or by hand
in between is shown as a diff and never silently overwritten. Publishes are taken one at a time
(a lock file beside the history).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from indexer.engine.fields import load_fields
from indexer.errors import InvalidTuningError, StaleEditError, TuningError
from indexer.tuning import history
from indexer.tuning.boosts import check_boosts
from indexer.tuning.files import (
    BOOSTS_NAME,
    check_name,
    digest,
    live_path,
    read_live,
    write_atomically,
)
from indexer.tuning.report import Report
from indexer.tuning.synonyms_check import Share, check_synonyms


@dataclass(frozen=True)
class Current:
    """What an editor opens: the text on disk now, its hash (send it back as `based_on`) and
    the version of the history it is."""

    name: str
    text: str
    sha256: str
    version: int | None


@dataclass(frozen=True)
class Published:
    version: history.Version | None  # None when the text was already live (nothing written)
    report: Report = field(default_factory=Report)  # its warnings


def check(settings, name: str, content: str | bytes, share: Share | None = None) -> Report:
    """Errors and warnings of a text meant for NAME (boosts.toml or a synonym file)."""
    if check_name(name) == BOOSTS_NAME:
        return check_boosts(content, load_fields(settings.schemas_dir))
    return check_synonyms(content, share)


def current(settings, name: str) -> Current:
    data = read_live(live_path(settings, name))
    with _locked(settings):
        version = history.note_disk(settings, name, data)
    data = data or b""
    return Current(
        name, data.decode("utf-8", "replace"), digest(data), version.number if version else None
    )


def publish(
    settings,
    name: str,
    content: str | bytes,
    based_on: str | None,
    user: str,
    reason: str = "",
    *,
    share: Share | None = None,
    kind: str = "published",
) -> Published:
    """Check `content` and make it NAME's live text, as a new version by `user`.

    `based_on`: the sha256 of the text the editor started from (None or "" for a new synonym
    file). Raises StaleEditError (with the diff of what changed on disk) or InvalidTuningError
    (with the report); nothing is written then.
    """
    path = live_path(settings, name)
    data = as_bytes(content)
    report = check(settings, name, data, share)
    with _locked(settings):
        live = read_live(path)
        history.note_disk(settings, name, live)
        live_hash = digest(live) if live is not None else ""
        if (based_on or "") != live_hash:
            raise _stale(settings, name, based_on, live or b"", live_hash)
        if not report.ok:
            raise InvalidTuningError(
                f"{name} has {len(report.errors)} error(s); nothing was published", report
            )
        if live == data:
            return Published(None, report)
        write_atomically(path, data)
        version = history.record(settings, name, data, by=user, reason=reason, kind=kind)
    return Published(version, report)


def rollback(settings, name: str, number: int, user: str, reason: str = "") -> Published:
    """Publish version `number`'s text again, as a new version (the history keeps every step)."""
    data = history.version_bytes(settings, name, number)
    based_on = digest(read_live(live_path(settings, name)) or b"")
    why = f"rollback to v{number}" + (f": {reason}" if reason else "")
    return publish(settings, name, data, based_on, user, why, kind="rollback")


def _stale(settings, name, based_on, live: bytes, live_hash: str) -> StaleEditError:
    started = history.find_version(settings, name, based_on or "")
    if started is not None:
        old = history.version_bytes(settings, name, started.number)
        label = f"{name} v{started.number}, as the editor opened it"
    else:
        old, label = b"", f"{name} as the editor opened it (unknown text)"
    diff = history.unified_diff(old, live, label, f"{name} on disk now")
    return StaleEditError(
        f"{name} changed on disk since it was opened for editing; nothing was published. "
        "Start again from the text on disk now (the diff shows what changed there).",
        diff,
        live_hash,
    )


def as_bytes(content: str | bytes) -> bytes:
    if isinstance(content, bytes):
        return content.replace(b"\r\n", b"\n")
    # Browsers send a textarea's lines with CRLF; the files keep the repository's LF.
    return content.replace("\r\n", "\n").encode("utf-8")


@contextmanager
def _locked(settings) -> Iterator[None]:
    directory = Path(settings.data_dir) / "tuning"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


__all__ = ["Current", "Published", "TuningError", "check", "current", "publish", "rollback"]
