"""The readers' query language, parsed into an engine-neutral tree.

Plain words must all match; "phrases"; -exclusions (also NOT); OR between two clauses;
field prefixes (title: author: subject: isbn: issn: series: callnumber: year:); a trailing *
for a prefix search. parse_query() never raises: broken input gives a best-effort tree or an
empty one. Unknown prefixes ("http://...", "ratio 1:2") stay plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from indexer.normalise import fold, isbn_forms, issn_form, normalise_title

__all__ = ["fold", "isbn_forms", "issn_form", "normalise_title", "parse_query"]

FIELDS = ("title", "author", "subject", "isbn", "issn", "series", "callnumber", "year")
# Bounds that keep a pasted page of text from turning into a query of thousands of clauses.
MAX_CHARS = 1000
MAX_CLAUSES = 32
MIN_WILDCARD_CHARS = 2  # "a*" would walk most of the term dictionary
# Typo tolerance: words this long may differ by one edit, and from TWO_EDITS_FROM by two.
# Shorter words are left alone: "cat" one edit away is "car", "hat", "cut"...
ONE_EDIT_FROM = 5
TWO_EDITS_FROM = 9
# Each wildcard word walks the term dictionary of every field it searches (about 0.1-0.25 s
# for a two-letter stem over 1M records): later ones are searched as plain words.
MAX_WILDCARDS = 4


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # one of FIELDS, None = every text field
    wildcard: bool = False  # trailing *: text is a prefix


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Identifier:
    """An ISBN or ISSN, normalised (`values` hold every form stored in the index).

    `text` is what was typed when it was recognised without a prefix, so an engine can also
    search it as words; empty after an explicit isbn:/issn:.
    """

    field: str  # "isbn" or "issn"
    values: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class AllOf:
    """Every part must match: the reader's own words when a synonym spans several of them."""

    parts: tuple[Node, ...]


Node = Word | Phrase | Identifier | YearRange | AnyOf | AllOf


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple[Node, ...] = ()
    excluded: tuple[Node, ...] = ()
    match_all: bool = False  # the query was "*" or blank: every record
    # How the query was read where that differs from what was typed, for the reader.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.required or self.excluded or self.match_all)


_SYNONYM_FIELDS = (None, "title", "subject")


def expand_synonyms(query: ParsedQuery, rules) -> ParsedQuery:
    """The query with each run of required words that is a synonym term widened to
    AnyOf(the reader's words, each synonym). The reader's words always stay; exclusions are
    left as typed. `rules` has `alternatives(text)` and `max_words` (synonyms.SynonymRules)."""
    if not rules or not getattr(rules, "expansions", None):
        return query
    nodes = list(query.required)
    out: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, Phrase) and node.field in _SYNONYM_FIELDS:
            alts = rules.alternatives(node.text)
            out.append(_widened(node, alts, node.field) if alts else node)
            i += 1
            continue
        matched = False
        for width in range(min(rules.max_words, len(nodes) - i), 0, -1):
            run = nodes[i : i + width]
            if not all(_plain_word(n) and n.field == node.field for n in run):
                continue
            alts = rules.alternatives(" ".join(n.text for n in run))
            if alts:
                own = run[0] if width == 1 else AllOf(tuple(run))
                out.append(_widened(own, alts, node.field))
                i += width
                matched = True
                break
        if not matched:
            out.append(node)
            i += 1
    return ParsedQuery(tuple(out), query.excluded, query.match_all)


def _plain_word(node: Node) -> bool:
    return isinstance(node, Word) and not node.wildcard and node.field in _SYNONYM_FIELDS


def _widened(own: Node, alternatives: tuple[str, ...], field: str | None) -> AnyOf:
    extra = tuple(
        Phrase(alt, field) if len(alt.split()) > 1 else Word(alt, field) for alt in alternatives
    )
    return AnyOf((own, *extra))


# --- parser --------------------------------------------------------------------------------

_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
_OPERATORS = ("OR", "AND", "NOT")
_ISBN_CHARS = re.compile(r"[\d\s\-Xx]+")
_ISBN_PREFIX = re.compile(r"^isbn\s*:", re.IGNORECASE)
_HYPHENATED_ISSN = re.compile(r"\d{4}-\d{3}[\dXx]")


@dataclass
class _Token:
    text: str
    negated: bool = False
    field: str | None = None
    quoted: bool = False
    operator: str | None = None


def _clean(text: str) -> str:
    text = text[:MAX_CHARS]
    # Control characters (NUL, escapes) become spaces so they separate words.
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pending_field: str | None = None  # "title: medicine" -> the prefix applies to the next word
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
        field = pending_field
        pending_field = None
        match = _FIELD_PREFIX.match(text, i)
        if match and match.group(1).lower() in FIELDS:
            field, i = match.group(1).lower(), match.end()
            if i >= n or text[i].isspace():
                pending_field = field
                continue
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end  # an unbalanced quote runs to the end
            tokens.append(_Token(text[i + 1 : end], negated, field, quoted=True))
            i = end + 1
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        word = text[i:end]
        i = end
        if word in _OPERATORS and not negated and field is None:
            tokens.append(_Token(word, operator=word))
        else:
            tokens.append(_Token(word, negated, field))
    return tokens


def _has_text(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _year_node(text: str) -> Node | None:
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:(-|\.\.|to)\s*(\d{4})?)?\s*", text, re.IGNORECASE)
    if not match or not (match.group(1) or match.group(3)):
        return None
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(3)) if match.group(3) else (None if match.group(2) else start)
    return YearRange(start, end)


