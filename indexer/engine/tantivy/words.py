"""The index's own vocabulary at work: "did you mean" respellings and autocomplete (Tantivy).

Both read the term dictionary of the unstemmed title twins, so what is offered is a word or
a title that really is in the catalogue.
"""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur, Query

from indexer.engine.query import Suggestion
from indexer.engine.querylang import ParsedQuery, Word
from indexer.engine.tantivy.schema import analyse, twin
from indexer.normalise import normalise_title

VOCABULARY_FIELDS = ("title", "subtitle")  # their unstemmed twins hold readable words
MIN_RESPELL_CHARS = 4  # shorter words have too many neighbours to guess from
CANDIDATE_PREFIX = 1  # candidates share this many leading letters with the typed word
MAX_CANDIDATES = 20_000


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

    def known(self, searcher: tantivy.Searcher, word: str) -> bool:
        plain = analyse(word, stem=False)
        stems = analyse(word, stem=True)
        if len(plain) != 1:
            return True  # several tokens ("e-book"): not a single misspelling to correct
        if any(searcher.doc_freq(f, plain[0]) for f in self.twins):
            return True
        return bool(stems) and any(searcher.doc_freq(f, stems[0]) for f in self.stemmed)

    def respell_word(self, searcher: tantivy.Searcher, word: str) -> str | None:
        tokens = analyse(word, stem=False)
        if len(tokens) != 1 or len(tokens[0]) < MIN_RESPELL_CHARS:
            return None
        token = tokens[0]
        limit = 1 if len(token) < 8 else 2
        best: tuple[int, int, str] | None = None  # (distance, -frequency, term)
        for field in self.twins:
            for term, count in searcher.terms_with_prefix(
                field, token[:CANDIDATE_PREFIX], limit=MAX_CANDIDATES
            ):
                d = edit_distance(token, term, limit)
                if 0 < d <= limit and (best is None or (d, -count, term) < best):
                    best = (d, -count, term)
        return best[2] if best else None

    def respell(self, searcher: tantivy.Searcher, parsed: ParsedQuery, text: str) -> str | None:
        """`text` with each word the index does not know replaced by its nearest known word."""
        out = text
        changed = False
        for node in parsed.required:
            if not isinstance(node, Word) or node.wildcard or node.field in ("isbn", "issn"):
                continue
            if self.known(searcher, node.text):
                continue
            better = self.respell_word(searcher, node.text)
            if better:
                out = re.sub(re.escape(node.text), better, out, count=1)
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
