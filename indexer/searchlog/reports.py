"""What readers search for, from the search log: the most asked searches, the ones that found
nothing, and the "did you mean" suggestions readers took; each by ISO week, optionally since a
date and within one scope (a library or region code). Rows are plain dicts, in the order of
COLUMNS[kind], for the CLI, the staff page and CSV alike.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import TextIO

from indexer.errors import ConfigError
from indexer.searchlog.store import connect_readonly

KINDS = ("top", "zero", "suggested")
COLUMNS = {
    # searches: how often; hits: the most the search found that week; zero_hits: how many of
    # them found nothing; offered: how many were offered a "did you mean"; suggestion: what was
    # offered (the last alphabetically, if it changed within the week)
    "top": ("week", "query", "searches", "hits", "zero_hits"),
    "zero": ("week", "query", "searches", "offered", "suggestion"),
    # taken: searches made by taking the suggestion `query`; instead_of: the search that was
    # offered it most often that week
    "suggested": ("week", "query", "taken", "hits", "instead_of"),
}
DEFAULT_LIMIT = 50

_SELECT = {
    "top": """SELECT week, query, COUNT(*) AS searches, MAX(hits) AS hits,
                     SUM(hits = 0) AS zero_hits
              FROM searches WHERE {where} GROUP BY week, query""",
    "zero": """SELECT week, query, COUNT(*) AS searches, SUM(suggestion != '') AS offered,
                      MAX(suggestion) AS suggestion
               FROM searches WHERE hits = 0 AND {where} GROUP BY week, query""",
    "suggested": """SELECT s.week, s.query, COUNT(*) AS taken, MAX(s.hits) AS hits,
                           COALESCE((SELECT o.query FROM searches o
                                     WHERE o.week = s.week AND o.suggestion = s.query
                                     GROUP BY o.query ORDER BY COUNT(*) DESC, o.query
                                     LIMIT 1), '') AS instead_of
                    FROM searches s WHERE s.from_suggestion = 1 AND {where}
                    GROUP BY s.week, s.query""",
}
_ORDER = {"top": "searches", "zero": "searches", "suggested": "taken"}


def parse_since(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--since {text!r}: give a date as YYYY-MM-DD") from None


def report(
    path: Path,
    kind: str,
    *,
    since: datetime.date | None = None,
    scope: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[dict]:
    """The `kind` report: for each ISO week (newest first), its `limit` most frequent rows."""
    if kind not in KINDS:
        raise ConfigError(f"No search report {kind!r}; reports: {', '.join(KINDS)}")
    conn = connect_readonly(path)
    if conn is None:
        return []
    prefix = "s." if kind == "suggested" else ""
    where, args = [f"{prefix}query != ''"], []
    if since:
        where.append(f"{prefix}at >= ?")
        args.append(since.isoformat())
    if scope:
        where.append(f"{prefix}scope = ?")
        args.append(scope.strip().upper())
    grouped = _SELECT[kind].format(where=" AND ".join(where))
    sql = f"""SELECT * FROM (
                SELECT g.*, ROW_NUMBER() OVER (
                    PARTITION BY week ORDER BY {_ORDER[kind]} DESC, query) AS rank
                FROM ({grouped}) g)
              WHERE rank <= ? ORDER BY week DESC, rank"""
    try:
        rows = conn.execute(sql, [*args, max(1, limit)]).fetchall()
    finally:
        conn.close()
    return [{name: row[name] for name in COLUMNS[kind]} for row in rows]


def scopes(path: Path, since: datetime.date | None = None) -> list[dict]:
    """Every scope in the log with its number of searches ('' = the whole consortium)."""
    conn = connect_readonly(path)
    if conn is None:
        return []
    try:
        rows = conn.execute(
            "SELECT scope, COUNT(*) AS searches FROM searches WHERE at >= ? "
            "GROUP BY scope ORDER BY searches DESC, scope",
            (since.isoformat() if since else "",),
        ).fetchall()
    finally:
        conn.close()
    return [{"scope": r["scope"], "searches": r["searches"]} for r in rows]


def overview(
    path: Path,
    *,
    since: datetime.date | None = None,
    scope: str | None = None,
    limit: int = 20,
) -> dict:
    """Everything the staff page "What readers search for" shows, in one call: the three
    reports and the scopes to choose from."""
    return {
        "since": since.isoformat() if since else None,
        "scope": (scope or "").upper() or None,
        "scopes": scopes(path, since),
        **{kind: report(path, kind, since=since, scope=scope, limit=limit) for kind in KINDS},
    }


def _cell(value) -> str:
    """A spreadsheet cannot run a reader's query as a formula: text that starts with = + - @
    (or a tab or carriage return) is written with a leading apostrophe, as OWASP advises."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(kind: str, rows: list[dict], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow([_cell(row[name]) for name in COLUMNS[kind]])


def most_asked(path: Path, limit: int, since: datetime.date | None = None) -> list[str]:
    """The `limit` searches readers asked most often over the whole consortium with no filter
    (what the OPAC answers ahead of them after each commit), most asked first."""
    conn = connect_readonly(path)
    if conn is None:
        return []
    where, args = "scope = '' AND filters = '' AND query != ''", []
    if since is not None:
        where += " AND at >= ?"
        args.append(since.isoformat())
    try:
        rows = conn.execute(
            f"SELECT query FROM searches WHERE {where} GROUP BY query "  # noqa: S608 - fixed text
            "ORDER BY COUNT(*) DESC, query LIMIT ?",
            (*args, max(0, limit)),
        ).fetchall()
    finally:
        conn.close()
    return [row["query"] for row in rows]
