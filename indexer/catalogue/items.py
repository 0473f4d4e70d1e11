"""Availability-only updates: a copy's new status, without re-clustering anything.

A change of status is not a change of description. The records whose copies changed are updated
in the store (their holdings and content hash, as a load of the same export would leave them),
and each document they belong to is built again from its stored members as they are now, in the
order and with the reasons its display record already gives (no match keys, no merge decisions).
Its indexed status fields (`availability`, `available_library`) and display follow from the
holdings as in any build, its datestamp moves (the Hub feed sees the change), and the index is
committed before the store, as `CatalogueWriter.flush` does.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

from indexer.catalogue.store import StoredRecord, now
from indexer.holdings.profile import NON_PUBLIC_STATUSES
from indexer.mesh.linking import link_mesh
from indexer.union.document import Member, build_document
from indexer.union.rebuild import rebuild, set_specs

HOLDINGS_KEY = b',"holdings":'
ITEM_TABLE = """
CREATE TABLE IF NOT EXISTS item_records (
    library TEXT NOT NULL,
    item_id TEXT NOT NULL,
    key TEXT NOT NULL,               -- the record (LIBRARY:CONTROLNUMBER) holding the copy
    PRIMARY KEY (library, item_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS item_refreshes (
    library TEXT PRIMARY KEY,
    upto REAL NOT NULL               -- records stored before this time are in item_records
);
"""


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One copy's new status, in the index's words (indexer.holdings.profile.STATUSES)."""

    library: str
    record_id: str | None  # None: found by its item id
    item_id: str
    status: str
    due_date: str | None = None
    status_text: str | None = None


@dataclass
class ItemsApplied:
    """What an availability-only update did."""

    changed: list[tuple[ItemChange, str]] = field(default_factory=list)  # (change, old status)
    unchanged: int = 0  # copies that already had that status
    not_found: list[ItemChange] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # rewritten
    rebuilt: int = 0  # documents of records no document held yet (built the usual way)
    stamp: float | None = None
    seconds: float = 0.0


def apply_item_changes(writer, changes: Iterable[ItemChange]) -> ItemsApplied:
    """Apply `changes` through `writer` (a CatalogueWriter: it holds the index writer lock) and
    commit. A later change of the same copy wins."""
    started = time.perf_counter()
    result = ItemsApplied()
    store = writer.store
    wanted = _by_record(store, list(changes), result)
    records = {r.key: r for r in store.records(wanted)}
    touched: dict[str, StoredRecord] = {}
    for key, copies in wanted.items():
        record = records.get(key)
        for change in copies.values():
            old, differs = _set_status(record, change) if record else (None, False)
            if old is None:
                result.not_found.append(change)
            elif not differs:
                result.unchanged += 1
            else:
                result.changed.append((change, old))
                touched[key] = record
    if touched:
        result.stamp = now()
        _store_records(store, touched.values(), result.stamp)
        _write_documents(writer, touched.values(), result)
        writer.engine.commit()
        store.restamp(result.stamp, now())
        store.commit()
    result.seconds = time.perf_counter() - started
    return result


def _by_record(store, changes: list[ItemChange], result: ItemsApplied) -> dict:
    """record key -> {item id: change}; changes whose item no record holds go to not_found."""
    items = ItemIndex(store)
    wanted: dict[str, dict[str, ItemChange]] = {}
    for change in changes:
        key = (
            f"{change.library}:{change.record_id}"
            if change.record_id
            else items.record_of(change.library, change.item_id)
        )
        if key is None:
            result.not_found.append(change)
            continue
        wanted.setdefault(key, {})[change.item_id] = change
    return wanted


def _set_status(record: StoredRecord, change: ItemChange) -> tuple[str | None, bool]:
    """Give the record's copy its new status: (its old status, whether anything changed); old
    status None when the record has no such copy."""
    for holding in record.holdings:
        if str(holding.get("item_id") or "") == change.item_id:
            old = holding.get("status") or "unknown"
            due = change.due_date if change.status == "on_loan" else None
            if old == change.status and holding.get("due_date") == due:
                return old, False
            holding["status"] = change.status
            holding["status_text"] = change.status_text
            holding["due_date"] = due
            holding["public"] = change.status not in NON_PUBLIC_STATUSES
            return old, True
    return None, False


def _store_records(store, records: Iterable[StoredRecord], stamp: float) -> None:
    """The records' new holdings, hashed as the load pipeline hashes them (so an export that
    says the same later costs nothing)."""
    rows = []
    for r in records:
        data = orjson.dumps({"mapped": r.mapped, "holdings": r.holdings})
        rows.append((hashlib.blake2b(data, digest_size=12).hexdigest(), data, stamp, r.key))
    store.db.executemany("UPDATE records SET hash = ?, data = ?, updated = ? WHERE key = ?", rows)


def _write_documents(writer, records: Iterable[StoredRecord], result: ItemsApplied) -> None:
    """Rebuild the documents of `records` from their stored members, as their display records
    say they were merged; write those whose content changed."""
    store, engine, context = writer.store, writer.engine, writer.build_context
    records = list(records)
    homeless = {r.key for r in records if r.doc_id is None}
    doc_ids = sorted({r.doc_id for r in records if r.doc_id})
    displays = engine.get_many(doc_ids)
    built = []
    for doc_id in doc_ids:
        display = displays.get(doc_id)
        done = _rebuilt(store, context, doc_id, display) if display is not None else None
        if done is not None:
            built.append(done)
        else:  # a document whose members the store no longer holds: decided again
            homeless |= {r.key for r in records if r.doc_id == doc_id}
    states = store.documents_changed([(d, h, s) for d, h, s, _ in built], result.stamp)
    written = [b for b, state in zip(built, states, strict=True) if state != "same"]
    again = [prepared for _, _, _, prepared in written]
    result.documents = [doc_id for doc_id, _, _, _ in written]
    if again:
        if context.prepare is None:
            engine.upsert(again)
        else:
            engine.write_prepared(again)
    if homeless:  # never built (or lost from the index): the ordinary way, around them only
        result.rebuilt = rebuild(store, engine, context, homeless, set()).written


def _rebuilt(store, context, doc_id: str, display: dict) -> tuple[str, str, str, object] | None:
    """(id, content hash, sets, prepared document) of `doc_id` built again from its members;
    None when the store holds other members than its display record names (then the document
    is decided again the ordinary way)."""
    reasons = {f"{m['library']}:{m['record_id']}": m["reason"] for m in display["members"]}
    if store.members_of([doc_id]) != set(reasons):
        return None
    stored = {r.key: r for r in store.records(reasons)}
    members = [
        Member(context.consortium.resolve(r.library)[0], r.record_id, r.mapped, r.holdings, reason)
        for key, reason in reasons.items()
        for r in (stored[key],)
    ]
    doc = link_mesh(build_document(members, doc_id), context.mesh_path)
    if "other_formats" in display:
        doc["display"]["other_formats"] = display["other_formats"]
    prepared = context.prepare(doc) if context.prepare else doc
    content_hash = hashlib.blake2b(
        orjson.dumps(prepared, option=orjson.OPT_SORT_KEYS), digest_size=12
    ).hexdigest()
    return doc_id, content_hash, set_specs(doc, context.consortium), prepared


class ItemIndex:
    """Which record holds a library's copy, by item id: a table in the store, filled for a
    library the first time one of its copies is looked for, and brought up to date (from the
    records stored since) whenever a copy is not where the table says: loads since may have
    added or moved copies. An entry is always checked against its record before it is used."""

    def __init__(self, store) -> None:
        self.db = store.db
        for statement in ITEM_TABLE.split(";"):
            if statement.strip():
                self.db.execute(statement)
        self._refreshed: set[str] = set()

    def record_of(self, library: str, item_id: str) -> str | None:
        key = self._lookup(library, item_id)
        if key is not None and self._holds(key, item_id):
            return key
        if library in self._refreshed:
            return None
        self.refresh(library)
        key = self._lookup(library, item_id)
        return key if key is not None and self._holds(key, item_id) else None

    def _lookup(self, library: str, item_id: str) -> str | None:
        row = self.db.execute(
            "SELECT key FROM item_records WHERE library = ? AND item_id = ?", (library, item_id)
        ).fetchone()
        return row[0] if row else None

    def _holds(self, key: str, item_id: str) -> bool:
        row = self.db.execute("SELECT data FROM records WHERE key = ?", (key,)).fetchone()
        return row is not None and any(
            str(h.get("item_id") or "") == item_id for h in holdings_of(row[0])
        )

    def refresh(self, library: str) -> None:
        """Read the copies of `library`'s records stored since the last refresh (all of them
        the first time). Entries of copies that left a record stay: `_holds` sees through them."""
        row = self.db.execute(
            "SELECT upto FROM item_refreshes WHERE library = ?", (library,)
        ).fetchone()
        started = now()
        rows = self.db.execute(
            "SELECT key, data FROM records WHERE library = ? AND updated >= ?",
            (library, row[0] if row else float("-inf")),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO item_records(library, item_id, key) VALUES (?, ?, ?)",
            (
                (library, str(h["item_id"]), key)
                for key, data in rows
                for h in holdings_of(data)
                if h.get("item_id")
            ),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO item_refreshes(library, upto) VALUES (?, ?)",
            (library, started),
        )
        self._refreshed.add(library)


def holdings_of(data: bytes) -> list[dict]:
    """The holdings of a stored record without decoding its mapped fields (half the time of a
    library's scan). The store writes {"mapped": ..., "holdings": [...]}: holdings come last,
    and a quote inside a value is always escaped, so the last `"holdings":` is the key."""
    start = data.rfind(HOLDINGS_KEY)
    if start < 0 or not data.endswith(b"}"):
        return orjson.loads(data)["holdings"]
    return orjson.loads(data[start + len(HOLDINGS_KEY) : -1])
