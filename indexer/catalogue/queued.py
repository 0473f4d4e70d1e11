"""The catalogue store's part for queued loads: several writing processes, the records waiting
for a flush ("dirty"), and which batch of a load last wrote each record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from indexer.catalogue.sql import chunks


class QueuedLoadMarks:
    """Mixed into `CatalogueStore`, whose `db` it uses."""

    db: sqlite3.Connection
    locking: bool = False  # transactions take the write lock first (begin_writing)

    def begin_writing(self, busy_timeout: float = 600.0) -> None:
        """Take SQLite's write lock now, waiting up to `busy_timeout` seconds for it.

        With several writing processes a transaction that reads first and writes later fails
        when another one committed in between (WAL snapshots); taking the lock first cannot."""
        self.db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.execute("BEGIN IMMEDIATE")
        self.locking = True

    def mark_dirty(self, keys: Iterable[str] = (), docs: Iterable[str] = ()) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO dirty(kind, value) VALUES (?, ?)",
            [*(("key", k) for k in keys), *(("doc", d) for d in docs)],
        )

    def unmark_dirty(self, keys: Iterable[str]) -> None:
        self.db.executemany(
            "DELETE FROM dirty WHERE kind = 'key' AND value = ?", [(k,) for k in keys]
        )

    def dirty(self) -> tuple[set[str], set[str]]:
        """(record keys, document ids) waiting for a flush."""
        keys: set[str] = set()
        docs: set[str] = set()
        for kind, value in self.db.execute("SELECT kind, value FROM dirty"):
            (keys if kind == "key" else docs).add(value)
        return keys, docs

    def dirty_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM dirty").fetchone()[0]

    def oldest_dirty_record(self) -> float | None:
        """When the longest-waiting dirty record was stored (None: only documents are dirty)."""
        return self.db.execute(
            "SELECT min(r.updated) FROM dirty d CROSS JOIN records r ON r.key = d.value "
            "WHERE d.kind = 'key'"
        ).fetchone()[0]

    def clear_dirty(self) -> None:
        self.db.execute("DELETE FROM dirty")

    def seen_batches(self, load_id: str, keys: Iterable[str]) -> dict[str, int]:
        """The batch of `load_id` that last wrote each of `keys` (keys never seen are absent)."""
        found: dict[str, int] = {}
        for chunk in chunks(sorted(set(keys)), 500):
            marks = ",".join("?" * len(chunk))
            found.update(
                self.db.execute(
                    f"SELECT key, batch FROM load_seen WHERE load_id = ? AND key IN ({marks})",
                    [load_id, *chunk],
                )
            )
        return found

    def mark_seen(self, load_id: str, batch: int, keys: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT INTO load_seen(load_id, key, batch) VALUES (?, ?, ?) "
            "ON CONFLICT(load_id, key) DO UPDATE SET batch = max(batch, excluded.batch)",
            [(load_id, k, batch) for k in keys],
        )

    def unseen_keys(self, library: str, load_id: str) -> set[str]:
        """The library's records that no batch of `load_id` wrote (what --replace withdraws)."""
        return {
            k
            for (k,) in self.db.execute(
                "SELECT key FROM records WHERE library = ? AND key NOT IN "
                "(SELECT key FROM load_seen WHERE load_id = ?)",
                (library, load_id),
            )
        }

    def load_finished(self, load_id: str) -> float | None:
        row = self.db.execute(
            "SELECT finished FROM queued_loads WHERE load_id = ?", (load_id,)
        ).fetchone()
        return row[0] if row else None

    def finish_load(self, load_id: str, when: float) -> None:
        """Mark a queued load done (in the final flush's transaction) and forget what it saw."""
        self.db.execute(
            "INSERT OR REPLACE INTO queued_loads(load_id, finished) VALUES (?, ?)", (load_id, when)
        )
        self.db.execute("DELETE FROM load_seen WHERE load_id = ?", (load_id,))
