"""Marking a results page's matches: Tantivy's snippets as HTML with <mark> around each match."""

from __future__ import annotations

import html

import tantivy
from tantivy import Query

from indexer.engine.fields import Ranking


def highlights_asked(ranking: Ranking) -> list[str]:
    """The text fields boosts.toml's [highlight] list asks to mark."""
    return [f for f in ranking.get("highlight", "fields", []) if f in ranking.weights]


def highlights(
    searcher: tantivy.Searcher,
    core: Query,
    schema: tantivy.Schema,
    fields: list[str],
    max_chars: int,
    docs: list,
) -> list[dict[str, str]]:
    """For each document, its marked fragment of each of `fields` that `core` matches."""
    marks: list[dict[str, str]] = [{} for _ in docs]
    if not docs:
        return marks
    for field in fields:
        generator = tantivy.SnippetGenerator.create(searcher, core, schema, field)
        generator.set_max_num_chars(max_chars)
        for mark, doc in zip(marks, docs, strict=True):
            snippet = generator.snippet_from_doc(doc)
            ranges = snippet.highlighted()
            if ranges:
                mark[field] = marked_html(snippet.fragment(), ranges)
    return marks


def marked_html(fragment: str, ranges: list) -> str:
    """The fragment HTML-escaped with <mark> around each range (ranges are UTF-8 byte offsets)."""
    if fragment.isascii():  # byte offsets are character offsets: cut the text itself

        def cut(start, end=None):
            return fragment[start:end]
    else:
        raw = fragment.encode()

        def cut(start, end=None):
            return raw[start:end].decode(errors="replace")

    parts, pos = [], 0
    for r in sorted(ranges, key=lambda r: r.start):
        if r.start < pos:
            continue
        parts.append(html.escape(cut(pos, r.start)))
        parts.append(f"<mark>{html.escape(cut(r.start, r.end))}</mark>")
        pos = r.end
    parts.append(html.escape(cut(pos)))
    return "".join(parts)
