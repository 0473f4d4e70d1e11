"""The index heals: a copy whose library's system says other than the index is corrected in the
index, so the availability facet and the "available now" filter converge on the truth without
waiting for the next export.

Readers never wait for it. `observe` (called with every page's copies as they are now) only
notes each live answer that differs from the indexed status; a thread of the process writes the
corrections it gathered through the availability-only update path (indexer.catalogue.items), at
most once every `every_s` seconds and a batch at a time. The index has one writer: when a load
holds it the batch waits for the next turn (never a failed page), and the process holds it only
for the moment of the update. Per library it counts how many live answers were compared and how
many said other than the export, and how many corrections were written; the counts are kept in
the catalogue store (written with the corrections) for `lantern status`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from indexer.availability.model import IN_TRANSIT, MISSING, ON_HOLD_SHELF, ON_LOAN
from indexer.catalogue.items import ItemChange, apply_item_changes
from indexer.errors import EngineError, IndexLockedError

HEAL_EVERY_S = 300.0  # at most one index write per OPAC process this often: each commit also
# restarts the answering ahead of the most asked searches (opac/search/warming.py: about 54 s of
# one process at 1M records), so five minutes keeps that under a fifth of a core

BATCH = 500  # corrections per write
SEEN_KEPT = 100_000  # live answers remembered, so a cached answer shown again counts once
# A live status -> the index's word for it; the index knows no "in transit" or "on the hold
# shelf": both mean not on the shelf now, as on loan does. Unknown is never a correction.
INDEX_WORDS = {
    "available": "available",
    ON_LOAN: "on_loan",
    "reference": "reference",
    "not_for_loan": "reference",
    IN_TRANSIT: "on_loan",
    ON_HOLD_SHELF: "on_loan",
    MISSING: "missing",
}
COUNTS_TABLE = """
CREATE TABLE IF NOT EXISTS healing (
    library TEXT PRIMARY KEY,
    compared INTEGER NOT NULL DEFAULT 0,  -- live answers compared with the indexed status
    differed INTEGER NOT NULL DEFAULT 0,  -- of which the export said otherwise
    corrected INTEGER NOT NULL DEFAULT 0  -- copies corrected in the index
)
"""
log = logging.getLogger(__name__)


class Healer:
    """One per OPAC process (see opac.search.service)."""

    def __init__(self, settings, *, every_s: float = HEAL_EVERY_S) -> None:
        self.settings = settings
        self.every_s = every_s
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str, str], ItemChange] = {}
        self._seen: set[tuple] = set()
        self._compared: Counter[str] = Counter()
        self._differed: Counter[str] = Counter()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.corrected = 0  # written by this process
        self.busy_turns = 0  # turns skipped because another process held the writer

    def observe(self, displays: dict[str, dict], now: dict[str, dict]) -> dict[str, dict]:
        """Note the copies of `now` (overlay's answer for `displays`) whose live status differs
        from the indexed one; returns `now` as it is."""
        found = []
        for doc_id, display in now.items():
            indexed = {
                (h["library"], h["record_id"], str(h.get("item_id") or "")): h
                for h in displays.get(doc_id, {}).get("holdings") or []
            }
            for h in display.get("holdings") or []:
                if h.get("source") == "live" and h.get("item_id"):
                    key = (h["library"], h["record_id"], str(h["item_id"]))
                    found.append((key, h, indexed.get(key)))
        if found:
            self._note(found)
        return now

    def _note(self, found: list) -> None:
        with self._lock:
            for key, live, indexed in found:
                seen = (*key, live.get("as_of"), live["status"])
                if indexed is None or seen in self._seen:
                    continue
                if len(self._seen) >= SEEN_KEPT:
                    self._seen.clear()
                self._seen.add(seen)
                self._compared[key[0]] += 1
                change = correction(key, live, indexed)
                if change is not None:
                    self._differed[key[0]] += 1
                    self._pending[key] = change
            if self._pending:
                self._start()

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="lantern-heal", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.every_s)
            self._wake.clear()
            try:
                more = self.heal()
            except Exception:  # never let a reader's process lose its healing for good
                log.exception("healing the index failed; the corrections wait for the next turn")
                more = True
            if not more:
                with self._lock:
                    if not self._pending:
                        self._thread = None
                        return

    def heal(self) -> bool:
        """Write one batch of corrections now (the thread calls this once per turn); True when
        corrections are left for a later turn (another process held the writer, or more than a
        batch waits)."""
        from indexer.catalogue.writer import CatalogueWriter

        with self._lock:
            batch = dict(list(self._pending.items())[:BATCH])
            counts = (Counter(self._compared), Counter(self._differed))
        try:
            writer = CatalogueWriter.open(self.settings)
        except (IndexLockedError, EngineError, sqlite3.Error):
            self.busy_turns += 1
            return True
        with writer:
            applied = apply_item_changes(writer, list(batch.values()))
            corrected = Counter(change.library for change, _ in applied.changed)
            add_counts(writer.store.db, counts[0], counts[1], corrected)
            writer.store.commit()
        with self._lock:
            for key, change in batch.items():
                if self._pending.get(key) == change:  # a newer answer stays queued
                    del self._pending[key]
            self._compared -= counts[0]
            self._differed -= counts[1]
            self.corrected += len(applied.changed)
            return bool(self._pending)


def correction(key: tuple[str, str, str], live: dict, indexed: dict) -> ItemChange | None:
    """The change that makes the indexed copy say what its system said, or None if it does."""
    word = INDEX_WORDS.get(live["status"])
    if word is None:
        return None
    due = live.get("due_date") if word == "on_loan" else None
    if indexed.get("status") == word and (indexed.get("due_date") or None) == (due or None):
        return None
    library, record_id, item_id = key
    return ItemChange(library, record_id, item_id, word, due, live.get("status_text"))


def add_counts(db, compared: Counter, differed: Counter, corrected: Counter) -> None:
    db.execute(COUNTS_TABLE)
    db.executemany(
        "INSERT INTO healing(library, compared, differed, corrected) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(library) DO UPDATE SET compared = compared + excluded.compared, "
        "differed = differed + excluded.differed, corrected = corrected + excluded.corrected",
        [
            (lib, compared[lib], differed[lib], corrected[lib])
            for lib in sorted(set(compared) | set(differed) | set(corrected))
        ],
    )


def healing_counts(store_path: Path) -> list[tuple[str, int, int, int]]:
    """(library, compared, differed, corrected) rows of the store at `store_path`, by library."""
    if not Path(store_path).exists():
        return []
    db = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        return db.execute(
            "SELECT library, compared, differed, corrected FROM healing ORDER BY library"
        ).fetchall()
    except sqlite3.OperationalError:  # never healed: no table yet
        return []
    finally:
        db.close()


def describe_healing(rows: list[tuple[str, int, int, int]]) -> str:
    """`lantern status`'s lines on the index healing from live answers."""
    if not rows:
        return "Healing: no live answer has been compared with the index yet."
    total = sum(r[3] for r in rows)
    lines = [f"Healing: {total:,} copies corrected in the index from live answers."]
    for library, compared, differed, corrected in rows:
        share = f"{differed / compared:.1%}" if compared else "-"
        lines.append(
            f"  {library}: {compared:,} live answers compared, the export was wrong for "
            f"{differed:,} ({share}); {corrected:,} corrected"
        )
    return "\n".join(lines)


def wait_for(healer: Healer, corrected: int, timeout_s: float = 30.0) -> bool:
    """Until `healer` has written `corrected` corrections (for scripts and tests)."""
    deadline = time.monotonic() + timeout_s
    while healer.corrected < corrected and time.monotonic() < deadline:
        healer._wake.set()
        time.sleep(0.02)
    return healer.corrected >= corrected
