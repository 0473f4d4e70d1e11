"""The readers' query language, parsed into an engine-neutral tree.

Plain words must all match; "phrases"; -exclusions (also NOT); OR between two clauses;
field prefixes (title: author: subject: isbn: issn: series: callnumber: year: doi: pmid:); a
DOI typed bare or as a doi.org link is read as a DOI; a trailing * for a prefix search;
mesh:"HEADING" for a MeSH heading, mesh:"HEADING"+ with its narrower ones. parse_query() never
raises: broken input gives a best-effort tree or an empty one. Unknown prefixes ("http://...",
"ratio 1:2") stay plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from indexer.engine import readings
from indexer.engine.readings import MAX_CLAUSES, MAX_WILDCARDS, MIN_WILDCARD_CHARS
from indexer.mapping.article_ids import normalise_doi, normalise_pmid, typed_doi
from indexer.normalise import fold, isbn_forms, issn_form, normalise_title

__all__ = ["fold", "isbn_forms", "issn_form", "normalise_title", "parse_query"]

FIELDS = ("title", "author", "subject", "isbn", "issn", "series", "callnumber", "year", "mesh")
FIELDS += ("doi", "pmid")  # full text (issue 20, part 2): identifiers, as isbn: and issn:
# Bounds that keep a pasted page of text from turning into a query of thousands of clauses.
MAX_CHARS = 1000
# Typo tolerance: words this long may differ by one edit, and from TWO_EDITS_FROM by two.
# Shorter words are left alone: "cat" one edit away is "car", "hat", "cut"...
ONE_EDIT_FROM = 5
TWO_EDITS_FROM = 9
# Each wildcard word walks the term dictionary of every field it searches (about 0.1-0.25 s
# for a two-letter stem over 1M records): later ones (past MAX_WILDCARDS) are plain words.


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

    field: str  # "isbn", "issn", "doi" or "pmid"
    values: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Heading:
    """A MeSH heading searched as a heading: `mesh:"Heart Diseases"`, with every narrower
    heading too when exploded (`mesh:"Heart Diseases"+`). `ui` and `trees` are its descriptor's
    (indexer.engine.expansion.resolve_headings fills them in); without them it is searched as
    words of the subject headings."""

    text: str
    explode: bool = False
    ui: str = ""
    trees: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class AllOf:
    """Every part must match: the reader's own words when a synonym spans several of them."""

    parts: tuple[Node, ...]


Node = Word | Phrase | Identifier | YearRange | Heading | AnyOf | AllOf


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple[Node, ...] = ()
    excluded: tuple[Node, ...] = ()
    match_all: bool = False  # the query was "*" or blank: every record
    # How the query was read where that differs from what was typed, for the reader.
    notes: tuple[str, ...] = field(default=(), compare=False)
    # The syntax that was ignored, and why (readings), for the reader.
    ignored: tuple[str, ...] = field(default=(), compare=False)
    # Field names typed that are not fields ("titel:"), with the nearest field, for "did you mean".
    field_fixes: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    synonyms: bool = True  # False: the reader asked to search without synonyms
    # Set by expand_synonyms: (the reader's words, the terms they were widened with).
    expanded: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.required or self.excluded or self.match_all)


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
    open: bool = False  # a quote mark with no closing one: the phrase ran to the end
    explode: bool = False  # mesh:"X"+ : the heading and every narrower one


# "titel:asthma": letters, a colon and straight away a word (not "http://", not "Note: ...").
_UNKNOWN_FIELD = re.compile(r"([A-Za-z]{2,20}):(?=[\w\"(])")


