"""Searches answered ahead of readers: the most asked ones, searched once for each version of
the index, kept on disk where every server process finds them (DATA_DIR/warmed.sqlite).

A search's answer depends on the index version, the ranking (boosts.toml) and the synonym
files: the engine names all three in one version string, and only answers made for the
version in use are ever returned; writing a new version's answers drops the older ones.
Answers are kept as JSON (not pickle: a file in the data directory is never code to run).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from indexer.engine.query import FacetValue, Hit, SearchRequest, SearchResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, version TEXT NOT NULL, result TEXT);
"""
BUSY_TIMEOUT_S = 5
WARMED_FILE = "warmed.sqlite"  # in the data directory


def version_key(*parts: object) -> str:
    """One string for all that a version is made of (stamps of the index and the files)."""
    described = repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(described, digest_size=12).hexdigest()


def request_key(request: SearchRequest) -> bytes:
    """What identifies a search: every field of its request (a frozen dataclass of tuples)."""
    return hashlib.blake2b(repr(request).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class WarmedSearches:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()  # one read connection per thread (and process)

    def exists(self) -> bool:
        """Whether any answers were kept (so a search need not work out its version)."""
        return self.path.exists()

    def get(self, version: str, request: SearchRequest) -> SearchResult | None:
        """The answer kept for `request` at `version`, or None."""
        connection = self._reader()
        if connection is None:
            return None
        try:
            row = connection.execute(
                "SELECT result FROM answers WHERE key = ? AND version = ?",
                (request_key(request), version),
            ).fetchone()
        except sqlite3.Error:
            return None  # being written for the first time, or damaged: search as usual
        return None if row is None else from_json(row[0])

    def version(self) -> str | None:
        """The version whose answers are kept (None: none are)."""
        connection = self._reader()
        try:
            row = (
                connection and connection.execute("SELECT version FROM answers LIMIT 1").fetchone()
            )
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def replace(self, version: str, answers: Iterable[tuple[SearchRequest, SearchResult]]) -> int:
        """Keep `answers` for `version`, in place of any older version's. Returns how many. A
        damaged file is only a lost head start: it is started again."""
        rows = [(request_key(r), version, to_json(result)) for r, result in answers]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._write(version, rows)
        except sqlite3.DatabaseError:
            for damaged in (self.path, *(Path(f"{self.path}{end}") for end in ("-wal", "-shm"))):
                damaged.unlink(missing_ok=True)
            self._write(version, rows)
        return len(rows)

    def _write(self, version: str, rows: list[tuple]) -> None:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            with connection:
                connection.execute("DELETE FROM answers WHERE version != ?", (version,))
                connection.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", rows)
        finally:
            connection.close()

    def _reader(self) -> sqlite3.Connection | None:
        """This thread's read connection to the file as it is now (a file started again is
        a new file: the connection follows it)."""
        try:
            inode = self.path.stat().st_ino
        except OSError:
            return None
        local = self._local
        if getattr(local, "opened", None) != (os.getpid(), inode):  # never across a fork
            if getattr(local, "connection", None) is not None and local.opened[0] == os.getpid():
                local.connection.close()
            local.opened, local.connection = (os.getpid(), inode), None
            try:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                local.connection = sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
                )
            except sqlite3.Error:
                return None
        return local.connection


def to_json(result: SearchResult) -> str:
    return json.dumps(asdict(result), ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> SearchResult:
    data = json.loads(text)
    return SearchResult(
        total=data["total"],
        hits=tuple(Hit(**hit) for hit in data["hits"]),
        facets={
            name: tuple(FacetValue(**value) for value in values)
            for name, values in data["facets"].items()
        },
        relaxed=data["relaxed"],
        fuzzy=data["fuzzy"],
        suggestion=data["suggestion"],
        notes=tuple(data["notes"]),
        ignored=tuple(data["ignored"]),
        expanded=tuple((words, tuple(added)) for words, added in data["expanded"]),
    )
