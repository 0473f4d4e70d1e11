"""One attempt of a search as an OpenSearch `_search` request body, and its answer read back
as a SearchResult."""

from __future__ import annotations

from typing import Any

from indexer.engine.fields import FieldDef
from indexer.engine.opensearch.mapping import display_of
from indexer.engine.opensearch.query import QueryBuilder
from indexer.engine.query import FacetValue, Hit, SearchRequest, SearchResult
from indexer.engine.querylang import ParsedQuery

SORTS = {
    "year_desc": [{"year": {"order": "desc", "missing": "_last"}}],
    "year_asc": [{"year": {"order": "asc", "missing": "_last"}}],
    "title": [{"title_sort": {"order": "asc", "missing": "_last"}}],
    "author": [{"author_sort": {"order": "asc", "missing": "_last"}}],
}
# Ties broken by id, so pages of one result list never overlap or skip.
TIE_BREAK = {"id": {"order": "asc"}}
MAX_RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window default
SOURCE = ["id", "display"]
# Highlighting analyses a field's text from its start; OpenSearch refuses the whole search when
# a field is longer than index.highlight.max_analyzed_offset (1,000,000 characters) unless the
# request caps it (notes concatenated across a cluster's members can be that long).
MAX_HIGHLIGHT_CHARS = 100_000


def highlight_body(fields: list[str], max_chars: int) -> dict[str, Any] | None:
    """The `highlight` part of a body that marks matches in `fields` (None: no fields)."""
    if not fields:
        return None
    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "number_of_fragments": 1,
        "fragment_size": max_chars,
        "max_analyzer_offset": MAX_HIGHLIGHT_CHARS,
        "fields": {name: {} for name in fields},
    }


def search_body(
    qb: QueryBuilder,
    parsed: ParsedQuery,
    request: SearchRequest,
    highlight: dict[str, Any] | None,
    relaxed: bool = False,
    fuzzy: bool = False,
) -> dict[str, Any]:
    core = qb.core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
    keep, drop = qb.fixed_filters(request)
    query: dict[str, Any] = {"must": [core]}
    if keep:
        query["filter"] = keep
    if drop:
        query["must_not"] = drop
    sort = SORTS.get(request.sort)
    if sort is None:
        query["should"] = qb.bonuses(parsed, request)
    offset = min(request.offset, MAX_RESULT_WINDOW)
    size = max(0, min(request.limit, MAX_RESULT_WINDOW - offset))
    body: dict[str, Any] = {
        "query": {"bool": query},
        "from": offset,
        "size": size,
        "track_total_hits": True,
        "sort": [*(sort or ["_score"]), TIE_BREAK],
        "_source": SOURCE,
    }
    selected = qb.facet_filters(request)
    if selected:
        # Hits obey every facet selection; each facet is counted without its own.
        body["post_filter"] = {"bool": {"filter": selected}}
    if request.facets:
        body["aggs"] = _facet_aggs(qb, request)
    if request.highlight and size and highlight:
        body["highlight"] = highlight
    return body


def _facet_aggs(qb: QueryBuilder, request: SearchRequest) -> dict[str, Any]:
    sizes = dict(request.facet_sizes)
    aggs = {}
    for name in dict.fromkeys(request.facets):
        others = qb.facet_filters(request, skip=name)
        size = sizes.get(name, request.facet_size)
        terms = {"field": name, "size": size, "shard_size": max(size, 10_000)}
        aggs[name] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": terms}},
        }
    return aggs


def read_answer(
    answer: dict[str, Any],
    request: SearchRequest,
    fields: dict[str, FieldDef],
    relaxed: bool = False,
    fuzzy: bool = False,
) -> SearchResult:
    by_score = request.sort not in SORTS
    hits = tuple(
        Hit(
            id=h["_source"]["id"],
            score=float(h.get("_score") or 0.0) if by_score else 0.0,
            display=display_of(h["_source"]),
            highlights={k: v[0] for k, v in h.get("highlight", {}).items() if v},
        )
        for h in answer["hits"]["hits"][: request.limit]
    )
    facets = {}
    for name in request.facets:
        is_int = fields[name].type == "int"
        buckets = answer.get("aggregations", {}).get(name, {}).get("values", {})
        values = [
            FacetValue(str(int(b["key"])) if is_int else str(b["key"]), int(b["doc_count"]))
            for b in buckets.get("buckets", [])
        ]
        values.sort(key=lambda v: (-v.count, v.value))
        facets[name] = tuple(values)
    total = answer["hits"]["total"]
    return SearchResult(
        total=int(total["value"] if isinstance(total, dict) else total),
        hits=hits,
        facets=facets,
        relaxed=relaxed,
        fuzzy=fuzzy,
    )