def _node(token: _Token) -> Node | None:
    text = token.text.strip()
    if not token.quoted:
        text = text.strip("()")
    if token.field == "year":
        return _year_node(text) or (Word(text) if _has_text(text) else None)
    if token.field == "isbn":
        values = isbn_forms(text, strict=False)
        return Identifier("isbn", values) if values else None
    if token.field == "issn":
        value = issn_form(text, strict=False)
        return Identifier("issn", (value,)) if value else None
    if not _has_text(text):
        return None
    if token.quoted:
        return Phrase(text, token.field)
    if token.field is None:
        isbns = isbn_forms(text)
        if isbns:
            return Identifier("isbn", isbns, text)
        if _HYPHENATED_ISSN.fullmatch(text) and issn_form(text):
            return Identifier("issn", (issn_form(text),), text)
    wildcard = text.endswith("*")
    stem = text.rstrip("*")
    if wildcard and sum(c.isalnum() for c in stem) < MIN_WILDCARD_CHARS:
        wildcard = False
    return Word(stem if wildcard else text, token.field, wildcard)


def parse_query(text: str) -> ParsedQuery:
    """Parse what a reader typed. Never raises."""
    try:
        return _parse(text if isinstance(text, str) else str(text))
    except Exception:  # a parser bug must not become a 500 for the reader
        return ParsedQuery()


def _parse(text: str) -> ParsedQuery:
    text = _clean(text)
    stripped = text.strip()
    if stripped in ("", "*"):
        return ParsedQuery(match_all=True)
    spaced = _spaced_isbn(stripped)
    if spaced:
        return ParsedQuery(required=(spaced,))
    required: list[Node] = []
    excluded: list[Node] = []
    join_next = False  # the previous token was OR
    negate_next = False  # the previous token was NOT
    last_was_required = False
    wildcards = 0
    too_short: list[str] = []  # "e*": searched as the word "e"
    too_many: list[str] = []  # wildcards past MAX_WILDCARDS: searched as plain words
    cut = False  # words left over past MAX_CLAUSES
    tokens = _tokens(text)
    for number, token in enumerate(tokens):
        if token.operator == "OR":
            join_next = last_was_required
            continue
        if token.operator == "AND":
            continue
        if token.operator == "NOT":
            negate_next = True
            continue
        node = _node(token)
        negated = token.negated or negate_next
        negate_next = False
        if node is None:
            continue
        if isinstance(node, Word) and token.text.endswith("*") and not token.quoted:
            if not node.wildcard:
                too_short.append(token.text)
            elif wildcards == MAX_WILDCARDS:
                node = Word(node.text, node.field)
                too_many.append(token.text)
            else:
                wildcards += 1
        if negated:
            excluded.append(node)
            join_next = last_was_required = False
        elif join_next and required:
            previous = required.pop()
            options = previous.options if isinstance(previous, AnyOf) else (previous,)
            required.append(AnyOf((*options, node)))
            join_next, last_was_required = False, True
        else:
            required.append(node)
            last_was_required = True
        if len(required) + len(excluded) >= MAX_CLAUSES:
            cut = any(t.operator is None for t in tokens[number + 1 :])
            break
    notes = _notes(too_short, too_many, cut)
    return ParsedQuery(tuple(required), tuple(excluded), notes=notes)


def _notes(too_short: list[str], too_many: list[str], cut: bool) -> tuple[str, ...]:
    """How the query was read where that differs from what was typed."""
    notes = []
    if too_short:
        notes.append(
            f"A * needs at least {MIN_WILDCARD_CHARS} letters or digits before it: "
            f"{_as_whole_words(too_short)}."
        )
    if too_many:
        notes.append(
            f"Only the first {MAX_WILDCARDS} words ending in * find the words they "
            f"begin: {_as_whole_words(too_many)}."
        )
    if cut:
        notes.append(f"Only the first {MAX_CLAUSES} words of your search were used.")
    return tuple(notes)


def _spaced_isbn(text: str) -> Identifier | None:
    """A whole query that is one ISBN typed with spaces ("978 0 19 852663 6"), perhaps after
    an explicit prefix ("isbn: 0 13 110016 5")."""
    spaced = _ISBN_PREFIX.sub("", text, count=1).strip()
    if _ISBN_CHARS.fullmatch(spaced) and " " in spaced and isbn_forms(spaced):
        return Identifier("isbn", isbn_forms(spaced), spaced)
    return None


def _as_whole_words(words: list[str]) -> str:
    """“a*” was searched as a whole word / “a*”, “b*” were searched as whole words."""
    unique = list(dict.fromkeys(words))
    if len(unique) == 1:
        return f"“{unique[0]}” was searched as a whole word"
    shown = ", ".join(f"“{w}”" for w in unique[:10])
    if len(unique) > 10:
        shown += f" and {len(unique) - 10} more"
    return f"{shown} were searched as whole words"


def plain_text(query: ParsedQuery) -> str:
    """The query's required words and phrases that target titles, in order (for title matching)."""
    parts = []
    for node in query.required:
        if isinstance(node, (Word, Phrase)) and node.field in (None, "title"):
            if isinstance(node, Word) and node.wildcard:
                return ""  # a prefix search is not a whole title
            parts.append(node.text)
        else:
            return ""
    return " ".join(parts)
