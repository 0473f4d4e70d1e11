"""Autocomplete on OpenSearch: titles, authors and subjects that start with what was typed.

The same shape as tantivy_words.Vocabulary.suggest: titles whose words start with the typed
words (a title that starts with the whole text first), then author and subject facet values
whose words start with every typed word, most used first.
"""

from __future__ import annotations

from typing import Any

from indexer.engine.opensearch.mapping import twin
from indexer.engine.opensearch.query import MULTI_WORD_PREFIX_EXPANSIONS
from indexer.engine.query import Suggestion
from indexer.normalise import normalise_title

FACETS = {"author": ["author_facet"], "subject": ["subject_mesh_facet", "subject_facet"]}


def starts_with(field: str, text: str) -> dict[str, Any]:
    """Documents whose `field` has words starting with the typed words: one word is an
    uncapped prefix (`match_bool_prefix`); several are a phrase whose last word is a prefix
    expanded to at most MULTI_WORD_PREFIX_EXPANSIONS terms (as Tantivy's phrase prefix)."""
    if len(normalise_title(text).split()) > 1:
        options = {"query": text, "max_expansions": MULTI_WORD_PREFIX_EXPANSIONS}
        return {"match_phrase_prefix": {field: options}}
    return {"match_bool_prefix": {field: {"query": text}}}


def suggest_body(text: str, limit: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(title search body, {kind: facet search body}) for what the reader has typed."""
    key = normalise_title(text)
    titles = {
        "query": {
            "bool": {
                "must": [starts_with(twin("title"), text)],
                "should": [
                    {"constant_score": {"filter": {"prefix": {"title_exact": key}}, "boost": 10}}
                ],
            }
        },
        "size": limit * 4,
        "_source": ["title"],
    }
    names = {}
    for kind, fields in FACETS.items():
        names[kind] = {
            "query": starts_with(kind, text),
            "size": 0,
            "aggs": {f: {"terms": {"field": f, "size": 50}} for f in fields},
        }
    return titles, names


def suggest_titles_and_names(client: Any, index: str, text: str, limit: int) -> list[Suggestion]:
    words = normalise_title(text).split()
    if not words or len(text.strip()) < 2:
        return []
    per_kind = max(1, limit // 2)
    titles_body, names_bodies = suggest_body(text, per_kind)
    out: list[Suggestion] = []
    seen: set[str] = set()
    for hit in client.search(index=index, body=titles_body)["hits"]["hits"]:
        title = hit["_source"].get("title") or ""
        title = title[0] if isinstance(title, list) and title else title
        norm = normalise_title(str(title))
        if norm and norm not in seen and len(seen) < per_kind:
            seen.add(norm)
            out.append(Suggestion(str(title).strip(" /:;,."), "title"))
    for kind, body in names_bodies.items():
        answer = client.search(index=index, body=body).get("aggregations", {})
        found: list[tuple[int, str]] = []
        for field in FACETS[kind]:
            for bucket in answer.get(field, {}).get("buckets", []):
                value_words = normalise_title(str(bucket["key"])).split()
                if all(any(w.startswith(t) for w in value_words) for t in words):
                    found.append((-int(bucket["doc_count"]), str(bucket["key"])))
        found.sort()
        out += [Suggestion(value, kind) for _, value in found[:per_kind]]
    return out[:limit]
