"""The catalogue store: every member library's records, their clusters and the documents' history.

The search index is derived data; this SQLite file is the truth it is rebuilt from. It keeps
each source record's mapped fields and holdings (with a content hash, so reloading an unchanged
record does nothing), the blocking keys the matcher finds candidates by, which cluster (search
document) each record belongs to, and for every document a datestamp and, once it is gone, a
tombstone: what the Hub feed reports as deleted.

`CatalogueStore` is one class over one connection; its documents' history (`history`) and its
queued loads' bookkeeping (`queued`) are written in modules of their own.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from indexer.catalogue.history import DocumentHistory
from indexer.catalogue.queued import QueuedLoadMarks
from indexer.catalogue.sql import chunks
from indexer.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,            -- LIBRARY:CONTROLNUMBER
    library TEXT NOT NULL,
    record_id TEXT NOT NULL,
    hash TEXT NOT NULL,              -- of the mapped fields and holdings
    data BLOB NOT NULL,              -- orjson {"mapped": {...}, "holdings": [...]}
    doc_id TEXT,                     -- the search document (cluster) it belongs to
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS records_library ON records(library);
CREATE INDEX IF NOT EXISTS records_doc ON records(doc_id);
CREATE TABLE IF NOT EXISTS match_keys (
    mkey TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (mkey, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS match_keys_key ON match_keys(key);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,              -- of the document: an unchanged rebuild keeps its date
    datestamp REAL NOT NULL,         -- last change (UTC seconds)
    deleted INTEGER NOT NULL DEFAULT 0,
    sets TEXT NOT NULL DEFAULT ''    -- space-separated OAI set specs (kept on the tombstone)
);
CREATE INDEX IF NOT EXISTS documents_datestamp ON documents(datestamp, id);
-- Records (kind 'key') and documents (kind 'doc') whose clusters must be decided again by the
-- next flush. Queued loads store records in several processes and flush in another: kept here,
-- in the records' own transaction, a crash between the two never loses them.
CREATE TABLE IF NOT EXISTS dirty (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
-- Which batch of a queued load last wrote or deleted a record: batches finish in any order, and
-- a later batch's version of a record must win as it does in a single-process load.
CREATE TABLE IF NOT EXISTS load_seen (
    load_id TEXT NOT NULL,
    key TEXT NOT NULL,
    batch INTEGER NOT NULL,
    PRIMARY KEY (load_id, key)
) WITHOUT ROWID;
-- One row while the search index may hold documents this store does not know of: set, with the
-- records and dirty marks, before a flush commits the index, and cleared in the store commit
-- after it. A failure between the two (a full disk, a crash) leaves it, and the next flush
-- rewrites the same documents replacing them by id (see CatalogueWriter.flush).
CREATE TABLE IF NOT EXISTS index_ahead (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    since REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS queued_loads (
    load_id TEXT PRIMARY KEY,
    finished REAL NOT NULL           -- when its final flush committed
);
"""


@dataclass(frozen=True, slots=True)
class StoredRecord:
    key: str
    library: str
    record_id: str
    mapped: dict
    holdings: list
    doc_id: str | None


