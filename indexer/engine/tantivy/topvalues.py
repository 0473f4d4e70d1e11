"""The exact most frequent values of facets, across segments, without naming every value.

Tantivy's terms aggregation counts each segment's values exactly, then each segment hands over
only its `segment_size` most frequent, and as many come back merged. A value cut from a
segment's list misses that segment's part of its count; Tantivy bounds what any value can have
missed: E, the sum over the segments of the largest count each cut off
(`doc_count_error_upper_bound`). Counting again with every value of every segment is exact,
but it turns every distinct value into a string and merges them all: at a million records,
hundreds of thousands of authors for a broad search, ten times the cost of the counting itself.

So the first count keeps its lists short. The size-th largest count that came back, L, is a
floor under the true size-th count (those values have at least what was found). A value can
only reach the top if its true count can reach L:
  - a value that came back with count c has at most c + E;
  - a value that did not has at most E, or, when the merged list was cut at its length too,
    at most the smallest count that came back + E.
When nothing outside can reach L, only the values with c + E >= L are in the running, and
only they are counted again: a few with one query each, more with one aggregation that names
them (`include`: every segment hands over each of them). Otherwise the lists were too short
for the facet (a crowd of values with about the same count, as authors are): the field is
counted once more with lists ten times as long, and, if that is still not enough, with every
value (Tantivy's own exact count). The list length that sufficed is handed back, so the next
search of the same facet starts there.

Naming values has a price of its own, a walk over the field's whole dictionary in each segment
(about 25 ms for 330,000 authors), and counting every value costs in proportion to the values
the matching documents hold: values are named only when the documents hold at least one for
every NAMED_FROM documents of the index (about where the two cost the same, measured at 100k
and 1M records). A search matching few documents (under one in BROAD_FROM of the index) has
few values: every value is counted at once. One segment cuts nothing that another could add:
its counts are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

EVERY_VALUE = 2**32 - 1  # a segment_size that keeps every value of every segment
ONE_BY_ONE = 100  # values in the running counted by one query each (about 30 us a value)
NAMED = 10_000  # more in the running: every value counted
BUCKETS = 65_000  # Tantivy's limit on the buckets of one aggregation
NAMED_FROM = 16  # values named only if the matching documents hold one per 16 in the index
BROAD_FROM = 16  # a search matching one document in 16 of the index or more is broad
BACK = 300  # values of the merged lists handed back to Python after the first count
LONGER = 10  # a list too short for its facet is asked for again this many times as long

Values = list[tuple[Any, int]]  # (value, documents), most frequent first


def top_values(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: Query,
    sizes: dict[str, int],
    segment_size: int,
    lengths: dict[str, int] | None = None,
    broad: bool = True,
) -> tuple[dict[str, Values], dict[str, int]]:
    """The `size` most frequent values of each field among the documents `query` matches,
    with exact counts, most frequent first (equal counts by value).

    `lengths`: per field, the list length to start from (default `segment_size`); `broad`:
    whether `query` matches many documents (see is_broad; else every value is counted at once).
    Returns the values, and for each field whose lists were cut, the length that sufficed."""
    if not sizes:
        return {}, {}
    if searcher.num_segments <= 1 or not broad:
        # One segment: its counts are final. Few documents: few values, cheap to count all.
        keep = 0 if searcher.num_segments <= 1 else EVERY_VALUE
        found = searcher.aggregate(query, terms_spec(sizes, keep))
        return {name: _ranked(_buckets(found, name), size) for name, size in sizes.items()}, {}
    room = BUCKETS // (2 * len(sizes))  # the longest list each field can come back with
    asked = {
        name: min(room, max((lengths or {}).get(name, segment_size), size))
        for name, size in sizes.items()
    }
    state = _Settling(searcher, schema, query, sizes, room, first=dict(asked))
    while asked:
        # Only the front of the merged lists comes back: the values further down are bounded
        # all the same (by the smallest count that came back).
        back = {name: min(length, max(BACK, sizes[name])) for name, length in asked.items()}
        found = searcher.aggregate(query, _spec(back, asked))
        longer = {name: state.settle(name, n, back[name], found) for name, n in asked.items()}
        asked = {name: length for name, length in longer.items() if length}
    return state.finish(), state.used


@dataclass
class _Settling:
    """What top_values knows of each field after a count, and what remains to count again."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    query: Query
    sizes: dict[str, int]
    room: int
    first: dict[str, int]
    out: dict[str, Values] = field(default_factory=dict)
    named: dict[str, list[str]] = field(default_factory=dict)  # again, each value named
    recount: dict[str, int] = field(default_factory=dict)  # again, every value
    used: dict[str, int] = field(default_factory=dict)  # list lengths that sufficed

    def settle(self, name: str, length: int, back: int, found: dict) -> int | None:
        """Decide how `name` is counted from here; a longer list length to ask, or None."""
        size, buckets = self.sizes[name], _buckets(found, name)
        missed = int(found.get(name, {}).get("doc_count_error_upper_bound", 0))
        if not missed:
            self.out[name] = _ranked(buckets, size)
            if length > self.first[name]:
                self.used[name] = length  # long enough at last
            return None
        running = in_the_running(buckets, size, missed, len(buckets) < back)
        held = int(found[name].get("sum_other_doc_count", 0)) + sum(c for _, c in buckets)
        # Longer lists, if they would still leave most values out (else: count them all)
        longest = min(self.room, length * LONGER)
        if running is None and length < longest < held / self.searcher.num_segments:
            return longest
        self.used[name] = length
        if running is None or len(running) > NAMED or not _is_text(running):
            self.recount[name] = size
        elif len(running) <= ONE_BY_ONE:
            counted = [(v, self._count(name, v)) for v in running]
            self.out[name] = _ranked(counted, size)
        elif held * NAMED_FROM >= self.searcher.num_docs:
            self.named[name] = running
        else:
            self.recount[name] = size
        return None

    def _count(self, name: str, value: str) -> int:
        return _count(self.searcher, self.query, Query.term_query(self.schema, name, value))

    def finish(self) -> dict[str, Values]:
        """Every field's values, after the second count of those that need one."""
        if self.named or self.recount:
            spec = terms_spec(self.recount, EVERY_VALUE) | {
                name: {"terms": {"field": name, "size": len(v), "segment_size": len(v)}}
                for name, v in self.named.items()
            }
            for name, values in self.named.items():
                spec[name]["terms"]["include"] = values
            found = self.searcher.aggregate(self.query, spec)
            self.out.update(
                {name: _ranked(_buckets(found, name), self.sizes[name]) for name in spec}
            )
        return self.out


