"""What the query parser tells the reader: how a query was read where that differs from what
was typed (notes), and the syntax it ignored and why (ignored). Sentences, ready to show."""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_WILDCARD_CHARS = 2  # "a*" would walk most of the term dictionary
MAX_CLAUSES = 32
MAX_WILDCARDS = 4
MAX_SHOWN = 40  # characters of a typed fragment quoted back in a message

NOTHING_LEFT = "Nothing was left to search for, so every record is shown."
NOTHING_SEARCHABLE = "Your search has no letters or digits in it, so nothing could be looked for."
EMPTY_QUOTES = "The empty quote marks were ignored."
LONE_QUOTE = 'The unmatched quote mark (\u201c"\u201d) was ignored.'
LONE_MINUS = (
    "A \u201c-\u201d leaves out the word straight after it (-word); on its own it was ignored."
)
LONE_OR = "\u201cOR\u201d needs a word on each side, so it was ignored."
LONE_NOT = "\u201cNOT\u201d needs a word after it, so it was ignored."
UNMATCHED_BRACKET = "The unmatched bracket was ignored."


def shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "\u2026"


def empty_field(name: str) -> str:
    return f"There was nothing after \u201c{name}:\u201d, so it was ignored."


def not_a_heading(text: str, vocabulary: bool) -> str:
    if not vocabulary:
        return (
            f"No MeSH vocabulary is imported, so \u201cmesh:{shown(text)}\u201d was searched as"
            " words of the subject headings."
        )
    return (
        f"\u201c{shown(text)}\u201d is not a MeSH heading or entry term, so it was searched as"
        " words of the subject headings."
    )


def open_phrase(text: str) -> str:
    return (
        f"The quote mark before \u201c{shown(text)}\u201d has no closing mark, so the words "
        "after it were searched as one phrase."
    )


def unknown_field(name: str, known: tuple[str, ...]) -> str:
    """ "titel:" is not a field: it was searched as a word (and the nearest field named)."""
    message = f"\u201c{shown(name)}:\u201d is not a field we know, so it was searched as a word."
    near = nearest_field(name, known)
    if near:
        message += f" To search one field, use \u201c{near}:\u201d."
    return message


def nearest_field(name: str, known: tuple[str, ...]) -> str | None:
    """The known field name one or two edits from `name` ("titel" -> "title"), if any."""
    name = name.lower()
    best = min(known, key=lambda f: _distance(name, f))
    return best if _distance(name, best) <= (1 if len(name) < 5 else 2) else None


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (field names are short)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def notes(too_short: list[str], too_many: list[str], cut: bool) -> tuple[str, ...]:
    """How the query was read where that differs from what was typed."""
    out = []
    if too_short:
        out.append(
            f"A * needs at least {MIN_WILDCARD_CHARS} letters or digits before it: "
            f"{_as_whole_words(too_short)}."
        )
    if too_many:
        out.append(
            f"Only the first {MAX_WILDCARDS} words ending in * find the words they "
            f"begin: {_as_whole_words(too_many)}."
        )
    if cut:
        out.append(f"Only the first {MAX_CLAUSES} words of your search were used.")
    return tuple(out)


def _as_whole_words(words: list[str]) -> str:
    """“a*” was searched as a whole word / “a*”, “b*” were searched as whole words."""
    unique = list(dict.fromkeys(words))
    if len(unique) == 1:
        return f"“{unique[0]}” was searched as a whole word"
    listed = ", ".join(f"“{w}”" for w in unique[:10])
    if len(unique) > 10:
        listed += f" and {len(unique) - 10} more"
    return f"{listed} were searched as whole words"


@dataclass
class Reading:
    """What the parser ignored and why, as it goes; `fields`: the field names it knows."""

    fields: tuple[str, ...]
    ignored: list[str] = field(default_factory=list)
    field_fixes: list[tuple[str, str]] = field(default_factory=list)  # ("titel", "title")

    def unknown_field(self, name: str) -> None:
        self.ignored.append(unknown_field(name, self.fields))
        near = nearest_field(name, self.fields)
        if near:
            self.field_fixes.append((name, near))

    def dropped(self, token) -> None:
        """A token (querylang's) that gave nothing to search for: say why, when it was syntax."""
        text = token.text.strip()
        if token.quoted:
            self.ignored.append(LONE_QUOTE if token.open else EMPTY_QUOTES)
        elif text == "-":
            self.ignored.append(LONE_MINUS)
        elif token.field and not text:
            self.ignored.append(empty_field(token.field))
