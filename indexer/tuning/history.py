"""Every version of an edited file, kept under DATA_DIR/tuning/NAME/ as files a person can read:
`0003.txt` (or `0003.toml`) is the text of version 3 and `0003.json` who made it, when and why,
and how it came about:

- "found": the text on disk the first time the file was opened or changed here (so a rollback
  to the file as shipped works);
- "changed on disk": text someone changed by hand or in git, recorded when next seen;
- "published" and "rollback": changes made with `publish` and `rollback`.
"""

from __future__ import annotations

import datetime
import difflib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.errors import TuningError
from indexer.tuning.files import check_name, digest


@dataclass(frozen=True)
class Version:
    number: int
    at: str  # UTC, ISO 8601
    by: str
    reason: str
    kind: str  # found | changed on disk | published | rollback
    sha256: str
    size: int


def history_dir(settings, name: str) -> Path:
    return Path(settings.data_dir) / "tuning" / check_name(name)


def versions(settings, name: str) -> list[Version]:
    """Every version, oldest first."""
    directory = history_dir(settings, name)
    if not directory.is_dir():
        return []
    return [Version(**json.loads(p.read_text())) for p in sorted(directory.glob("[0-9]*.json"))]


def latest(settings, name: str) -> Version | None:
    found = versions(settings, name)
    return found[-1] if found else None


def version_bytes(settings, name: str, number: int) -> bytes:
    path = _text_path(history_dir(settings, name), name, number)
    if not path.exists():
        raise TuningError(f"{name} has no version {number} (see its history)")
    return path.read_bytes()


def find_version(settings, name: str, sha256: str) -> Version | None:
    """The newest version with this text, if it was ever recorded."""
    return next((v for v in reversed(versions(settings, name)) if v.sha256 == sha256), None)


def record(settings, name: str, data: bytes, *, by: str, reason: str, kind: str) -> Version:
    directory = history_dir(settings, name)
    directory.mkdir(parents=True, exist_ok=True)
    previous = latest(settings, name)
    version = Version(
        number=(previous.number + 1) if previous else 1,
        at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        by=by,
        reason=reason,
        kind=kind,
        sha256=digest(data),
        size=len(data),
    )
    # The text first: a version whose metadata exists always has its text.
    _text_path(directory, name, version.number).write_bytes(data)
    meta = directory / f"{version.number:04d}.json"
    meta.write_text(json.dumps(asdict(version), indent=2, ensure_ascii=False) + "\n")
    return version


def note_disk(settings, name: str, data: bytes | None) -> Version | None:
    """Record the text on disk if it is not the newest version (first seen, or changed by hand
    or in git since): the history then shows every text readers were served."""
    if data is None:
        return latest(settings, name)
    newest = latest(settings, name)
    if newest is not None and newest.sha256 == digest(data):
        return newest
    kind = "found" if newest is None else "changed on disk"
    why = (
        "the file as it was before its first edit here"
        if newest is None
        else "edited outside Lantern"
    )
    return record(settings, name, data, by="disk", reason=why, kind=kind)


def unified_diff(old: bytes, new: bytes, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        old_label,
        new_label,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def diff(settings, name: str, first: int, second: int) -> str:
    """Unified diff from version `first` to version `second` ("" when the same text)."""
    old, new = version_bytes(settings, name, first), version_bytes(settings, name, second)
    labels = {v.number: v for v in versions(settings, name)}
    return unified_diff(old, new, _label(name, labels[first]), _label(name, labels[second]))


def _label(name: str, version: Version) -> str:
    return f"{name} v{version.number} ({version.at}, {version.by})"


def _text_path(directory: Path, name: str, number: int) -> Path:
    return directory / f"{number:04d}{Path(name).suffix}"
