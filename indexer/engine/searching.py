"""The steps every engine's search() takes, so that each engine supplies only one attempt.

Read the reader's query, refuse facets that do not exist, then try the search as typed, with
typos allowed in longer words, and with any of the words, until an attempt finds something.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from indexer.engine.fields import FieldDef
from indexer.engine.query import SearchRequest, SearchResult
from indexer.engine.querylang import ONE_EDIT_FROM, ParsedQuery, Word, parse_query
from indexer.errors import UnknownFieldError

# attempt(parsed, relaxed=..., fuzzy=...): one search the engine makes.
Attempt = Callable[..., SearchResult]
# respell(parsed): "did you mean", asked when the words as typed found nothing.
Respell = Callable[[ParsedQuery], str | None]


def run_search(
    request: SearchRequest,
    fields: dict[str, FieldDef],
    attempt: Attempt,
    respell: Respell | None = None,
) -> SearchResult:
    parsed = parse_query(request.text)
    for name in request.facets:
        field = fields.get(name)
        if field is None or not field.facet:
            raise UnknownFieldError(f"cannot count {name!r}: not a facet field")
    suggestion = None
    for number, options in enumerate(search_attempts(parsed)):
        result = attempt(parsed, **options)
        if attempt_found(result.total, parsed):
            break
        if number == 0 and respell is not None:
            suggestion = respell(parsed)
    return dataclasses.replace(result, suggestion=suggestion, notes=parsed.notes)


def search_attempts(parsed: ParsedQuery) -> Iterator[dict[str, bool]]:
    """How every engine tries a search, until one attempt finds something: the words as
    typed, then typos allowed in longer words, then any of the words (options of the engines'
    query builders)."""
    yield {}
    if parsed.match_all:
        return
    if any(
        isinstance(n, Word) and not n.wildcard and len(n.text) >= ONE_EDIT_FROM
        for n in parsed.required
    ):
        yield {"fuzzy": True}
    if len(parsed.required) > 1:
        yield {"relaxed": True}


def attempt_found(total: int, parsed: ParsedQuery) -> bool:
    """Whether an attempt ends the search (everything asked for stops at the first)."""
    return bool(total) or parsed.match_all
