"""Facet counts for the Tantivy engine: terms aggregations, exact for every value shown.

Counting is a second pass over the matching documents. Tantivy lets go of the GIL while it
searches, so the passes run on a small thread pool while the caller fetches the page of
results: on an idle server a search takes about the longer of the two, not their sum.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import tantivy
from tantivy import Occur, Query

from indexer.engine.fields import FieldDef
from indexer.engine.query import FacetValue, SearchRequest
from indexer.engine.tantivy_query import QueryBuilder

EVERY_VALUE = 2**32 - 1  # a segment_size that keeps every value of every segment

Counts = dict[str, tuple[FacetValue, ...]]


class FacetCounter:
    def __init__(self, fields: dict[str, FieldDef], segment_size: int) -> None:
        self.fields = fields
        self.segment_size = segment_size
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid: int | None = None
        self._everything: dict[tuple, Counts] = {}

    def start(
        self,
        searcher: tantivy.Searcher,
        queries: QueryBuilder,
        core: Query,
        request: SearchRequest,
        *,
        everything: tuple | None = None,
    ) -> list[Future[Counts]]:
        """Start counting request.facets for the documents `core` and the filters match.

        `everything`: the index's version, when the request matches every document (a blank
        search, no filter). Those counts, the landing page's, are the costliest of all (every
        value of every document) and the same for every reader until the index changes, so
        they are kept for that version.
        """
        pool = self._threads()
        jobs = []
        wanted = dict(request.facet_sizes)
        for skip, names in groups(request):
            query = Query.boolean_query(
                [(Occur.Must, core), *queries.filters(request, skip=skip)]
            )
            sizes = {name: wanted.get(name, request.facet_size) for name in names}
            if everything is None:
                jobs.append(pool.submit(self.count, searcher, query, sizes))
                continue
            key = (everything, tuple(sizes.items()))
            kept = self._everything.get(key)
            if kept is None:
                jobs.append(pool.submit(self._count_and_keep, key, searcher, query, sizes))
            else:
                done: Future[Counts] = Future()
                done.set_result(kept)
                jobs.append(done)
        return jobs

    def _count_and_keep(self, key: tuple, searcher, query: Query, sizes: dict) -> Counts:
        counted = self.count(searcher, query, sizes)
        # Only the current version's counts are worth keeping.
        self._everything = {k: v for k, v in self._everything.items() if k[0] == key[0]}
        self._everything[key] = counted
        return counted

    @staticmethod
    def finish(jobs: list[Future[Counts]], request: SearchRequest) -> Counts:
        counted: Counts = {}
        for job in jobs:
            counted.update(job.result())
        return {name: counted[name] for name in request.facets if name in counted}

    def count(self, searcher: tantivy.Searcher, query: Query, sizes: dict[str, int]) -> Counts:
        """The `size` most frequent values of each field among the documents `query` matches,
        with exact document counts."""
        single = searcher.num_segments <= 1
        # One segment: its counts are final, so it need hand over no more than `size` values.
        counted = searcher.aggregate(query, terms_spec(sizes, 0 if single else self.segment_size))
        if not single:
            # Each segment hands over only its segment_size most frequent values, so a value
            # can miss part of its count. Tantivy bounds that error; a facet whose bound is
            # not 0 is counted again keeping every value of every segment.
            inexact = {name: size for name, size in sizes.items()
                       if counted.get(name, {}).get("doc_count_error_upper_bound", 0)}
            if inexact:
                counted.update(searcher.aggregate(query, terms_spec(inexact, EVERY_VALUE)))
        out: Counts = {}
        for name in sizes:
            is_int = self.fields[name].type == "int"
            values = [
                FacetValue(str(int(b["key"])) if is_int else str(b["key"]), int(b["doc_count"]))
                for b in counted.get(name, {}).get("buckets", [])
            ]
            values.sort(key=lambda v: (-v.count, v.value))
            out[name] = tuple(values)
        return out

    def _threads(self) -> ThreadPoolExecutor:
        # One pool per process: a pool inherited through fork() has no threads behind it.
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(
                max_workers=max(2, os.cpu_count() or 1), thread_name_prefix="lantern-facets"
            )
            self._pool_pid = os.getpid()
        return self._pool


def groups(request: SearchRequest) -> list[tuple[str | None, list[str]]]:
    """Facets that can share one counting pass: a facet with a filter of its own is counted
    without that filter (multi-select); the others share the full result set."""
    filtered = {field for field, values in request.filters if values}
    out: dict[str | None, list[str]] = {}
    for field in dict.fromkeys(request.facets):
        out.setdefault(field if field in filtered else None, []).append(field)
    return list(out.items())


def terms_spec(sizes: dict[str, int], segment_size: int) -> dict[str, Any]:
    return {
        name: {"terms": {"field": name, "size": size, "segment_size": max(segment_size, size)}}
        for name, size in sizes.items()
    }
