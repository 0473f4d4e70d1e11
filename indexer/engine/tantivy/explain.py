"""explain() for the Tantivy engine: each result's score in words.

The search is planned as search() plans it (the same attempt ladder: as typed, typos allowed,
any word), then Tantivy's Query.explain tells the total score and, asked part by part, which
field matched which word, whether each synonym added to the query matched, and which bonuses
(queries.named_bonuses) applied.
"""

from __future__ import annotations

import dataclasses
import json

import tantivy
from tantivy import Query

from indexer.engine.expansion import expand_synonyms, resolve_headings
from indexer.engine.explain import Explanation, synonym_source
from indexer.engine.query import SearchRequest
from indexer.engine.querylang import (
    AllOf,
    AnyOf,
    Heading,
    Identifier,
    Node,
    ParsedQuery,
    Phrase,
    Word,
    parse_query,
)
from indexer.engine.searching import attempt_found, search_attempts
from indexer.engine.tantivy.plan import SearchPlan, plan_search
from indexer.engine.tantivy.query import QueryBuilder

FIELD_WORDS = {"title_alt": "another title", "callnumber_text": "the call number"}
BONUS_WORDS = {
    "exact_title": "the title is exactly the query",
    "title_prefix": "the title starts with the query",
    "title_phrase": "the query's words are close together in the title",
    "recency": "published in the last few years",
    "prefer_library": "held by the library you are searching",
}


def explain(
    searcher: tantivy.Searcher,
    queries: QueryBuilder,
    request: SearchRequest,
    doc_ids: list[str],
    known=None,
) -> dict[str, Explanation]:
    """`known`: as the search's (searching.search_attempts), so the attempt explained is the
    one the reader saw."""
    mesh = queries.synonyms.mesh() if queries.synonyms is not None else None
    parsed = resolve_headings(parse_query(request.text), mesh, explode=request.explode)
    if not request.synonyms:
        parsed = dataclasses.replace(parsed, synonyms=False)
    plan, options = _plan_that_found(searcher, queries, parsed, request, known)
    notes = []
    if options.get("fuzzy"):
        notes.append("typos allowed in longer words: nothing matched the words as typed")
    if options.get("relaxed"):
        notes.append("any of the words: no record had every word")
    rules = queries.synonyms.rules() if queries.synonyms is not None else None
    expanded = expand_synonyms(parsed, rules) if rules else parsed
    wanted = list(dict.fromkeys(doc_ids))
    found = searcher.search(Query.term_set_query(queries.schema, "id", wanted), max(len(wanted), 1))
    out = {}
    for _, address in found.hits:
        doc_id = searcher.doc(address).get_first("id")
        total = _score(plan.query, searcher, address)
        if total is None:
            out[doc_id] = Explanation(doc_id, 0.0, ("this search does not find it",), False)
            continue
        lines = [*notes]
        lines += _word_lines(searcher, queries, expanded, address, options.get("fuzzy", False))
        lines += _synonym_lines(searcher, queries, parsed, expanded, address)
        if plan.sort is None:
            lines += _bonus_lines(searcher, queries, parsed, request, address)
        out[doc_id] = Explanation(doc_id, total, tuple(lines))
    return out


def _plan_that_found(searcher, queries, parsed: ParsedQuery, request: SearchRequest, known):
    """The plan of the attempt whose results the reader saw (as run_search tries them)."""
    for options in search_attempts(parsed, known):
        plan: SearchPlan = plan_search(queries, parsed, request, **options)
        # plan.query: the filters decide, as in search() (the bonuses never change a match).
        if attempt_found(searcher.search(plan.query, 1).count, parsed):
            break
    return plan, options


def _score(query: Query, searcher: tantivy.Searcher, address) -> float | None:
    """The document's score for `query`, or None when it does not match."""
    try:
        return float(json.loads(query.explain(searcher, address).to_json())["value"])
    except ValueError:
        return None


def _leaves(node: Node):
    """Every word, phrase and identifier of a (synonym-expanded) query node."""
    if isinstance(node, AnyOf):
        for option in node.options:
            yield from _leaves(option)
    elif isinstance(node, AllOf):
        for part in node.parts:
            yield from _leaves(part)
    elif isinstance(node, (Word, Phrase, Identifier, Heading)):
        yield node


def _word_lines(searcher, queries: QueryBuilder, expanded: ParsedQuery, address, fuzzy: bool):
    lines = []
    tie = float(queries.ranking.get("matching", "tie_breaker", 0.2))
    for top in expanded.required:
        for leaf in _leaves(top):
            if isinstance(leaf, Heading):
                score = _score(queries.node(leaf), searcher, address)
                if score is not None:
                    under = " or a narrower heading" if leaf.explode and leaf.ui else ""
                    lines.append(f"MeSH heading '{leaf.text}'{under} matched (+{score:g})")
                continue
            if isinstance(leaf, Identifier):
                ident = Query.term_set_query(queries.schema, leaf.field, list(leaf.values))
                if _score(ident, searcher, address) is not None:
                    boost = float(queries.ranking.get("identifier", "boost", 500.0))
                    lines.append(f"{leaf.field.upper()} matched (+{boost:g})")
                continue
            wildcard = isinstance(leaf, Word) and leaf.wildcard
            per_field = queries.field_queries(leaf.text, leaf.field, wildcard, fuzzy)
            shown = leaf.text + ("*" if wildcard else "") + ("', a typo allowed" if fuzzy else "'")
            scores = [
                (_score(Query.boost_query(query, weight), searcher, address), name)
                for name, weight, query in per_field
            ]
            found = [(score, name) for score, name in scores if score is not None]
            found.sort(reverse=True)
            for n, (score, name) in enumerate(found):
                # The best field counts fully, each other one by the tie breaker (dis_max).
                part = "" if n == 0 else f", counted at {tie:.0%}"
                lines.append(f"{_field_words(name)} matched '{shown} (score {score:.1f}{part})")
    return lines


def _field_words(name: str) -> str:
    if name.endswith("_unstemmed"):
        return f"{_field_words(name.removesuffix('_unstemmed'))} (the very word)"
    return FIELD_WORDS.get(name, name)


def _synonym_lines(searcher, queries, parsed: ParsedQuery, expanded: ParsedQuery, address):
    lines = []
    for node in expanded.required:
        if not isinstance(node, AnyOf) or node in parsed.required:
            continue
        own, *alternatives = node.options
        term = " ".join(leaf.text for leaf in _leaves(own))
        for alt in alternatives:
            source = (
                "the MeSH vocabulary"
                if isinstance(alt, Heading)
                else synonym_source(queries.synonyms.directory, term, alt.text)
            )
            found = queries.node(alt) is not None and (
                _score(queries.node(alt), searcher, address) is not None
            )
            lines.append(
                f"also searched '{alt.text}' (synonym of '{term}'"
                + (f", from {source}" if source else "")
                + ("): matched here" if found else "): not in this record")
            )
    return lines


def _bonus_lines(searcher, queries, parsed, request, address):
    lines = []
    for name, query in queries.named_bonuses(parsed, request):
        score = _score(query, searcher, address)
        if score is None:
            continue
        if name.startswith("availability:"):
            words = f"a copy is {name.partition(':')[2].replace('_', ' ')}"
        else:
            words = BONUS_WORDS.get(name, name)
        lines.append(f"bonus: {words} (+{score:.1f})")
    return lines
