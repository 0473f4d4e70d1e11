"""The staff database: one SQLite file, DATA_DIR/staff.sqlite, shared by every OPAC worker and
the `lantern staff` command.

WAL mode lets the web workers read while the CLI writes; the busy timeout makes a second writer
wait instead of failing. The audit table is append-only: triggers refuse UPDATE and DELETE, so a
bug (or a hand with the sqlite3 shell and no intent to cover it up) cannot rewrite history.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

FILE_NAME = "staff.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    -- Raised by a password change, a role change and "sign out": sessions carry the epoch they
    -- were issued under, so every older session of the account ends at once.
    session_epoch INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    diff TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def staff_db_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


@contextmanager
def connect(data_dir: Path, *, write: bool = False):
    """A connection to the staff database (created on first use, readable by its owner only: it
    holds the password hashes) in one transaction: committed when the block ends without an
    exception, rolled back otherwise. `write` takes the write lock at once (BEGIN IMMEDIATE), so
    a read-then-write cannot lose to another process between the two."""
    path = staff_db_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as db:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 10000")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.executescript(SCHEMA)  # IF NOT EXISTS: cheap once the tables are there
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
