"""Try a draft on a query before anyone else sees it: the live results and the draft's side by
side, each draft result marked new, up k places, down k or unchanged, and the live results the
draft no longer shows in its top N.

The draft runs on a temporary copy of the synonyms directory with the draft in place of NAME,
through a second engine opened on it (engines read synonyms and boosts from
`settings.synonyms_dir`), over the same index. The live files are never written.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from indexer.engine import SearchRequest, open_engine
from indexer.errors import InvalidTuningError
from indexer.tuning.files import BOOSTS_NAME, live_path
from indexer.tuning.publish import as_bytes, check


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    rank: int  # 1-based place in its own list
    score: float
    change: str  # new | up | down | same (draft rows); gone (live rows the draft dropped)
    places: int = 0  # how far up or down

    def describe(self) -> str:
        if self.change in ("up", "down"):
            return f"{self.change} {self.places}"
        return self.change


@dataclass(frozen=True)
class Preview:
    name: str
    query: str
    live_total: int
    draft_total: int
    live: list[Row]
    draft: list[Row]
    gone: list[Row]  # in the live top N, not in the draft's


def preview(settings, name: str, draft_content: str | bytes, query: str, size: int = 20) -> Preview:
    path = live_path(settings, name)
    data = as_bytes(draft_content)
    report = check(settings, name, data)
    if not report.ok:
        raise InvalidTuningError(f"the draft of {name} has errors; fix them to preview", report)
    request = SearchRequest(text=query, limit=size)
    live_total, live = _search(settings, request)
    with tempfile.TemporaryDirectory(prefix="lantern-draft-") as temp:
        draft_dir = Path(temp)
        for source in Path(settings.synonyms_dir).iterdir():
            if source.is_file() and (source.suffix == ".txt" or source.name == BOOSTS_NAME):
                shutil.copyfile(source, draft_dir / source.name)
        (draft_dir / path.name).write_bytes(data)
        draft_total, draft = _search(dataclasses.replace(settings, synonyms_dir=draft_dir), request)
    return _compare(name, query, live_total, live, draft_total, draft)


def _search(settings, request: SearchRequest) -> tuple[int, list[tuple[str, str, float]]]:
    engine = open_engine(settings)
    try:
        result = engine.search(request)
    finally:
        engine.close()
    return result.total, [(h.id, _title(h.display), h.score) for h in result.hits]


def _title(display: dict) -> str:
    title = str(display.get("title") or "")
    return title + (f" : {display['subtitle']}" if display.get("subtitle") else "")


def _compare(name, query, live_total, live, draft_total, draft) -> Preview:
    live_rank = {doc_id: n for n, (doc_id, _, _) in enumerate(live, 1)}
    draft_rank = {doc_id: n for n, (doc_id, _, _) in enumerate(draft, 1)}
    draft_rows = []
    for n, (doc_id, title, score) in enumerate(draft, 1):
        before = live_rank.get(doc_id)
        if before is None:
            change, places = "new", 0
        elif before == n:
            change, places = "same", 0
        else:
            change, places = ("up", before - n) if n < before else ("down", n - before)
        draft_rows.append(Row(doc_id, title, n, score, change, places))
    live_rows = [
        Row(doc_id, title, n, score, "same" if doc_id in draft_rank else "gone")
        for n, (doc_id, title, score) in enumerate(live, 1)
    ]
    gone = [r for r in live_rows if r.change == "gone"]
    return Preview(name, query, live_total, draft_total, live_rows, draft_rows, gone)
