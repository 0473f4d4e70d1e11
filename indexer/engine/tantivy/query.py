"""Turn a parsed reader query and a SearchRequest into Tantivy queries.

Term and phrase queries are not analysed by Tantivy, so every word goes through the same
analyser as the field it is searched in (tantivy_schema.analyse) before it becomes a term.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

import tantivy
from tantivy import Occur, Query

from indexer.engine.expansion import expand_synonyms
from indexer.engine.fields import FieldDef, Ranking
from indexer.engine.query import SearchRequest
from indexer.engine.querylang import (
    ONE_EDIT_FROM,
    TWO_EDITS_FROM,
    AllOf,
    AnyOf,
    Heading,
    Identifier,
    Node,
    ParsedQuery,
    Phrase,
    Word,
    YearRange,
    normalise_title,
    plain_text,
)
from indexer.engine.tantivy.schema import analyse, twin
from indexer.errors import UnknownFieldError

# Tantivy refuses regexes over 1000 automaton states; prefixes longer than this are not
# worth a prefix search anyway (no reader types 100 characters to then want more).
MAX_PREFIX_CHARS = 100


def _regex_escape(text: str) -> str:
    # Rust's regex accepts a backslash before ASCII punctuation only; other characters are literal.
    return "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in text)


class QueryBuilder:
    def __init__(
        self,
        schema: tantivy.Schema,
        fields: dict[str, FieldDef],
        ranking: Ranking,
        synonyms: Any = None,
    ):
        self.schema = schema
        self.fields = fields
        self.ranking = ranking
        self.synonyms = synonyms  # synonyms.SynonymFiles, or None for none
        self.scored = True
        self._matching: QueryBuilder | None = None

    def matching(self) -> QueryBuilder:
        """A builder of queries that only decide what matches (facet counting): the same
        documents as this one's, without the weights and the unstemmed twins that only order
        them, so Tantivy has fewer postings to read."""
        if self._matching is None:
            self._matching = QueryBuilder(self.schema, self.fields, self.ranking, self.synonyms)
            self._matching.scored = False
        return self._matching

    # --- words ------------------------------------------------------------------------

    def _text_fields(self, prefix: str | None) -> list[str]:
        if prefix is None:
            return [name for name, w in self.ranking.weights.items() if w > 0]
        return list(self.ranking.prefixes.get(prefix, ()))

    def _tokens_query(self, field: str, tokens: list[str], slop: int = 0) -> Query | None:
        if not tokens:
            return None
        if len(tokens) == 1:
            return Query.term_query(self.schema, field, tokens[0])
        return Query.phrase_query(self.schema, field, tokens, slop)

    def _prefix_query(self, field: str, text: str, stem: bool) -> Query | None:
        tokens = analyse(text, stem=stem)
        if not tokens:
            return None
        last = Query.regex_query(self.schema, field, _regex_escape(tokens[-1]) + ".*")
        if len(tokens) == 1:
            return last
        return Query.phrase_prefix_query(self.schema, field, tokens)

    def _fuzzy_query(self, field: str, text: str, stem: bool) -> Query | None:
        tokens = analyse(text, stem=stem)
        if len(tokens) != 1:
            return self._tokens_query(field, tokens)
        token = tokens[0]
        plain = len(text)
        distance = 2 if plain >= TWO_EDITS_FROM else 1 if plain >= ONE_EDIT_FROM else 0
        if distance == 0:
            return Query.term_query(self.schema, field, token)
        return Query.fuzzy_term_query(
            self.schema, field, token, distance=distance, transposition_cost_one=True
        )

    def field_queries(
        self, text: str, prefix: str | None, wildcard: bool, fuzzy: bool = False
    ) -> list[tuple[str, float, Query]]:
        """One word or phrase as a query per weighted field (and unstemmed twin), with the
        field's name and weight: what _across_fields combines, and what explain reports."""
        out = []
        unstemmed_factor = float(self.ranking.get("matching", "unstemmed", 1.5))
        for field in self._text_fields(prefix):
            weight = self.ranking.weights.get(field, 1.0)
            variants = [(field, True, weight)]
            # A plain word or phrase found in a twin is found in its stemmed field too (same
            # tokens, same positions), so matching alone needs the twin only for a prefix or
            # a typo, whose unstemmed form may find other words.
            if field in self.ranking.exact_fields and (self.scored or wildcard or fuzzy):
                variants.append((twin(field), False, weight * unstemmed_factor))
            for name, stem, w in variants:
                if wildcard:
                    q = self._prefix_query(name, text, stem)
                elif fuzzy:
                    q = self._fuzzy_query(name, text, stem)
                else:
                    q = self._tokens_query(name, analyse(text, stem=stem))
                if q is not None:
                    out.append((name, w, q))
        return out

    def _across_fields(
        self, text: str, prefix: str | None, wildcard: bool, fuzzy: bool = False
    ) -> Query | None:
        """One word or phrase searched in every weighted field: the best field counts."""
        per_field = [
            Query.boost_query(q, w) if self.scored else q
            for _, w, q in self.field_queries(text, prefix, wildcard, fuzzy)
        ]
        if not per_field:
            return None
        if not self.scored:
            return _any(per_field)
        tie = float(self.ranking.get("matching", "tie_breaker", 0.2))
        return Query.disjunction_max_query(per_field, tie)

    def _word(self, node: Word | Phrase, fuzzy: bool = False) -> Query | None:
        wildcard = isinstance(node, Word) and node.wildcard
        if node.field == "callnumber":
            mark = re.sub(r"\s+", "", node.text).upper()
            if wildcard and len(mark) <= MAX_PREFIX_CHARS:
                exact = Query.regex_query(self.schema, "callnumber", _regex_escape(mark) + ".*")
            else:
                exact = Query.term_query(self.schema, "callnumber", mark)
            words = self._across_fields(node.text, "callnumber", wildcard)
            return _any([exact] + ([words] if words else []))
        if isinstance(node, Phrase) or wildcard:
            return self._across_fields(node.text, node.field, wildcard)
        return self._across_fields(node.text, node.field, False, fuzzy)

    def _heading(self, node: Heading) -> Query | None:
        """A MeSH heading: its descriptor (`mesh_id`), or exploded every document under one
        of its tree numbers (`mesh_tree` holds each tree number and those above it); not a
        descriptor, the words of the subject headings."""
        if not node.ui or "mesh_id" not in self.fields:
            return self._word(Phrase(node.text, "subject"))
        if node.explode and node.trees:
            query = Query.term_set_query(self.schema, "mesh_tree", list(node.trees))
        else:
            query = Query.term_query(self.schema, "mesh_id", node.ui)
        return _const(query, self.ranking.weights.get("subject", 1.0)) if self.scored else query

    # --- one node ---------------------------------------------------------------------

    def node(self, node: Node, fuzzy: bool = False) -> Query | None:
        if isinstance(node, (Word, Phrase)):
            return self._word(node, fuzzy)
        if isinstance(node, Identifier):
            ident = Query.term_set_query(self.schema, node.field, list(node.values))
            ident = Query.const_score_query(
                ident, float(self.ranking.get("identifier", "boost", 500.0))
            )
            words = self._across_fields(node.text, None, False) if node.text else None
            return _any([ident, words]) if words else ident
        if isinstance(node, Heading):
            return self._heading(node)
        if isinstance(node, YearRange):
            return Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, node.start, node.end
            )
        if isinstance(node, AnyOf):
            options = [q for option in node.options if (q := self.node(option, fuzzy)) is not None]
            return _any(options) if options else None
        if isinstance(node, AllOf):
            parts = [q for part in node.parts if (q := self.node(part, fuzzy)) is not None]
            if not parts:
                return None
            return (
                parts[0]
                if len(parts) == 1
                else Query.boolean_query([(Occur.Must, q) for q in parts])
            )
        raise TypeError(f"unknown query node {node!r}")

    # --- the whole query --------------------------------------------------------------

    def core(
        self, parsed: ParsedQuery, text: str, *, relaxed: bool = False, fuzzy: bool = False
    ) -> Query:
        """What decides which records match (filters aside). `fuzzy` lets longer words match
        with a typo; synonyms widen the reader's words (never replace them)."""
        if parsed.match_all:
            return Query.all_query()
        if self.synonyms is not None:
            parsed = expand_synonyms(parsed, self.synonyms.rules())
        required = [q for node in parsed.required if (q := self.node(node, fuzzy)) is not None]
        excluded = [q for node in parsed.excluded if (q := self.node(node)) is not None]
        if not required and not excluded:
            # Blank means "everything"; text with nothing searchable in it means nothing.
            return Query.all_query() if not text.strip() else Query.empty_query()
        clauses: list[tuple[Occur, Query]]
        if not required:
            clauses = [(Occur.Must, Query.all_query())]
        elif relaxed:
            clauses = [(Occur.Must, Query.boolean_query([(Occur.Should, q) for q in required], 1))]
        else:
            clauses = [(Occur.Must, q) for q in required]
        clauses += [(Occur.MustNot, q) for q in excluded]
        return Query.boolean_query(clauses)

    def filters(self, request: SearchRequest, *, skip: str | None = None) -> list[tuple]:
        clauses = [(Occur.Must, self._values(field, values)) for field, values in request.within]
        for field, values in request.filters:
            if field != skip and values:
                clauses.append((Occur.Must, self._values(field, values)))
        for field, values in request.excludes:
            if values:
                clauses.append((Occur.MustNot, self._values(field, values)))
        if request.year_from is not None or request.year_to is not None:
            clauses.append(
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema,
                        "year",
                        tantivy.FieldType.Integer,
                        request.year_from,
                        request.year_to,
                    ),
                )
            )
        return clauses

    def _values(self, field: str, values: Iterable[str]) -> Query:
        f = self.fields.get(field)
        if f is None or f.type not in ("keyword", "int"):
            raise UnknownFieldError(f"cannot filter on {field!r}: not a keyword or int field")
        if f.type == "int":
            ints = [int(v) for v in values if str(v).lstrip("-").isdigit()]
            return Query.term_set_query(self.schema, field, ints) if ints else Query.empty_query()
        return Query.term_set_query(self.schema, field, [str(v) for v in values])

    def bonuses(self, parsed: ParsedQuery, request: SearchRequest) -> list[tuple]:
        """Score-only clauses: they reorder the matches, never add or remove one."""
        return [(Occur.Should, q) for _, q in self.named_bonuses(parsed, request)]

    def named_bonuses(self, parsed: ParsedQuery, request: SearchRequest) -> list[tuple[str, Query]]:
        """bonuses() with a name for each: "exact_title", "title_prefix", "title_phrase",
        "availability:VALUE", "recency", "prefer_library"."""
        r = self.ranking
        out: list[tuple[str, Query]] = []
        title = normalise_title(plain_text(parsed))
        if title:
            exact = Query.term_query(self.schema, "title_exact", title)
            out.append(("exact_title", _const(exact, r.get("title_ladder", "exact", 200.0))))
            if int(r.get("title_ladder", "min_chars", 3)) <= len(title) <= MAX_PREFIX_CHARS:
                # " .*" rather than " .+": the same terms (a normalised title never ends in a
                # space), and the automaton for one any-character builds in a third of the time.
                prefix = Query.regex_query(self.schema, "title_exact", _regex_escape(title) + " .*")
                out.append(("title_prefix", _const(prefix, r.get("title_ladder", "prefix", 40.0))))
            tokens = analyse(title)
            if len(tokens) > 1 and "title" in r.weights:
                phrase = Query.phrase_query(
                    self.schema, "title", tokens, int(r.get("phrase", "slop", 2))
                )
                boosted = Query.boost_query(phrase, float(r.get("phrase", "title", 20.0)))
                out.append(("title_phrase", boosted))
        if "availability" in self.fields:
            for value, boost in r.config.get("availability", {}).items():
                q = _const(Query.term_query(self.schema, "availability", value), boost)
                out.append((f"availability:{value}", q))
        years = int(r.get("recency", "years", 0))
        if years > 0 and "year" in self.fields:
            since = datetime.date.today().year - years
            recent = Query.range_query(self.schema, "year", tantivy.FieldType.Integer, since, None)
            out.append(("recency", _const(recent, r.get("recency", "boost", 2.0))))
        if request.prefer_library and "library" in self.fields:
            mine = Query.term_query(self.schema, "library", request.prefer_library)
            out.append(("prefer_library", _const(mine, r.get("scope", "prefer_library", 1000.0))))
        return out


def with_bonuses(query: Query, bonuses: list[tuple]) -> Query:
    """`query` with score-only clauses added one level at a time.

    Tantivy merges the SHOULD clauses of one boolean query into a union that it fills by
    reading every posting of every clause, window by window, whatever the MUST clauses match:
    the availability and recency bonuses alone match most of the index. Nested one to a level,
    each bonus is only asked about the documents that already match (a skip-list seek), and
    the scores add up the same way.
    """
    for occur, bonus in bonuses:
        query = Query.boolean_query([(Occur.Must, query), (occur, bonus)])
    return query


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries], 1)


def _const(query: Query, score: float) -> Query:
    return Query.const_score_query(query, float(score))
