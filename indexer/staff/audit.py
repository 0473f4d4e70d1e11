"""The audit log: who changed what, when, and the diff; append-only, in DATA_DIR/staff.sqlite,
so it survives restarts and every OPAC worker writes to the same one.

The actor is a staff username, or "cli" for `lantern staff` run on the server. The diff is text
(a unified diff for files, "role: editor -> admin" for accounts) and never holds a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from indexer.staff.store import connect


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str  # UTC, ISO 8601 to the second, e.g. 2026-12-07T05:30:00Z
    actor: str
    action: str
    target: str
    diff: str


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(data_dir: Path, actor: str, action: str, target: str, diff: str = "") -> AuditEntry:
    """Append one entry; `action` is a short verb phrase ("account.add", "synonyms.publish")."""
    with connect(data_dir, write=True) as db:
        return append(db, actor, action, target, diff)


def append(db, actor: str, action: str, target: str, diff: str = "") -> AuditEntry:
    """Append within an open transaction, so a change and its entry commit together."""
    at = utc_now()
    cursor = db.execute(
        "INSERT INTO audit (at, actor, action, target, diff) VALUES (?, ?, ?, ?, ?)",
        (at, actor, action, target, diff),
    )
    return AuditEntry(cursor.lastrowid, at, actor, action, target, diff)


def entries(data_dir: Path, *, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
    """The newest entries first."""
    with connect(data_dir) as db:
        rows = db.execute(
            "SELECT id, at, actor, action, target, diff FROM audit ORDER BY id DESC "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
    return [AuditEntry(**dict(row)) for row in rows]


def count(data_dir: Path) -> int:
    with connect(data_dir) as db:
        return db.execute("SELECT count(*) FROM audit").fetchone()[0]