def _clean(text: str) -> str:
    text = text[:MAX_CHARS]
    # Control characters (NUL, escapes) become spaces so they separate words.
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def _tokens(text: str, reading: readings.Reading) -> list[_Token]:
    tokens: list[_Token] = []
    pending_field: str | None = None  # "title: medicine" -> the prefix applies to the next word
    carried = False  # "-titel:asthma": the minus also leaves out the word after the colon
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated, carried = carried, False
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
        elif field is None and (unknown := _UNKNOWN_FIELD.match(text, i)):
            reading.unknown_field(unknown.group(1))
            tokens.append(_Token(unknown.group(1), negated))
            carried, i = negated, unknown.end()
            continue
        if text[i] == '"':
            end = text.find('"', i + 1)
            opened = end < 0  # an unbalanced quote runs to the end
            end = n if opened else end
            plus = field == "mesh" and text.startswith("+", end + 1)
            token = _Token(text[i + 1 : end], negated, field, True, open=opened, explode=plus)
            tokens.append(token)
            i = end + 1 + plus
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
    if pending_field:
        reading.ignored.append(readings.empty_field(pending_field))
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
    if token.field in ("doi", "pmid"):
        value = (normalise_doi if token.field == "doi" else normalise_pmid)(text)
        return Identifier(token.field, (value,)) if value else None
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
    if token.field == "mesh":
        plus = not token.quoted and text.endswith("+")
        text = text.rstrip("+").strip() if plus else text
        return Heading(text, token.explode or plus) if _has_text(text) else None
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
        if doi := typed_doi(token.text.strip(), text):
            return Identifier("doi", (doi,), text)
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
    reading = readings.Reading(FIELDS)
    tokens = _tokens(text, reading)
    required, excluded, words = _clauses(tokens, reading)
    opened = sum(t.text.count("(") for t in tokens if not t.quoted)
    if opened != sum(t.text.count(")") for t in tokens if not t.quoted):
        reading.ignored.append(readings.UNMATCHED_BRACKET)
    notes = readings.notes(words["too_short"], words["too_many"], bool(words["cut"]))
    ignored = tuple(dict.fromkeys(reading.ignored))
    if not required and not excluded:
        if ignored:  # only syntax was typed: as for a blank search, every record
            return ParsedQuery(
                match_all=True, notes=notes, ignored=(*ignored, readings.NOTHING_LEFT)
            )
        if not _has_text(stripped):
            notes = (*notes, readings.NOTHING_SEARCHABLE)
    return ParsedQuery(
        tuple(required),
        tuple(excluded),
        notes=notes,
        ignored=ignored,
        field_fixes=tuple(dict.fromkeys(reading.field_fixes)),
    )


def _clauses(tokens: list[_Token], reading: readings.Reading) -> tuple[list, list, dict]:
    """Required and excluded nodes from the tokens, and the words read otherwise than typed
    (too_short and too_many wildcards; cut: words left over past MAX_CLAUSES)."""
    required: list[Node] = []
    excluded: list[Node] = []
    words: dict[str, list] = {"too_short": [], "too_many": [], "cut": []}
    join_next = False  # the previous token was OR
    negate_next = False  # the previous token was NOT
    last_was_required = False
    wildcards = 0
    for number, token in enumerate(tokens):
        if token.operator == "OR":
            if not last_was_required:
                reading.ignored.append(readings.LONE_OR)
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
            reading.dropped(token)
            continue
        if token.quoted and token.open:
            reading.ignored.append(readings.open_phrase(token.text))
        if isinstance(node, Word) and token.text.endswith("*") and not token.quoted:
            if not node.wildcard:
                words["too_short"].append(token.text)
            elif wildcards == MAX_WILDCARDS:
                node = Word(node.text, node.field)
                words["too_many"].append(token.text)
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
            words["cut"] = [t for t in tokens[number + 1 :] if t.operator is None]
            return required, excluded, words
    if join_next:
        reading.ignored.append(readings.LONE_OR)
    if negate_next:
        reading.ignored.append(readings.LONE_NOT)
    return required, excluded, words


def _spaced_isbn(text: str) -> Identifier | None:
    """A whole query that is one ISBN typed with spaces ("978 0 19 852663 6"), perhaps after
    an explicit prefix ("isbn: 0 13 110016 5")."""
    spaced = _ISBN_PREFIX.sub("", text, count=1).strip()
    if _ISBN_CHARS.fullmatch(spaced) and " " in spaced and isbn_forms(spaced):
        return Identifier("isbn", isbn_forms(spaced), spaced)
    return None


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
