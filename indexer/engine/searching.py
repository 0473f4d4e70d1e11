"""The steps every engine's search() takes, so that each engine supplies only one attempt.

Read the reader's query, refuse facets that do not exist, then try the search as typed, with
typos allowed in longer words, and with any of the words, until an attempt finds something.
Then say what was searched: a better spelling, the syntax ignored, the synonyms added.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from indexer.engine.expansion import expand_synonyms, resolve_headings
from indexer.engine.fields import FieldDef
from indexer.engine.query import SearchRequest, SearchResult
from indexer.engine.querylang import (
    ONE_EDIT_FROM,
    ParsedQuery,
    Word,
    parse_query,
)
from indexer.errors import UnknownFieldError

# attempt(parsed, relaxed=..., fuzzy=...): one search the engine makes.
Attempt = Callable[..., SearchResult]
# respell(parsed, text): "did you mean": `text` with the words the index does not know
# replaced by the nearest words it does, or None.
Respell = Callable[[ParsedQuery, str], str | None]
# known(word): whether the index holds the word as typed (then it is no typo to allow for).
Known = Callable[[str], bool]


def run_search(
    request: SearchRequest,
    fields: dict[str, FieldDef],
    attempt: Attempt,
    respell: Respell | None = None,
    synonyms=None,
    known: Known | None = None,
) -> SearchResult:
    """`synonyms`: the engine's synonyms.SynonymFiles (or None), to say what they added;
    `known`: see search_attempts."""
    mesh = synonyms.mesh() if synonyms is not None else None
    parsed = resolve_headings(parse_query(request.text), mesh, explode=request.explode)
    if not request.synonyms:
        parsed = dataclasses.replace(parsed, synonyms=False)
    for name in request.facets:
        field = fields.get(name)
        if field is None or not field.facet:
            raise UnknownFieldError(f"cannot count {name!r}: not a facet field")
    as_typed = None  # what the words as typed found
    for options in search_attempts(parsed, known):
        result = attempt(parsed, **options)
        as_typed = result.total if as_typed is None else as_typed
        if attempt_found(result.total, parsed):
            break
    if not result.total:  # nothing found: no attempt's way of matching describes the page
        result = dataclasses.replace(result, relaxed=False, fuzzy=False)
    rules = synonyms.rules() if synonyms is not None and not parsed.match_all else None
    offer = None  # words that found records as typed are the catalogue's own
    if not as_typed and request.limit:  # a count (limit 0) shows no words to a reader
        offer = suggestion(
            request.text, parsed, respell, lambda text: attempt(parse_query(text)).total
        )
    return dataclasses.replace(
        result,
        suggestion=offer,
        notes=parsed.notes,
        ignored=parsed.ignored,
        expanded=expand_synonyms(parsed, rules).expanded if rules else (),
    )


def suggestion(
    text: str, parsed: ParsedQuery, respell: Respell | None, finds: Callable[[str], int]
) -> str | None:
    """Did you mean: field names put right ("titel:" -> "title:", when that finds something:
    `finds(text)` counts) and words respelled from the index's own; never the query itself."""
    if parsed.match_all:
        return None

    def respelled(words: str) -> str:
        return (respell(parsed, words) if respell is not None else None) or words

    fixed = text
    for typed, near in parsed.field_fixes:
        fixed = fixed.replace(f"{typed}:", f"{near}:", 1)
    better = respelled(fixed) if fixed != text else text
    if better == text or not finds(better):
        better = respelled(text)
    same = " ".join(better.casefold().split()) == " ".join(text.casefold().split())
    return None if same else better


def search_attempts(parsed: ParsedQuery, known: Known | None = None) -> Iterator[dict[str, bool]]:
    """How every engine tries a search, until one attempt finds something: the words as
    typed, then typos allowed in longer words, then any of the words (options of the engines'
    query builders). With `known`, typos are allowed only when a longer word is not in the
    index as typed: words the index holds, each found but never together, are no misspelling,
    and any of them is the better next try (a typo allowed in "care" finds "core" and "cure")."""
    yield {}
    if parsed.match_all:
        return
    longer = [
        n.text
        for n in parsed.required
        if isinstance(n, Word) and not n.wildcard and len(n.text) >= ONE_EDIT_FROM
    ]
    if longer and (known is None or not all(known(word) for word in longer)):
        yield {"fuzzy": True}
    if len(parsed.required) > 1:
        yield {"relaxed": True}


def attempt_found(total: int, parsed: ParsedQuery) -> bool:
    """Whether an attempt ends the search (everything asked for stops at the first)."""
    return bool(total) or parsed.match_all
