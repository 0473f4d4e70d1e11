"""One attempt of a search as Tantivy queries: what matches, what ranks the page, what counts."""

from __future__ import annotations

import dataclasses

import tantivy
from tantivy import Occur, Order, Query

from indexer.engine.query import SearchRequest
from indexer.engine.querylang import ParsedQuery
from indexer.engine.tantivy.query import QueryBuilder, with_bonuses

SORT_FIELDS = {
    "year_desc": ("year", Order.Desc),
    "year_asc": ("year", Order.Asc),
    "title": ("title_sort", Order.Asc),
    "author": ("author_sort", Order.Asc),
}


@dataclasses.dataclass(frozen=True)
class SearchPlan:
    """The queries of one search: `core` decides the matches (filters aside), `query` ranks
    the page (filters and score-only bonuses added), `matching` is core without the weights,
    for counting."""

    core: Query
    query: Query
    matching: Query
    sort: tuple | None
    request: SearchRequest

    def rank(self, searcher: tantivy.Searcher):
        return searcher.search(
            self.query,
            max(self.request.limit, 1),  # search(q, 0) panics; limit 0 still wants the count
            offset=self.request.offset,
            **({"order_by_field": self.sort[0], "order": self.sort[1]} if self.sort else {}),
        )


def plan_search(
    queries: QueryBuilder,
    parsed: ParsedQuery,
    request: SearchRequest,
    *,
    relaxed: bool = False,
    fuzzy: bool = False,
) -> SearchPlan:
    core = queries.core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
    query = Query.boolean_query([(Occur.Must, core), *queries.filters(request)])
    sort = SORT_FIELDS.get(request.sort)
    if sort is None:
        query = with_bonuses(query, queries.bonuses(parsed, request))
    matching = queries.matching().core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
    return SearchPlan(core, query, matching, sort, request)
