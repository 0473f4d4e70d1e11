"""Normalised match keys for one mapped record, computed once and compared many times.

`prepare(mapped)` folds the fields that dedup compares (title, first author, edition, identifiers)
into a small `MatchKeys`; `blocking_keys(mapped)` lists the keys under which a loader looks up
candidate duplicates. Both are on the indexing hot path, so they avoid regular expressions
where a `str` method does and take the ASCII fast path when they can.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Leading articles dropped from titles (English, French, German, Spanish, Italian, Dutch,
# Portuguese). Two libraries file the same title with or without them ("The lancet" vs "Lancet");
# dropping them costs nothing because both sides are treated alike.
ARTICLES = frozenset(
    "the a an le la les l un une der die das ein eine el los las il lo gli uno una de het een "
    "os".split()
)
# Only this much of the normalised title goes into the title key, so a long title that differs
# near its end still lands in the same block and is then judged by the similarity check.
TITLE_KEY_CHARS = 40

SERIAL_FORMATS = frozenset({"Journal", "E-journal"})

_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d")
_NUMBERS = re.compile(r"\d+")
_DIGIT_WORD = re.compile(r"\w*\d\w*")

_ORDINAL_WORDS = {
    # English
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    # French
    "premiere": 1,
    "premier": 1,
    "deuxieme": 2,
    "seconde": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "cinquieme": 5,
    "sixieme": 6,
    "septieme": 7,
    "huitieme": 8,
    "neuvieme": 9,
    "dixieme": 10,
    # German
    "erste": 1,
    "zweite": 2,
    "dritte": 3,
    "vierte": 4,
    "funfte": 5,
    "sechste": 6,
    "siebte": 7,
    "achte": 8,
    "neunte": 9,
    "zehnte": 10,
    # Spanish / Italian / Portuguese
    "primera": 1,
    "segunda": 2,
    "tercera": 3,
    "cuarta": 4,
    "quinta": 5,
    "prima": 1,
    "seconda": 2,
    "terza": 3,
    "quarta": 4,
}
# "2nd ed.", "2. Aufl.", "3e éd.", "2a ed.", "4th edition", "2nd rev. ed." once folded
# (punctuation gone: "2nd rev ed", "2 aufl").
_EDITION_NUMBER = re.compile(
    r"\b(\d{1,3})(?:st|nd|rd|th|e|er|re|eme|ere|a|o)? (?:\w+ ){0,2}?"
    r"(?:ed|edn|edition|editions|aufl|auflage|ausg|uitg|druk|edicion|edizione|edicao|izd|wyd|upl)\b"
)
_EDITION_WORDS = {
    "ed": "edition",
    "edn": "edition",
    "eds": "edition",
    "rev": "revised",
    "enl": "enlarged",
    "corr": "corrected",
    "augm": "augmented",
    "aufl": "auflage",
    "uberarb": "uberarbeitete",
    "ed.": "edition",
    "reimpr": "reimpression",
    "repr": "reprint",
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
}
# "Edition 3", "ed. 2" (number after the word).
_EDITION_NUMBER_AFTER = re.compile(r"\b(?:ed|edn|edition|aufl|auflage)\s*(\d{1,3})\b")


# Words that name no publisher in particular: libraries keep, drop and abbreviate them at will
# ("Wiley & Sons, Ltd." and "Wiley"; "[s.n.]", no name at all).
_PUBLISHER_NOISE = frozenset(
    "press pr publishing publishers publisher pub publ publications publication co company "
    "corp corporation inc incorporated ltd limited plc llc gmbh sons and the of for by s n sn "
    "verlag editions editorial group".split()
)

# ASCII punctuation (and '_') to spaces, for the common all-ASCII fast path of `fold`.
_ASCII_PUNCTUATION = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def fold(text: str) -> str:
    """Lower case, diacritics and punctuation removed, single spaces."""
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_PUNCTUATION).split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text.casefold()).strip()


def normalize_title(title: str | None) -> str:
    """The folded title without a leading article ('The Lancet.' -> 'lancet')."""
    words = fold(title or "").split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def publisher_words(publisher: str | None) -> tuple[str, ...]:
    """The words that tell a publisher from others ('Univ. of Chicago Pr.' -> univ chicago)."""
    if not publisher:
        return ()
    return tuple(w for w in fold(publisher).split() if w not in _PUBLISHER_NOISE)


def edition_number(edition: str | None) -> int | None:
    """The edition as a number ('2nd ed.', 'Second edition', '2. Aufl.' -> 2), or None."""
    if not edition:
        return None
    text = fold(edition)
    m = _EDITION_NUMBER.search(text) or _EDITION_NUMBER_AFTER.search(text)
    if m is not None:
        return int(m.group(1))
    for word in text.split():
        number = _ORDINAL_WORDS.get(word)
        if number is not None:
            return number
    return None


def part_signature(part: str) -> str:
    """A 245 $n/$p value compared by its numbers when it has any ('Vol. 2' and 'v. 2' -> '2')."""
    numbers = _NUMBERS.findall(part)
    if numbers:
        return " ".join(str(int(n)) for n in numbers)
    return fold(part)


def edition_text(edition: str | None) -> str:
    """An edition statement folded, with its usual abbreviations spelt out ('Rev. ed.')."""
    words = fold(edition or "").split()
    return " ".join(_EDITION_WORDS.get(w, w) for w in words)


def author_name(name: str) -> str:
    """A personal or corporate name folded, without dates ('Smith, John, 1950-' -> 'smith john')."""
    folded = fold(name)
    if _DIGITS.search(folded):
        folded = " ".join(_DIGIT_WORD.sub("", folded).split())
    return folded


def surname(name: str) -> str:
    """The first word of a folded name ('Smith, John, 1950-' -> 'smith').

    The first word, not the part before the comma: the comma before dates ('Nihon Keizai
    Shinbunsha, 1931-', 'Narayana Panditacarya, 13th cent') comes and goes between libraries.
    """
    folded = fold(name)
    return folded.split(" ", 1)[0] if folded else ""


def main_author(mapped: dict) -> str | None:
    """The name of the main entry (1XX), else of the first added entry, else None."""
    authors = mapped.get("authors") or ()
    for author in authors:
        if author.get("main") and author.get("name"):
            return author["name"]
    for author in authors:
        if author.get("name"):
            return author["name"]
    return None


def isbn13(digits: str) -> str | None:
    """An ISBN (10 or 13 digits, as mapped) in its ISBN-13 form; None when it is not one."""
    if len(digits) == 13 and digits.isdigit():
        return digits  # the usual case: the mapping already gives both forms
    d = digits.replace("-", "").strip().upper()
    if len(d) == 13 and d.isdigit():
        return d
    if len(d) == 10 and d[:9].isdigit():
        first12 = "978" + d[:9]
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
        return first12 + str((10 - total % 10) % 10)
    return None


def normalize_issn(raw: str) -> str | None:
    d = raw.replace("-", "").replace(" ", "").strip().upper()
    if len(d) != 8 or not d[:7].isdigit():
        return None
    return f"{d[:4]}-{d[4:]}"


def normalize_oclc(raw: str) -> str | None:
    d = raw.strip()
    for prefix in ("(OCoLC)", "ocm", "ocn", "on"):
        if d.startswith(prefix):
            d = d[len(prefix) :].strip()
    d = d.lstrip("0")
    return d if d.isdigit() else None


@dataclass(slots=True)
class MatchKeys:
    """What dedup compares of one record, already normalised. Treat as read-only.

    (Not `frozen=True`: a frozen dataclass pays an object.__setattr__ per field in __init__,
    a third of the cost of `prepare`.)
    """

    title: str  # normalised title (245 $a $n $p), subtitle excluded
    subtitle: str
    parts: tuple[str, ...]  # 245 $n $p values, see part_signature
    author: str  # main author, folded, no dates ('' when none)
    surname: str
    year: int | None
    format: str
    edition: int | None
    edition_text: str
    pages: int | None
    isbns: frozenset[str]  # ISBN-13 forms
    issns: frozenset[str]
    oclcs: frozenset[str]
    publisher: tuple[str, ...] = ()  # see publisher_words

    @property
    def title_key(self) -> str:
        return "t:" + "|".join(
            (self.title[:TITLE_KEY_CHARS], self.surname, str(self.year or ""), self.format)
        )


def _set(values, normalize) -> frozenset[str]:
    if not values:
        return frozenset()
    return frozenset(n for n in map(normalize, values) if n)


def prepare(mapped: dict) -> MatchKeys:
    """Normalise the fields of a mapped record that matching compares (once per record)."""
    name = main_author(mapped)
    author = author_name(name) if name else ""
    edition = mapped.get("edition")
    parts = mapped.get("title_parts")
    return MatchKeys(
        normalize_title(mapped.get("title")),
        fold(mapped.get("subtitle") or ""),
        tuple(p for p in map(part_signature, parts) if p) if parts else (),
        author,
        # The first word of the name: see `surname` (dates never come first).
        author.split(" ", 1)[0] if author else "",
        mapped.get("year"),
        mapped.get("format") or "Other",
        edition_number(edition) if edition else None,
        edition_text(edition) if edition else "",
        mapped.get("pages"),
        _set(mapped.get("isbn"), isbn13),
        _set(mapped.get("issn"), normalize_issn),
        _set(mapped.get("oclc"), normalize_oclc),
        publisher_words(mapped.get("publisher")),
    )


def keys_of(keys: MatchKeys) -> set[str]:
    """Blocking keys of prepared keys (see `blocking_keys`)."""
    out = {"isbn:" + i for i in keys.isbns} if keys.isbns else set()
    if keys.issns:
        out.update("issn:" + i for i in keys.issns)
    if keys.oclcs:
        out.update("oclc:" + i for i in keys.oclcs)
    if keys.title:
        title = keys.title[:TITLE_KEY_CHARS]
        year = str(keys.year) if keys.year else ""
        out.add(f"t:{title}|{keys.surname}|{year}|{keys.format}")
        # Without an author a title alone ("Annual report") is too common to block other
        # formats on; those records still meet their other formats through shared identifiers.
        if keys.surname:
            out.add(f"w:{title}|{keys.surname}")
    return out


def blocking_keys(mapped: dict | MatchKeys) -> set[str]:
    """Every key under which a record's candidate duplicates (and other formats) are found.

    'isbn:<13 digits>', 'issn:<NNNN-NNNC>', 'oclc:<number>', 't:<title>|<surname>|<year>|<format>'
    and 'w:<title>|<surname>' (the last only finds other formats to link, never merges).
    """
    return keys_of(mapped if isinstance(mapped, MatchKeys) else prepare(mapped))
