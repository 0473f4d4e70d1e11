"""The index's own vocabulary at work: "did you mean" respellings and autocomplete (Tantivy).

Both read the term dictionary of the unstemmed title twins (and respellings also the words
of the subject headings), so what is offered is a word or a title that really is in the
catalogue.
"""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur, Query

from indexer.engine.query import Suggestion
from indexer.engine.querylang import AllOf, AnyOf, Node, ParsedQuery, Phrase, Word
from indexer.engine.tantivy.schema import analyse, twin
from indexer.normalise import normalise_title

VOCABULARY_FIELDS = ("title", "subtitle")  # their unstemmed twins hold readable words
MIN_RESPELL_CHARS = 4  # shorter words have too many neighbours to guess from
CANDIDATE_PREFIX = 1  # candidates share this many leading letters with the typed word
MAX_CANDIDATES = 20_000
# Subject headings are whole strings in their facet fields (no unstemmed twin): their words,
# read once per commit from the most used headings, are candidates as well.
SUBJECT_FACETS = ("subject_mesh_facet", "subject_facet")
MAX_HEADINGS = 20_000
RESPELL_FIELDS = (None, "title", "subject")  # words of other fields are names, numbers...


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    def __init__(self, schema: tantivy.Schema, fields: dict) -> None:
        self.schema = schema
        self.twins = [twin(f) for f in VOCABULARY_FIELDS if f in fields and fields[f].exact]
        self.stemmed = [
            name for name in ("title", "subtitle", "author", "subject") if name in fields
        ]
        self.subject_facets = [f for f in SUBJECT_FACETS if f in fields]
        self._subject_words: tuple[object, dict[str, list[tuple[str, int]]]] = (None, {})

    def known(self, searcher: tantivy.Searcher, word: str) -> bool:
        plain = analyse(word, stem=False)
        stems = analyse(word, stem=True)
        if len(plain) != 1:
            return True  # several tokens ("e-book"): not a single misspelling to correct
        if any(searcher.doc_freq(f, plain[0]) for f in self.twins):
            return True
        return bool(stems) and any(searcher.doc_freq(f, stems[0]) for f in self.stemmed)

    def subject_words(self, searcher, version) -> dict[str, list[tuple[str, int]]]:
        """First letter -> (word, headings count) of the subject headings' words, per commit."""
        if self._subject_words[0] != version or version is None:
            counts: dict[str, int] = {}
            for field in self.subject_facets:
                for heading, count in searcher.terms_with_prefix(field, "", limit=MAX_HEADINGS):
                    for word in set(analyse(heading, stem=False)):
                        counts[word] = counts.get(word, 0) + count
            by_letter: dict[str, list[tuple[str, int]]] = {}
            for word, count in counts.items():
                by_letter.setdefault(word[:CANDIDATE_PREFIX], []).append((word, count))
            self._subject_words = (version, by_letter)
        return self._subject_words[1]

    def respell_word(self, searcher: tantivy.Searcher, word: str, version=None) -> str | None:
        tokens = analyse(word, stem=False)
        if len(tokens) != 1 or len(tokens[0]) < MIN_RESPELL_CHARS:
            return None
        token = tokens[0]
        limit = 1 if len(token) < 8 else 2
        candidates = [
            searcher.terms_with_prefix(field, token[:CANDIDATE_PREFIX], limit=MAX_CANDIDATES)
            for field in self.twins
        ]
        candidates.append(self.subject_words(searcher, version).get(token[:CANDIDATE_PREFIX], []))
        best: tuple[int, int, str] | None = None  # (distance, -frequency, term)
        for terms in candidates:
            for term, count in terms:
                d = edit_distance(token, term, limit)
                if 0 < d <= limit and (best is None or (d, -count, term) < best):
                    best = (d, -count, term)
        return best[2] if best else None

    def respell(
        self, searcher: tantivy.Searcher, parsed: ParsedQuery, text: str, version=None
    ) -> str | None:
        """`text` with each word the index does not know replaced by its nearest known word
        (field names typed in error, parsed.field_fixes, are put right by the caller)."""
        out = text
        changed = False
        not_words = {typed for typed, _ in parsed.field_fixes}
        for word in _respellable(parsed.required):
            if word in not_words or self.known(searcher, word):
                continue
            better = self.respell_word(searcher, word, version)
            if better:
                out = re.sub(re.escape(word), better, out, count=1)
                changed = True
        return out if changed else None

    # --- autocomplete ---------------------------------------------------------------------

    def suggest(self, searcher: tantivy.Searcher, text: str, limit: int) -> list[Suggestion]:
        tokens = analyse(text, stem=False)
        if not tokens or len(text.strip()) < 2:
            return []
        per_kind = max(1, limit // 2)
        out = self._titles(searcher, text, tokens, per_kind)
        out += self._facet_values(searcher, tokens, "author", ["author_facet"], "author", per_kind)
        out += self._facet_values(
            searcher,
            tokens,
            "subject",
            ["subject_mesh_facet", "subject_facet"],
            "subject",
            per_kind,
        )
        return out[:limit]

    def _prefix(self, field: str, tokens: list[str]) -> Query:
        escaped = "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in tokens[-1])
        last = Query.regex_query(self.schema, field, escaped + ".*")
        if len(tokens) == 1:
            return last
        return Query.phrase_prefix_query(self.schema, field, tokens)

    def _titles(self, searcher, text: str, tokens: list[str], limit: int) -> list[Suggestion]:
        if not self.twins:
            return []
        key = normalise_title(text)
        starts = Query.regex_query(
            self.schema,
            "title_exact",
            "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in key) + ".*",
        )
        query = Query.boolean_query(
            [
                (Occur.Must, self._prefix(self.twins[0], tokens)),
                (Occur.Should, Query.const_score_query(starts, 10.0)),
            ]
        )
        seen: set[str] = set()
        out = []
        for _, addr in searcher.search(query, limit * 4).hits:
            title = searcher.doc(addr).get_first("title") or ""
            norm = normalise_title(title)
            if norm and norm not in seen:
                seen.add(norm)
                out.append(Suggestion(title.strip(" /:;,."), "title"))
            if len(out) >= limit:
                break
        return out

    def _facet_values(
        self, searcher, tokens: list[str], text_field: str, facets: list[str], kind: str, limit: int
    ) -> list[Suggestion]:
        stems = [t for tok in tokens for t in analyse(tok, stem=True)] or tokens
        try:
            query = self._prefix(text_field, stems[:-1] + [tokens[-1]])
        except ValueError:
            return []
        spec = {f: {"terms": {"field": f, "size": 50}} for f in facets}
        counted = searcher.aggregate(query, spec)
        found: list[tuple[int, str]] = []
        for f in facets:
            for bucket in counted.get(f, {}).get("buckets", []):
                words = normalise_title(str(bucket["key"])).split()
                if all(any(w.startswith(t) for w in words) for t in tokens):
                    found.append((-int(bucket["doc_count"]), str(bucket["key"])))
        found.sort()
        return [Suggestion(value, kind) for _, value in found[:limit]]


def _respellable(nodes: tuple[Node, ...]):
    """The reader's words, in order, that a respelling may change: plain words and the words of
    phrases searched in every field, titles or subjects (inside OR and AND too)."""
    for node in nodes:
        if isinstance(node, (AnyOf, AllOf)):
            yield from _respellable(node.options if isinstance(node, AnyOf) else node.parts)
        elif isinstance(node, Word) and not node.wildcard and node.field in RESPELL_FIELDS:
            yield node.text
        elif isinstance(node, Phrase) and node.field in RESPELL_FIELDS:
            yield from node.text.split()
