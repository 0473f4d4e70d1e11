"""Query sets in and out of the tools relevance engineers use.

- Quepid's ratings CSV (`query,docid,rating`; other columns, like a Quepid export's team and
  case, are ignored). Our `docid` is the member record key `LIB:CONTROLNUMBER`. A Quepid case
  that rated our document ids (`LIB.CONTROLNUMBER`) is read through `keys_of`, which names the
  member records of a document.
- The request body of OpenSearch/Elasticsearch `_rank_eval`: one request per query, its
  ratings by document `_id` in `_index`, and the metric (nDCG@10, as our reports use). The
  index holds documents, not member records, so an export grades each current document by the
  best grade of its members (`doc_grades`), and an import grades every member of a rated
  document. A request's `id` is its query text, so a round trip keeps the queries.

Ratings must be on our scale 0..3 (Quepid's "graded" scale); another scale is refused with
the line or request named rather than guessed at.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from indexer.errors import JudgementError
from indexer.relevance.judgements import QuerySet, check_grade, check_set_name, normalise_query
from indexer.relevance.metrics import K

KeysOf = Callable[[str], list[str]]  # a document id or record key -> member record keys
DocGrades = Callable[[dict[str, int]], dict[str, int]]  # member grades -> document grades
QueryOf = Callable[[str], dict[str, Any]]  # query text -> the engine's query DSL


def key_from_id(docid: str) -> list[str]:
    """A record key as written (`LIB:CN`), or a document id `LIB.CN` read as its anchor
    record's key (a document is named after one of its members)."""
    docid = docid.strip()
    if ":" in docid:
        return [docid]
    library, dot, record_id = docid.partition(".")
    return [f"{library}:{record_id}"] if dot else [docid]


def export_quepid(qset: QuerySet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("query", "docid", "rating"))
    writer.writerows((query, key, grade) for query, key, grade, _ in qset.rows())
    return out.getvalue()


def import_quepid(name: str, text: str, keys_of: KeysOf = key_from_id) -> QuerySet:
    qset = QuerySet(check_set_name(name))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {c.strip().lower(): c for c in reader.fieldnames or ()}
    missing = {"query", "docid", "rating"} - set(columns)
    if missing:
        raise JudgementError(f"not a Quepid ratings CSV: no {', '.join(sorted(missing))} column")
    for row in reader:
        rating = (row[columns["rating"]] or "").strip()
        if not rating:  # a document shown in Quepid but not rated
            continue
        try:
            for key in keys_of(row[columns["docid"]] or ""):
                qset.judge(row[columns["query"]] or "", key, check_grade(rating))
        except JudgementError as exc:
            raise JudgementError(f"Quepid CSV line {reader.line_num}: {exc}") from None
    return qset


def export_rank_eval(
    qset: QuerySet, index: str, doc_grades: DocGrades, query_of: QueryOf
) -> dict[str, Any]:
    requests = []
    for query, graded in qset.judgements.items():
        ratings = [
            {"_index": index, "_id": doc_id, "rating": grade}
            for doc_id, grade in doc_grades(graded).items()
        ]
        requests.append({"id": query, "request": {"query": query_of(query)}, "ratings": ratings})
    return {"requests": requests, "metric": {"dcg": {"k": K, "normalize": True}}}


# Query types whose text a foreign _rank_eval file's request may carry at its top.
_TEXT_QUERIES = ("multi_match", "query_string", "simple_query_string", "match", "match_phrase")


def _query_text(item: dict[str, Any]) -> str:
    query = (item.get("request") or {}).get("query") or {}
    for kind in _TEXT_QUERIES:
        node = query.get(kind) if isinstance(query, dict) else None
        if isinstance(node, dict):
            if isinstance(node.get("query"), str):
                return node["query"]
            if len(node) == 1:  # match: {"title": "..."} or {"title": {"query": "..."}}
                value = next(iter(node.values()))
                text = value.get("query") if isinstance(value, dict) else value
                if isinstance(text, str):
                    return text
    return str(item.get("id") or "")


def import_rank_eval(name: str, data: Any, keys_of: KeysOf = key_from_id) -> QuerySet:
    if not isinstance(data, dict) or not isinstance(data.get("requests"), list):
        raise JudgementError('not a _rank_eval request: no "requests" list')
    qset = QuerySet(check_set_name(name))
    for n, item in enumerate(data["requests"], 1):
        where = f"_rank_eval request {n} ({str(item.get('id', ''))[:60]!r})"
        if not isinstance(item, dict) or not isinstance(item.get("ratings"), list):
            raise JudgementError(f"{where}: no ratings list")
        query = normalise_query(_query_text(item))
        try:
            for rating in item["ratings"]:
                grade = check_grade(rating.get("rating"))
                for key in keys_of(str(rating.get("_id") or "")):
                    qset.judge(query, key, grade)
        except (JudgementError, AttributeError) as exc:
            raise JudgementError(f"{where}: {exc}") from None
    return qset
