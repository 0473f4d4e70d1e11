"""Queries added to a query set before anyone has rated a result for them (e.g. a zero-result
search from the search log): one query a line in `NAME.queries.txt` beside the set's CSV, so a
librarian can read it. A query leaves the list once the set has a judgement for it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from indexer.errors import JudgementError
from indexer.relevance.judgements import JudgementStore, check_set_name, normalise_query

MAX_QUERY_CHARS = 500


def path(directory: Path, name: str) -> Path:
    return Path(directory) / f"{check_set_name(name)}.queries.txt"


def waiting(directory: Path, name: str) -> list[str]:
    """The set's queries that have no judgement yet, in the order they were added."""
    store = JudgementStore(directory)
    judged = set(store.load(name).judgements) if store.exists(name) else set()
    file = path(directory, name)
    lines = file.read_text(encoding="utf-8").splitlines() if file.is_file() else []
    return [q for q in dict.fromkeys(lines) if q and q not in judged]


def add(directory: Path, name: str, query: str) -> bool:
    """Add `query` to set `name` (False when the set already has it, rated or not)."""
    query = normalise_query(query)
    if not query:
        raise JudgementError("give the query to add")
    if len(query) > MAX_QUERY_CHARS:
        raise JudgementError(f"a query of at most {MAX_QUERY_CHARS} characters, please")
    store = JudgementStore(directory)
    with store._locked(name):
        if store.exists(name) and query in store.load(name).judgements:
            return False
        queries = waiting(directory, name)
        if query in queries:
            return False
        _write(path(directory, name), [*queries, query])
    return True


def _write(file: Path, queries: list[str]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write("".join(f"{q}\n" for q in queries))
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def names(directory: Path) -> list[str]:
    """Every set in `directory`: those with judgements and those with only queries so far."""
    directory = Path(directory)
    listed = set(JudgementStore(directory).names())
    if directory.is_dir():
        for file in directory.glob("*.queries.txt"):
            stem = file.name.removesuffix(".queries.txt")
            try:
                listed.add(check_set_name(stem))
            except JudgementError:
                continue
    return sorted(listed)
