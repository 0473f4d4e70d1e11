"""Browsing a field's terms in order from a point, both ways (OpenSearch).

A composite aggregation over the field walks its values in order (`after` carries on from
the last one), among the documents that hold a value in the wanted range: the values outside
it that those documents also hold are passed over. Doc counts are of the documents in view.
"""

from __future__ import annotations

from typing import Any

PAGE = 200  # values per composite request


def browse_body(
    field: str,
    scope: str,
    start: str,
    before: bool,
    within: tuple[tuple[str, str], ...],
    after: str | None = None,
) -> dict[str, Any]:
    """One composite request: the values of `field` from scope + start onwards (or before it,
    nearest first)."""
    bounds: dict[str, str] = {"lt": scope + start} if before else {"gte": scope + start}
    if before:
        bounds["gte"] = scope
    elif scope:
        bounds["lt"] = _after_prefix(scope)
    filters: list[dict[str, Any]] = [{"range": {field: bounds}}]
    filters += [{"term": {name: {"value": value}}} for name, value in within]
    source = {"term": {"terms": {"field": field, "order": "desc" if before else "asc"}}}
    composite: dict[str, Any] = {"size": PAGE, "sources": [source]}
    if after is not None:
        composite["after"] = {"term": after}
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": filters}},
        "aggs": {"terms": {"composite": composite}},
    }


def _after_prefix(prefix: str) -> str:
    """The least string after every string that begins with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def browse_terms(
    client: Any,
    index: str,
    field: str,
    scope: str,
    start: str,
    size: int,
    before: bool,
    within: tuple[tuple[str, str], ...],
) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    after = None
    while len(found) < size:
        body = browse_body(field, scope, start, before, within, after)
        answer = client.search(index=index, body=body)["aggregations"]["terms"]
        buckets = answer.get("buckets", [])
        for bucket in buckets:
            term = str(bucket["key"]["term"])
            if not term.startswith(scope) and (term < scope) == before:
                return _done(found, size, before)  # past the end of the scope's values
            if term.startswith(scope) and (term < scope + start) == before:
                found.append((term, int(bucket["doc_count"])))
        after = (answer.get("after_key") or {}).get("term")
        if after is None or len(buckets) < PAGE:
            break
    return _done(found, size, before)


def _done(found: list[tuple[str, int]], size: int, before: bool) -> list[tuple[str, int]]:
    found = found[:size]
    return found[::-1] if before else found
