"""Turn a parsed reader query and a SearchRequest into OpenSearch query DSL.

The same relevance rules as tantivy_query, clause for clause:
- each word of the reader's: a dis_max over the weighted fields and their unstemmed twins
  (`best_fields` with the tie-breaker: the best field counts fully, the others by tie_breaker),
  every word required. Not `cross_fields`, which blends term statistics across fields and
  groups the stemmed fields apart from the unstemmed twins (a twin then scores only when every
  word is in it);
- a word that analyses to several tokens ("covid-19") or a quoted phrase: a `phrase`
  multi_match, dis_max in the same way;
- `word*`: per-field prefix queries on the analysed word (`match_bool_prefix`), uncapped as
  Tantivy's regex is; several words and a star: `phrase_prefix`, its last word expanded to
  at most MULTI_WORD_PREFIX_EXPANSIONS terms;
- typo tolerance: an integer edit distance worked out from the word as typed (not from the
  stemmed token OpenSearch's AUTO would measure), as Tantivy does;
- unstemmed subfields weighted `matching.unstemmed` times their stemmed field;
- score-only bonuses (`should` clauses beside the required core): exact-title ladder on
  `title_exact`, title phrase proximity, availability, recency, prefer_library.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from indexer.engine.expansion import expand_synonyms
from indexer.engine.fields import FieldDef, Ranking
from indexer.engine.opensearch.mapping import twin
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
from indexer.errors import UnknownFieldError

MAX_PREFIX_CHARS = 100  # as tantivy_query: no reader types 100 characters to then want more
# `heart fail*`: the terms the last word may stand for (OpenSearch's default, 50, misses
# documents: "fail" alone starts more than 50 words in a large catalogue).
MULTI_WORD_PREFIX_EXPANSIONS = 1000
_TOKEN = re.compile(r"[^\W_]+")  # the analyser's tokens, to tell one word from several


def _const(query: dict, score: float) -> dict:
    return {"constant_score": {"filter": query, "boost": float(score)}}


def _any(queries: list[dict]) -> dict:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def edits_allowed(typed: str) -> int:
    """Typo tolerance as tantivy_query: one edit from ONE_EDIT_FROM typed characters, two
    from TWO_EDITS_FROM (measured on the word as typed, not on its stem)."""
    return 2 if len(typed) >= TWO_EDITS_FROM else 1 if len(typed) >= ONE_EDIT_FROM else 0


class QueryBuilder:
    def __init__(self, fields: dict[str, FieldDef], ranking: Ranking, synonyms: Any = None):
        self.fields = fields
        self.ranking = ranking
        self.synonyms = synonyms  # synonyms.SynonymFiles, or None

    # --- words ------------------------------------------------------------------------

    def _weighted_fields(self, prefix: str | None) -> list[tuple[str, float]]:
        if prefix is None:
            names = [n for n, w in self.ranking.weights.items() if w > 0]
        else:
            names = list(self.ranking.prefixes.get(prefix, ()))
        unstemmed = float(self.ranking.get("matching", "unstemmed", 1.5))
        out = []
        for name in names:
            weight = self.ranking.weights.get(name, 1.0)
            out.append((name, weight))
            if name in self.ranking.exact_fields:
                out.append((twin(name), weight * unstemmed))
        return out

    def _multi_match(self, text: str, prefix: str | None, kind: str, **extra: Any) -> dict | None:
        fields = [f"{name}^{weight:g}" for name, weight in self._weighted_fields(prefix)]
        if not fields or not _TOKEN.search(text):
            return None
        tie = float(self.ranking.get("matching", "tie_breaker", 0.2))
        body = {"query": text, "type": kind, "fields": fields, "tie_breaker": tie, **extra}
        return {"multi_match": body}

    def _prefix(self, text: str, prefix: str | None) -> dict | None:
        """`word*`: uncapped prefix matching per field, dis_max across them; several words
        before the star: a phrase whose last word is a capped prefix."""
        text = text[:MAX_PREFIX_CHARS]
        if len(_TOKEN.findall(text)) > 1:
            return self._multi_match(
                text, prefix, "phrase_prefix", max_expansions=MULTI_WORD_PREFIX_EXPANSIONS
            )
        fields = self._weighted_fields(prefix)
        if not fields or not _TOKEN.search(text):
            return None
        per_field = [
            {"match_bool_prefix": {name: {"query": text, "boost": weight}}}
            for name, weight in fields
        ]
        tie = float(self.ranking.get("matching", "tie_breaker", 0.2))
        return {"dis_max": {"queries": per_field, "tie_breaker": tie}}

    def _word(self, node: Word | Phrase, fuzzy: bool) -> dict | None:
        wildcard = isinstance(node, Word) and node.wildcard
        if node.field == "callnumber":
            mark = re.sub(r"\s+", "", node.text).upper()
            if wildcard and len(mark) <= MAX_PREFIX_CHARS:
                exact: dict = {"prefix": {"callnumber": {"value": mark}}}
            else:
                exact = {"term": {"callnumber": {"value": mark}}}
            words = (
                self._prefix(node.text, "callnumber")
                if wildcard
                else self._multi_match(node.text, "callnumber", "phrase")
            )
            return _any([exact] + ([words] if words else []))
        if wildcard:
            return self._prefix(node.text, node.field)
        if isinstance(node, Phrase) or len(_TOKEN.findall(node.text)) > 1:
            return self._multi_match(node.text, node.field, "phrase")
        edits = edits_allowed(node.text) if fuzzy else 0
        if edits:
            return self._multi_match(
                node.text, node.field, "best_fields", fuzziness=edits, prefix_length=0
            )
        return self._multi_match(node.text, node.field, "best_fields")

    def known_body(self, word: str) -> dict | None:
        """A search body that finds a record if the index holds `word` as a word, as Tantivy's
        Vocabulary.known asks (then a search that found nothing is no typo to allow for):
        unstemmed in a title or subtitle, or stemmed in a title, subtitle, author or subject.
        None: several tokens ("e-book"), not a single misspelling."""
        if len(_TOKEN.findall(word)) != 1:
            return None
        twins = [twin(f) for f in ("title", "subtitle") if f in self.ranking.exact_fields]
        stemmed = [f for f in ("title", "subtitle", "author", "subject") if f in self.fields]
        should = [{"match": {name: {"query": word}}} for name in [*twins, *stemmed]]
        query = {"bool": {"should": should, "minimum_should_match": 1}}
        return {"query": query, "size": 0, "terminate_after": 1, "track_total_hits": 1}

    # --- one node ---------------------------------------------------------------------

    def node(self, node: Node, fuzzy: bool = False) -> dict | None:
        if isinstance(node, (Word, Phrase)):
            return self._word(node, fuzzy)
        if isinstance(node, Identifier):
            boost = float(self.ranking.get("identifier", "boost", 500.0))
            ident = _const({"terms": {node.field: list(node.values)}}, boost)
            words = self._word(Word(node.text), False) if node.text else None
            return _any([ident, words]) if words else ident
        if isinstance(node, Heading):
            return self._heading(node)
        if isinstance(node, YearRange):
            bounds = {}
            if node.start is not None:
                bounds["gte"] = node.start
            if node.end is not None:
                bounds["lte"] = node.end
            return {"range": {"year": bounds}}
        if isinstance(node, AnyOf):
            options = [q for o in node.options if (q := self.node(o, fuzzy)) is not None]
            return _any(options) if options else None
        if isinstance(node, AllOf):
            parts = [q for p in node.parts if (q := self.node(p, fuzzy)) is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}
        raise TypeError(f"unknown query node {node!r}")

    def _heading(self, node: Heading) -> dict | None:
        """As tantivy_query: the descriptor, exploded every document under its tree numbers,
        or the subject headings' words when it is no descriptor."""
        if not node.ui or "mesh_id" not in self.fields:
            return self._word(Phrase(node.text, "subject"), False)
        if node.explode and node.trees:
            query = {"terms": {"mesh_tree": list(node.trees)}}
        else:
            query = {"term": {"mesh_id": node.ui}}
        return _const(query, self.ranking.weights.get("subject", 1.0))

    # --- the whole query --------------------------------------------------------------

    def core(
        self, parsed: ParsedQuery, text: str, *, relaxed: bool = False, fuzzy: bool = False
    ) -> dict:
        if parsed.match_all:
            return {"match_all": {}}
        if self.synonyms is not None:
            parsed = expand_synonyms(parsed, self.synonyms.rules())
        required = [q for n in parsed.required if (q := self.node(n, fuzzy)) is not None]
        excluded = [q for n in parsed.excluded if (q := self.node(n)) is not None]
        if not required and not excluded:
            # Blank means "everything"; text with nothing searchable in it means nothing.
            return {"match_all": {}} if not text.strip() else {"match_none": {}}
        query: dict[str, Any] = {}
        if not required:
            query["must"] = [{"match_all": {}}]
        elif relaxed:
            query["should"] = required
            query["minimum_should_match"] = 1
        else:
            query["must"] = required
        if excluded:
            query["must_not"] = excluded
        return {"bool": query}

    def facet_filters(self, request: SearchRequest, *, skip: str | None = None) -> list[dict]:
        """The reader's facet selections (values of one field ORed, fields ANDed)."""
        return [
            self._values(field, values)
            for field, values in request.filters
            if values and field != skip
        ]

    def fixed_filters(self, request: SearchRequest) -> tuple[list[dict], list[dict]]:
        """(filter, must_not) clauses that every count obeys: the part of the index searched,
        year range and exclusions."""
        keep = [self._values(field, values) for field, values in request.within]
        if request.year_from is not None or request.year_to is not None:
            bounds = {}
            if request.year_from is not None:
                bounds["gte"] = request.year_from
            if request.year_to is not None:
                bounds["lte"] = request.year_to
            keep.append({"range": {"year": bounds}})
        drop = [self._values(field, values) for field, values in request.excludes if values]
        return keep, drop

    def _values(self, field: str, values: Any) -> dict:
        f = self.fields.get(field)
        if f is None or f.type not in ("keyword", "int"):
            raise UnknownFieldError(f"cannot filter on {field!r}: not a keyword or int field")
        if f.type == "int":
            ints = [int(v) for v in values if str(v).lstrip("-").isdigit()]
            return {"terms": {field: ints}} if ints else {"match_none": {}}
        return {"terms": {field: [str(v) for v in values]}}

    def bonuses(self, parsed: ParsedQuery, request: SearchRequest) -> list[dict]:
        """Score-only clauses: they reorder the matches, never add or remove one."""
        r = self.ranking
        out: list[dict] = []
        title = normalise_title(plain_text(parsed))
        if title:
            exact = {"term": {"title_exact": {"value": title}}}
            out.append(_const(exact, r.get("title_ladder", "exact", 200.0)))
            if int(r.get("title_ladder", "min_chars", 3)) <= len(title) <= MAX_PREFIX_CHARS:
                # a title that starts with the whole query and goes on
                prefix = {"prefix": {"title_exact": {"value": title + " "}}}
                out.append(_const(prefix, r.get("title_ladder", "prefix", 40.0)))
            if len(_TOKEN.findall(title)) > 1 and "title" in r.weights:
                phrase = {
                    "match_phrase": {
                        "title": {
                            "query": title,
                            "slop": int(r.get("phrase", "slop", 2)),
                            "boost": float(r.get("phrase", "title", 20.0)),
                        }
                    }
                }
                out.append(phrase)
        if "availability" in self.fields:
            for value, boost in r.config.get("availability", {}).items():
                out.append(_const({"term": {"availability": {"value": value}}}, boost))
        years = int(r.get("recency", "years", 0))
        if years > 0 and "year" in self.fields:
            since = datetime.date.today().year - years
            out.append(_const({"range": {"year": {"gte": since}}}, r.get("recency", "boost", 2.0)))
        if request.prefer_library and "library" in self.fields:
            mine = {"term": {"library": {"value": request.prefer_library}}}
            out.append(_const(mine, r.get("scope", "prefer_library", 1000.0)))
        return out
