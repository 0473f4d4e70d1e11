"""Reading documents out of the Tantivy index: a page of ranked hits with their marked words,
and every document in id order (the Hub's feed and the exports walk it)."""

from __future__ import annotations

import re
from typing import Any

import tantivy
from tantivy import Order, Query

from indexer.engine.query import Hit
from indexer.engine.tantivy.highlight import highlights
from indexer.engine.tantivy.schema import display_of

_PLAIN_ID = re.compile(r"[A-Za-z0-9_.]+")  # ids the query parser takes unquoted in a range


def page_hits(
    searcher: tantivy.Searcher,
    ranked: list,
    plan,
    schema: tantivy.Schema,
    marks: tuple[list[str], int] | None,
) -> tuple[Hit, ...]:
    """The documents of `ranked` ((key, address) pairs of plan.rank) as hits; `marks`: the
    fields whose matched words are marked and the longest fragment, or None for no marks."""
    docs = [(key, searcher.doc(address)) for key, address in ranked]
    if marks is None:
        marked = [{} for _ in docs]
    else:
        fields, chars = marks
        marked = highlights(searcher, plan.core, schema, fields, chars, [d for _, d in docs])
    return tuple(
        Hit(
            id=doc.get_first("id"),
            score=float(key) if plan.sort is None else 0.0,
            display=display_of(doc),
            highlights=mark,
        )
        for (key, doc), mark in zip(docs, marked, strict=True)
    )


def in_id_order(
    index: tantivy.Index, searcher: tantivy.Searcher, after: str | None, size: int
) -> list[dict[str, Any]]:
    """Up to `size` documents (display records) whose ids follow `after`, in id order."""
    if after is None or _PLAIN_ID.fullmatch(after):
        query = (
            Query.all_query() if after is None else index.parse_query("id:{" + after + " TO *}", [])
        )
        hits = searcher.search(query, size, order_by_field="id", order=Order.Asc).hits
        return [display_of(searcher.doc(address)) for _, address in hits]
    # The query parser cannot take every id as a range bound; walk the id order instead.
    out: list[dict[str, Any]] = []
    page, offset = max(size, 1000), 0
    while len(out) < size:
        hits = searcher.search(
            Query.all_query(), page, order_by_field="id", order=Order.Asc, offset=offset
        ).hits
        out += [display_of(searcher.doc(address)) for key, address in hits if key > after]
        if len(hits) < page:
            break
        offset += page
    return out[:size]
