"""The catalogue store's part for the documents' history: a datestamp for every document and a
tombstone for each one that is gone, which the Hub feed pages through."""

from __future__ import annotations

import sqlite3

from indexer.catalogue.sql import chunks


class DocumentHistory:
    """Mixed into `CatalogueStore`, whose `db` it uses."""

    db: sqlite3.Connection

    def documents_changed(self, built: list[tuple[str, str, str]], now: float) -> list[str]:
        """Record (re)built documents, (id, content hash, sets) each: for each, "new" (never
        indexed), "changed" or "same" (same content: its datestamp stays)."""
        known: dict[str, tuple[str, int]] = {}
        for chunk in chunks([doc_id for doc_id, _, _ in built], 500):
            marks = ",".join("?" * len(chunk))
            known.update(
                (i, (h, d))
                for i, h, d in self.db.execute(
                    f"SELECT id, hash, deleted FROM documents WHERE id IN ({marks})", chunk
                )
            )
        states, rows = [], []
        for doc_id, content_hash, sets in built:
            row = known.get(doc_id)
            if row is not None and row[0] == content_hash and not row[1]:
                states.append("same")
                continue
            states.append("new" if row is None else "changed")
            rows.append((doc_id, content_hash, now, sets))
        self.db.executemany(
            "INSERT INTO documents(id, hash, datestamp, deleted, sets) VALUES (?, ?, ?, 0, ?) "
            "ON CONFLICT(id) DO UPDATE SET hash=excluded.hash, datestamp=excluded.datestamp, "
            "deleted=0, sets=excluded.sets",
            rows,
        )
        return states

    def document_deleted(self, doc_id: str, now: float) -> None:
        self.db.execute(
            "INSERT INTO documents(id, hash, datestamp, deleted) VALUES (?, '', ?, 1) "
            "ON CONFLICT(id) DO UPDATE SET datestamp=excluded.datestamp, deleted=1",
            (doc_id, now),
        )

    def changes(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        set_spec: str | None = None,
        after: tuple[float, str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float, bool, str]]:
        """(id, datestamp, deleted, sets) of documents in (datestamp, id) order: a keyset page
        for the Hub feed, continuing after the `after` position. Deleted ones are tombstones.
        The keyset is a row value, so SQLite seeks the (datestamp, id) index to the position."""
        where, args = self._change_filter(since, until, set_spec)
        if after is not None:
            where.append("(datestamp, id) > (?, ?)")
            args += [after[0], after[1]]
        rows = self.db.execute(
            f"SELECT id, datestamp, deleted, sets FROM documents WHERE {' AND '.join(where)} "
            "ORDER BY datestamp, id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [(i, d, bool(x), s) for i, d, x, s in rows]

    def count_changes(
        self, *, since: float | None = None, until: float | None = None, set_spec: str | None = None
    ) -> int:
        where, args = self._change_filter(since, until, set_spec)
        return self.db.execute(
            f"SELECT count(*) FROM documents WHERE {' AND '.join(where)}", args
        ).fetchone()[0]

    @staticmethod
    def _change_filter(since, until, set_spec) -> tuple[list[str], list]:
        where, args = ["1"], []
        for clause, value in (("datestamp >= ?", since), ("datestamp <= ?", until)):
            if value is not None:
                where.append(clause)
                args.append(value)
        if set_spec:
            escaped = set_spec.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(' ' || sets || ' ') LIKE ? ESCAPE '\\'")
            args.append(f"% {escaped} %")
        return where, args

    def restamp(self, old: float, new: float) -> None:
        """Move this flush's datestamps to the moment of commit, so a harvest that began while
        the flush ran cannot have passed them already (see CatalogueWriter.flush)."""
        self.db.execute("UPDATE documents SET datestamp = ? WHERE datestamp = ?", (new, old))

    def earliest_datestamp(self) -> float | None:
        return self.db.execute("SELECT min(datestamp) FROM documents").fetchone()[0]

    def document_state(self, doc_id: str) -> tuple[float, bool] | None:
        row = self.db.execute(
            "SELECT datestamp, deleted FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return (row[0], bool(row[1])) if row else None
