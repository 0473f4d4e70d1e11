"""Browsing a field's terms in order from a point, both ways (Tantivy).

Tantivy reads a term dictionary by prefix only (`terms_with_prefix` walks every term under
it), so each browse term also lands in `browse_block` as its block: the field, the term's
scope (the part up to SCOPE: a library's shelf of one scheme) and the first BLOCK characters
of the rest. A page reads the scope's list of blocks (a few thousand at most, kept per
commit), finds the block of its starting point by bisection and walks that block's terms, then
the next blocks', until the page is full: a few hundred terms read, whatever the size of the
catalogue. Counts are of live documents only (`filter_query` leaves out deleted ones), within
the reader's view when one is given.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict

import tantivy
from tantivy import Occur, Query

from indexer.engine.tantivy.failures import engine_errors

BLOCK_FIELD = "browse_block"
SCOPE = "\x1e"  # as indexer.shelf.terms.SCOPE
BLOCK = {"shelf": 7}  # characters of a term (after its scope) that name its block
DEFAULT_BLOCK = 3
BROWSED = ("shelf", "author_browse", "subject_browse")
KEPT_BLOCK_LISTS = 64


def block_of(field: str, term: str) -> str:
    scope, marker, rest = term.rpartition(SCOPE)
    return f"{field}:{scope}{marker}{rest[: BLOCK.get(field, DEFAULT_BLOCK)]}"


def blocks(values: dict[str, list[str]]) -> list[str]:
    """The browse_block values of a document's indexed values."""
    return sorted({block_of(f, term) for f in BROWSED for term in values.get(f) or ()})


class Browsing:
    """The engine's browse_terms; needs `_searcher()`, `_schema`, `_target` and `_stamp`."""

    _block_lists: OrderedDict

    def browse_terms(
        self,
        field: str,
        scope: str,
        start: str,
        size: int,
        *,
        before: bool = False,
        within: tuple[tuple[str, str], ...] = (),
    ) -> list[tuple[str, int]]:
        """See base.Engine.browse_terms."""
        if size <= 0:
            return []
        with engine_errors("browse"):
            searcher = self._searcher()
            live = _live(self._schema, within)
            listed = self._blocks(searcher, field, scope, within, live)
            origin = block_of(field, scope + start)
            if before:
                order = reversed(listed[: bisect_right(listed, origin)])
            else:
                order = iter(listed[bisect_left(listed, origin) :])
            found: list[tuple[str, int]] = []
            for block in order:
                near = size - len(found) if block == origin else None
                found += _block_terms(searcher, field, block, scope + start, before, live, near)
                if len(found) >= size:
                    break
            found = found[:size]
            return found[::-1] if before else found

    def _blocks(self, searcher, field: str, scope: str, within, live) -> list[str]:
        """The scope's blocks in order, read once per commit and view."""
        cache = self.__dict__.setdefault("_block_lists", OrderedDict())
        key = (field, scope, within, self._target, self._stamp)
        if key not in cache:
            walked = searcher.terms_with_prefix(BLOCK_FIELD, f"{field}:{scope}", filter_query=live)
            cache[key] = sorted(term for term, _ in walked)
            while len(cache) > KEPT_BLOCK_LISTS:
                cache.popitem(last=False)
        cache.move_to_end(key)
        return cache[key]


def _live(schema: tantivy.Schema, within: tuple[tuple[str, str], ...]) -> Query:
    if not within:
        return Query.all_query()
    return Query.boolean_query(
        [(Occur.Must, Query.term_query(schema, name, value)) for name, value in within]
    )


def _block_terms(searcher, field, block, start, before, live, near=None) -> list[tuple[str, int]]:
    """The terms of one block on the right side of `start`, nearest first; with `near`, at least
    that many (or all). Of the terms on one side of `start`, those that share a longer prefix
    with it are nearer than those that do not: walking shorter and shorter prefixes of `start`
    (one, two, four... characters shorter) finds the nearest terms without walking the whole
    block."""
    own = block[len(field) + 1 :]  # the block's own prefix
    # A term under `own` is in this block unless the block is a whole short term's.
    whole = len(own.rpartition(SCOPE)[2]) >= BLOCK.get(field, DEFAULT_BLOCK)
    terms: list[tuple[str, int]] = []
    for prefix in [*_shorter(start, len(own), near), own]:
        terms = [
            (term, count)
            for term, count in searcher.terms_with_prefix(field, prefix, filter_query=live)
            if (whole or term == own) and ((term < start) if before else (term >= start))
        ]
        if near and len(terms) >= near:
            break
    return sorted(terms, reverse=before)


def _shorter(start: str, floor: int, near: int | None) -> list[str]:
    """Prefixes of `start` longer than `floor` characters, each at least one character shorter
    than the last and then twice as much shorter each time."""
    if not near:
        return []
    prefixes, cut = [], 0
    while len(start) - cut > floor:
        prefixes.append(start[: len(start) - cut])
        cut = cut * 2 or 1
    return prefixes