class CatalogueStore(QueuedLoadMarks, DocumentHistory):
    """One SQLite file beside the index. One writer at a time (the index writer's process)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Match keys are random strings: B-tree inserts touch pages all over the file, so a
        # generous page cache (memory is used only as the catalogue grows) keeps loads fast.
        self.db.execute("PRAGMA cache_size=-262144")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.executescript(SCHEMA)
        self.db.execute("BEGIN")

    def commit(self) -> None:
        """Commit, and begin the next transaction. A commit SQLite refuses (a full disk) is a
        StoreError, one line saying so; the transaction's changes are not kept."""
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(
                f"the catalogue store {self.path} could not save the changes ({exc}); "
                "nothing was kept: run the command again once that is put right"
            ) from exc
        self.db.execute("BEGIN")

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()

    # --- records ------------------------------------------------------------------------------

    def hashes(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            found.update(
                self.db.execute(f"SELECT key, hash FROM records WHERE key IN ({marks})", chunk)
            )
        return found

    def put_many(
        self, rows: list[tuple[str, str, str, str, bytes, Iterable[str]]], now: float
    ) -> None:
        """Add or replace records: (key, library, record_id, hash, data, match keys) rows. Their
        clusters are decided later (doc_id stays as it was)."""
        if not rows:
            return
        self.db.executemany(
            "INSERT INTO records(key, library, record_id, hash, data, updated) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET hash=excluded.hash, "
            "data=excluded.data, updated=excluded.updated",
            [(key, lib, rid, h, data, now) for key, lib, rid, h, data, _ in rows],
        )
        keys = [row[0] for row in rows]
        for chunk in chunks(keys, 500):
            self.db.execute(
                f"DELETE FROM match_keys WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
        self.db.executemany(
            "INSERT OR IGNORE INTO match_keys(mkey, key) VALUES (?, ?)",
            [(m, row[0]) for row in rows for m in row[5]],
        )

    def remove(self, keys: Iterable[str]) -> set[str]:
        """Withdraw records; returns the documents they belonged to."""
        keys = list(keys)
        docs = self.doc_ids_of(keys)
        for chunk in chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM records WHERE key IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM match_keys WHERE key IN ({marks})", chunk)
        return docs

    def library_keys(self, library: str) -> set[str]:
        return {
            k for (k,) in self.db.execute("SELECT key FROM records WHERE library = ?", (library,))
        }

    def libraries(self) -> list[str]:
        """The codes of the libraries with records in the store."""
        return [lib for (lib,) in self.db.execute("SELECT DISTINCT library FROM records")]

    def records(self, keys: Iterable[str]) -> list[StoredRecord]:
        return [decode(row) for row in self.raw_records(keys)]

    def raw_records(self, keys: Iterable[str]) -> list[tuple]:
        """(key, library, record_id, data, doc_id) rows, data still serialised (workers decode)."""
        out: list[tuple] = []
        for chunk in chunks(sorted(set(keys)), 500):
            marks = ",".join("?" * len(chunk))
            out += self.db.execute(
                f"SELECT key, library, record_id, data, doc_id FROM records WHERE key IN ({marks})",
                chunk,
            ).fetchall()
        return out

    def neighbours(self, keys: Iterable[str]) -> set[str]:
        """Records sharing a blocking key with any of `keys`, and the other members of the
        documents those belong to (so a cluster is always re-decided whole)."""
        keys = list(keys)
        found: set[str] = set(keys)
        for chunk in chunks(keys, 400):
            marks = ",".join("?" * len(chunk))
            found.update(
                k
                for (k,) in self.db.execute(
                    f"SELECT DISTINCT m2.key FROM match_keys m1 JOIN match_keys m2 "
                    f"ON m1.mkey = m2.mkey WHERE m1.key IN ({marks})",
                    chunk,
                )
            )
        docs = self.doc_ids_of(found)
        for chunk in chunks(sorted(docs), 400):
            marks = ",".join("?" * len(chunk))
            found.update(
                k
                for (k,) in self.db.execute(
                    f"SELECT key FROM records WHERE doc_id IN ({marks})", chunk
                )
            )
        return found

    def links_among(self, keys: set[str]) -> Iterator[list[str]]:
        """Lists of `keys` that share a blocking key or a document (for grouping)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS scope(key TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM scope")
        self.db.executemany("INSERT OR IGNORE INTO scope(key) VALUES (?)", ((k,) for k in keys))
        # CROSS JOIN keeps `scope` as the outer loop, so each lookup uses an index: the cost
        # follows the records in scope, not the size of the catalogue.
        for query in (
            "SELECT m.mkey, m.key FROM scope s CROSS JOIN match_keys m ON m.key = s.key",
            "SELECT r.doc_id, r.key FROM scope s CROSS JOIN records r ON r.key = s.key"
            " WHERE r.doc_id IS NOT NULL",
        ):
            shared: dict[str, list[str]] = {}
            for link, key in self.db.execute(query):
                shared.setdefault(link, []).append(key)
            for members in shared.values():
                if len(members) > 1:
                    yield members

    def all_links(self) -> Iterator[list[str]]:
        """`links_among` every record: SQLite groups the tables in key order itself, about a
        tenth of the cost of looking each record up (which pays when few records changed)."""
        for query in (
            "SELECT json_group_array(key) FROM match_keys GROUP BY mkey HAVING count(*) > 1",
            "SELECT json_group_array(key) FROM records WHERE doc_id IS NOT NULL "
            "GROUP BY doc_id HAVING count(*) > 1",
        ):
            for (members,) in self.db.execute(query):
                yield orjson.loads(members)

    def doc_ids_of(self, keys: Iterable[str]) -> set[str]:
        docs: set[str] = set()
        for chunk in chunks(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            docs.update(
                d
                for (d,) in self.db.execute(
                    f"SELECT doc_id FROM records WHERE key IN ({marks})", chunk
                )
                if d
            )
        return docs

    def members_of(self, doc_ids: Iterable[str]) -> set[str]:
        keys: set[str] = set()
        for chunk in chunks(sorted(set(doc_ids)), 500):
            marks = ",".join("?" * len(chunk))
            keys.update(
                k
                for (k,) in self.db.execute(
                    f"SELECT key FROM records WHERE doc_id IN ({marks})", chunk
                )
            )
        return keys

    def assign(self, assignments: Iterable[tuple[str, str]]) -> None:
        """(record key, doc id) pairs. A record already in its document is not rewritten."""
        self.db.executemany(
            "UPDATE records SET doc_id = ? WHERE key = ? AND doc_id IS NOT ?",
            [(doc, key, doc) for key, doc in assignments],
        )

    # --- the search index's commits -------------------------------------------------------

    def expect_index_commit(self, when: float) -> None:
        """Mark that the index is about to commit what this store has not yet (see SCHEMA)."""
        self.db.execute("INSERT OR IGNORE INTO index_ahead(one, since) VALUES (1, ?)", (when,))

    def index_caught_up(self) -> None:
        self.db.execute("DELETE FROM index_ahead")

    def index_may_be_ahead(self) -> bool:
        return self.db.execute("SELECT 1 FROM index_ahead").fetchone() is not None

    def all_keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM records")}

    def record_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM records").fetchone()[0]


def decode(row: tuple) -> StoredRecord:
    key, library, record_id, data, doc_id = row
    body = orjson.loads(data)
    return StoredRecord(key, library, record_id, body["mapped"], body["holdings"], doc_id)


def now() -> float:
    return time.time()
