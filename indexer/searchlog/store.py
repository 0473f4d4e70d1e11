"""The search log's store: one SQLite file, DATA_DIR/searchlog.sqlite, apart from the catalogue
store so that logging never waits for (or blocks) the catalogue's writer.

One row per reader's search. The columns are the whole of what is kept: there is no column for
an IP address, a cookie, a user agent or any user identifier, so none can be written.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,            -- UTC, 2026-12-07T05:03:47Z
    week TEXT NOT NULL,          -- its ISO week, 2026-W50 (the reports' unit)
    query TEXT NOT NULL,         -- normalised and redacted
    scope TEXT NOT NULL,         -- library or region code the search was made in; '' = all
    filters TEXT NOT NULL,       -- sorted, one a line: facet:value, -facet:value (excluded)
    hits INTEGER NOT NULL,
    suggestion TEXT NOT NULL,    -- the "did you mean" offered (normalised, redacted); '' = none
    from_suggestion INTEGER NOT NULL,  -- 1: the reader came by taking a suggestion
    ms REAL NOT NULL,            -- time the search took in the service
    channel TEXT NOT NULL        -- page (the results page) or api (/api/v1/search)
);
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
CREATE INDEX IF NOT EXISTS searches_week_query ON searches (week, query);
"""
COLUMNS = (
    "at",
    "week",
    "query",
    "scope",
    "filters",
    "hits",
    "suggestion",
    "from_suggestion",
    "ms",
    "channel",
)
BUSY_TIMEOUT_S = 10


@dataclass(frozen=True)
class LoggedSearch:
    """One row as stored (already normalised and redacted)."""

    at: datetime.datetime
    query: str
    scope: str
    filters: tuple[str, ...]
    hits: int
    suggestion: str
    from_suggestion: bool
    ms: float
    channel: str

    def row(self) -> tuple:
        year, week, _ = self.at.isocalendar()
        return (
            stamp(self.at),
            f"{year}-W{week:02d}",
            self.query,
            self.scope,
            "\n".join(sorted(self.filters)),
            self.hits,
            self.suggestion,
            int(self.from_suggestion),
            round(self.ms, 2),
            self.channel,
        )


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: Path) -> sqlite3.Connection:
    """The log for writing, created if absent (WAL: readers never block the writers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # a power cut may lose the last second
        conn.executescript(SCHEMA)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection | None:
    """The log for reading, or None when nothing has been logged yet."""
    if not path.exists():
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    conn.row_factory = sqlite3.Row
    # The first OPAC write creates the file a moment before its table.
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'searches'").fetchone():
        conn.close()
        return None
    return conn


def write(conn: sqlite3.Connection, entries: Iterable[LoggedSearch]) -> int:
    rows = [e.row() for e in entries]
    marks = ", ".join("?" for _ in COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(f"INSERT INTO searches ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(rows)


def purge(conn: sqlite3.Connection, days: int, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than `days` days (every entry when days is 0: the log is off)."""
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff = stamp(now - datetime.timedelta(days=days)) if days > 0 else "9999"
    return conn.execute("DELETE FROM searches WHERE at < ?", (cutoff,)).rowcount


def count(path: Path) -> int:
    conn = connect_readonly(path)
    if conn is None:
        return 0
    try:
        return conn.execute("SELECT COUNT(*) FROM searches").fetchone()[0]
    finally:
        conn.close()
