"""The Tantivy engine's own cost of a search, for the search bench (it reaches into the
engine's internals on purpose: the product class carries no benchmark hooks)."""

from __future__ import annotations

import time

from indexer.engine.query import SearchRequest
from indexer.engine.querylang import parse_query
from indexer.engine.searching import attempt_found, search_attempts
from indexer.engine.tantivy.engine import TantivyEngine
from indexer.engine.tantivy.facets import passes
from indexer.engine.tantivy.plan import plan_search


def tantivy_work(
    engine: TantivyEngine, request: SearchRequest
) -> tuple[float, list[tuple[dict, int]]]:
    """Makes the Tantivy calls `engine.search(request)` makes, alone: for each attempt it needs,
    ranking the page, loading its documents and counting each counting pass (its terms
    aggregations, and their recount where segments cut the lists short). Returns their
    CPU seconds (building the queries, highlighting and respelling not included) and the
    attempts made, each with the matches it found. The search bench sets this beside the
    whole search, as the engine's own cost."""
    parsed = parse_query(request.text)
    searcher = engine._searcher()
    spent, made = 0.0, []

    def known(word: str) -> bool:
        return engine._vocabulary.known(searcher, word)

    for options in search_attempts(parsed, known):
        plan = plan_search(engine._queries, parsed, request, **options)
        counting = passes(engine._queries, plan.matching, request)
        started = time.process_time()
        found = plan.rank(searcher)
        for _, address in found.hits if request.limit else ():
            searcher.doc(address)
        for query, sizes in counting:
            engine._facet_counter.count(searcher, engine._schema, query, sizes)
        spent += time.process_time() - started
        made.append((options, found.count))
        if attempt_found(found.count, parsed):
            break
    return spent, made
