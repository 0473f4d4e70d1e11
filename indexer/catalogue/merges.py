"""Librarians' merge decisions, from the shell or the staff console: written to the merge
overrides file (`DATA_DIR/merge-overrides.toml`) with who, when and why, and applied to the
records they name at once (their documents are rebuilt as by a load; no reindex).

Each decision is one change with an id; a change is one or more `[[never_merge]]` or
`[[always_merge]]` tables carrying `change`, `reason`, `by` and `at` beside `records`, so the
file stays what the loader reads and a librarian can still edit it by hand (the console
rewrites it: keep remarks in a table's `note`, not in comments). Undoing a change removes its
tables and applies the file again to the same records. The catalogue's writer is held from
reading the file to committing the index, so two changes never interleave, nor a change and a
load.
"""

from __future__ import annotations

import os
import secrets
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from indexer.catalogue.writer import CatalogueWriter
from indexer.dedup import load_overrides
from indexer.errors import ConfigError, RequestError

KINDS = ("never_merge", "always_merge")


@dataclass(frozen=True)
class MergeChange:
    change: str
    kind: str
    groups: tuple[tuple[str, ...], ...]  # each group: records of one table
    reason: str
    by: str
    at: str


def overrides_path(settings) -> Path:
    return settings.data_dir / "merge-overrides.toml"


def list_changes(settings) -> list[MergeChange]:
    """The changes in the overrides file, newest first (tables without a change id, written
    by hand, are listed one each)."""
    data = _read(overrides_path(settings))
    found: dict[str, MergeChange] = {}
    for kind in KINDS:
        for n, table in enumerate(data.get(kind, []), start=1):
            change_id = str(table.get("change") or f"{kind}-{n}")
            records = tuple(str(k) for k in table.get("records", []))
            known = found.get(change_id)
            groups = (*known.groups, records) if known else (records,)
            found[change_id] = MergeChange(
                change_id,
                kind,
                groups,
                str(table.get("reason") or table.get("note") or ""),
                str(table.get("by") or ""),
                str(table.get("at") or ""),
            )
    return sorted(found.values(), key=lambda c: (c.at, c.change), reverse=True)


def never_merge(settings, keys: list[str], reason: str, by: str) -> MergeChange:
    """Keep these records apart (every pair of them)."""
    return _change(settings, "never_merge", lambda writer: [_keys(writer, keys)], reason, by)


def always_merge(settings, keys: list[str], reason: str, by: str) -> MergeChange:
    """Merge these records (keys, or document ids standing for their documents)."""
    return _change(settings, "always_merge", lambda writer: [_keys(writer, keys)], reason, by)


def split_out(settings, key: str, reason: str, by: str) -> MergeChange:
    """ "Not the same title": take one member record out of its document."""

    def groups(writer: CatalogueWriter) -> list[list[str]]:
        (key_,) = _keys(writer, [key], at_least=1)
        docs = writer.store.doc_ids_of([key_])
        others = sorted(writer.store.members_of(docs) - {key_})
        if not others:
            raise RequestError(f"{key_} is alone in its document: there is nothing to split")
        return [[key_, other] for other in others]

    return _change(settings, "never_merge", groups, reason, by)


def undo(settings, change_id: str, by: str) -> MergeChange:
    """Remove a change's tables and rebuild the documents of the records it named."""
    with CatalogueWriter.open(settings) as writer:
        path = overrides_path(settings)
        data = _read(path)
        removed = [
            t for kind in KINDS for t in data.get(kind, []) if str(t.get("change")) == change_id
        ]
        if not removed:
            raise RequestError(f"there is no merge change {change_id!r}")
        for kind in KINDS:
            data[kind] = [t for t in data.get(kind, []) if str(t.get("change")) != change_id]
        keys = {k for table in removed for k in table.get("records", [])}
        _publish(writer, path, data, keys)
    return MergeChange(change_id, "undo", (tuple(sorted(keys)),), "", by, _now())


def _change(settings, kind: str, make_groups, reason: str, by: str) -> MergeChange:
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise RequestError("say why: a reason is kept with every merge decision")
    with CatalogueWriter.open(settings) as writer:
        groups = make_groups(writer)
        change = MergeChange(
            f"c{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}",
            kind,
            tuple(tuple(g) for g in groups),
            reason,
            by,
            _now(),
        )
        path = overrides_path(settings)
        data = _read(path)
        tables = data.setdefault(kind, [])
        for group in change.groups:
            tables.append(
                {
                    "records": list(group),
                    "reason": reason,
                    "by": by,
                    "at": change.at,
                    "change": change.change,
                }
            )
        _publish(writer, path, data, {k for g in change.groups for k in g})
    return change


def _keys(writer: CatalogueWriter, tokens: list[str], at_least: int = 2) -> list[str]:
    """Record keys from keys (`LIB:CONTROLNUMBER`) or document ids (their first member)."""
    keys = []
    for token in tokens:
        token = token.strip()
        if ":" in token:
            if not writer.store.hashes([token]):
                raise RequestError(f"there is no record {token} in the catalogue")
            keys.append(token)
            continue
        members = sorted(writer.store.members_of({token}))
        if not members:
            raise RequestError(f"there is no document {token} in the catalogue")
        keys.append(members[0])
    keys = list(dict.fromkeys(keys))
    if len(keys) < at_least:
        raise RequestError("name two or more different records or documents")
    return keys


def _publish(writer: CatalogueWriter, path: Path, data: dict, keys: set[str]) -> None:
    """Write the file (checked by the loader's own reader first), rebuild the documents of
    `keys` with it, and put the old file back when the rebuild fails."""
    before = path.read_bytes() if path.exists() else None
    text = tomli_w.dumps({kind: data.get(kind, []) for kind in KINDS if data.get(kind)})
    _write_atomically(path, text.encode())
    try:
        writer.overrides = load_overrides(path)
        writer.dirty_keys |= keys
        writer.dirty_docs |= writer.store.doc_ids_of(keys)
        writer.flush()
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomically(path, before)
        raise


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read merge overrides: {exc}") from exc


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