def in_the_running(
    buckets: Values, size: int, missed: int, complete: bool = True
) -> list[Any] | None:
    """The values whose true count can reach the size-th count found (see the module's
    docstring), or None when a value not in `buckets` could. `complete`: `buckets` holds every
    value a segment handed over (else those left out have at most its smallest count)."""
    counts = sorted((count for _, count in buckets), reverse=True)
    floor = counts[size - 1] if len(counts) >= size else 1
    unseen = missed if complete or not counts else counts[-1] + missed
    if unseen >= floor:
        return None
    return [value for value, count in buckets if count + missed >= floor]


def terms_spec(sizes: dict[str, int], segment_size: int) -> dict[str, Any]:
    return _spec(sizes, {name: max(segment_size, size) for name, size in sizes.items()})


def _spec(sizes: dict[str, int], lists: dict[str, int]) -> dict[str, Any]:
    return {
        name: {"terms": {"field": name, "size": size, "segment_size": lists[name]}}
        for name, size in sizes.items()
    }


def is_broad(searcher: tantivy.Searcher, query: Query) -> bool:
    """Whether `query` matches at least one document in BROAD_FROM of the index (below that,
    counting every value the documents hold costs less than two short counts)."""
    if searcher.num_segments <= 1:
        return False
    return _count(searcher, query) * BROAD_FROM >= searcher.num_docs


def _count(searcher: tantivy.Searcher, query: Query, *also: Query) -> int:
    """How many documents match `query` (and `also`)."""
    if also:
        query = Query.boolean_query([(Occur.Must, q) for q in (query, *also)])
    return searcher.search(Query.const_score_query(query, 1.0), 1).count


def _buckets(found: dict, name: str) -> Values:
    return [(b["key"], int(b["doc_count"])) for b in found.get(name, {}).get("buckets", [])]


def _ranked(values: Values, size: int) -> Values:
    return sorted(values, key=lambda v: (-v[1], v[0]))[:size]


def _is_text(values: list[Any]) -> bool:
    return all(isinstance(v, str) for v in values)
