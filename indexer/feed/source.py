"""What the feed reads: the catalogue store (read-only) and the engine's display records."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from indexer.catalogue.store import CatalogueStore


class ReadOnlyStore(CatalogueStore):
    """The catalogue store's query methods over read-only connections, one per thread.

    The web app never writes the store (the loader's process does). Each statement reads the
    latest committed state: no long read transaction is held, so WAL checkpoints go on."""

    def __init__(self, path: str | Path) -> None:  # noqa: D107 - no schema, no BEGIN
        self.path = Path(path)
        self._local = threading.local()
        self._sets: tuple[float, list[str]] = (0.0, [])

    @property
    def db(self) -> sqlite3.Connection:  # type: ignore[override]
        conn = getattr(self._local, "db", None)
        if conn is None:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            self._local.db = conn
        return conn

    def exists(self) -> bool:
        return self.path.is_file()

    def document_row(self, doc_id: str) -> tuple[float, bool, str] | None:
        """(datestamp, deleted, sets) of a document or tombstone."""
        if not self.exists():
            return None
        row = self.db.execute(
            "SELECT datestamp, deleted, sets FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return (row[0], bool(row[1]), row[2]) if row else None

    def set_specs(self, max_age: float = 300.0) -> list[str]:
        """Every set spec some document or tombstone is in (cached: it scans the table)."""
        stamp, cached = self._sets
        if time.monotonic() - stamp < max_age and stamp:
            return cached
        specs: set[str] = set()
        if self.exists():
            for (sets,) in self.db.execute("SELECT DISTINCT sets FROM documents"):
                specs.update(sets.split())
        self._sets = (time.monotonic(), sorted(specs))
        return self._sets[1]

    def close(self) -> None:
        conn = getattr(self._local, "db", None)
        if conn is not None:
            conn.close()
            self._local.db = None


def fetch_displays(engine, ids: list[str]) -> dict[str, dict]:
    """Display dicts by id for a page of ids, in one engine call."""
    return engine.get_many(ids)
