"""Between member record keys (what judgements name) and the index's current documents (what
searches and `_rank_eval` return), through the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.engine import SearchRequest
from indexer.engine.fields import Ranking, load_fields, read_toml
from indexer.engine.opensearch.body import search_body
from indexer.engine.opensearch.query import QueryBuilder
from indexer.engine.querylang import parse_query
from indexer.engine.synonyms import SynonymFiles
from indexer.relevance.formats import key_from_id
from indexer.relevance.metrics import K


class CatalogueIds:
    def __init__(self, engine) -> None:
        self.engine = engine

    def document_of(self, key: str) -> str | None:
        """The id of the document that holds member record `key` now, or None."""
        found = self.engine.search(SearchRequest(filters=(("record_key", (key,)),), limit=1))
        return found.hits[0].id if found.hits else None

    def doc_grades(self, graded: dict[str, int]) -> dict[str, int]:
        """Each current document holding a judged record, graded by its best member."""
        out: dict[str, int] = {}
        for key, grade in graded.items():
            doc_id = self.document_of(key)
            if doc_id is not None:
                out[doc_id] = max(grade, out.get(doc_id, grade))
        return out

    def keys_of(self, docid: str) -> list[str]:
        """The member record keys of a document id (a record key is itself); an id not in
        the index is read as its anchor record's key."""
        docid = docid.strip()
        if ":" not in docid:
            display = self.engine.get(docid)
            if display and display.get("members"):
                return [f"{m['library']}:{m['record_id']}" for m in display["members"]]
        return key_from_id(docid)


def opensearch_query(text: str, synonyms_dir: Path) -> dict[str, Any]:
    """The query DSL Lantern's OpenSearch engine sends for `text` as typed, with the synonyms
    and boosts of `synonyms_dir` (its first attempt: when that finds nothing, the engine
    retries with typos allowed, then any of the words; `_rank_eval` runs only this one)."""
    fields = load_fields()
    ranking = Ranking.build(fields, read_toml(Path(synonyms_dir) / "boosts.toml"))
    builder = QueryBuilder(fields, ranking, SynonymFiles(Path(synonyms_dir)))
    body = search_body(builder, parse_query(text), SearchRequest(text=text, limit=K), None)
    return body["query"]
