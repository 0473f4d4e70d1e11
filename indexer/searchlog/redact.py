"""What a search log keeps of a reader's words: the query folded to one form, and anything that
looks like personal data replaced by a marker before it is stored.

Readers type into a search box what they would never write in a form: their own e-mail address
(copied from a message), a phone number, a patient's NHS number. None of it may reach the log.
The rules work on the normalised text (lower case, accents folded, one space between words).
"""

from __future__ import annotations

import re
import unicodedata

from indexer.normalise import fold

REDACTED = "[redacted]"

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+")
# Ten characters written as an ISBN-10 or an NHS number: 3-3-4 groups, ISBN hyphenation, or bare.
_TEN = re.compile(r"(?<![\w.])\d(?:[ -]?\d){8}[ -]?[\dx](?![\w])")
_ISBN13 = re.compile(r"(?<![\w.])97[89](?:[ -]?\d){10}(?![\w])")
# UK telephone numbers: +44 or 0044 then 9 or 10 digits (an optional "(0)"), or a national
# number of 10 or 11 digits from 0 (07700 900123, 01632 960123, (020) 7946 0018).
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)44[ -]?(?:\(0\)[ -]?)?\d(?:[ -]?\d){8,9}(?![\w])")
_PHONE_NATIONAL = re.compile(r"(?<![\w])\(?0\d(?:\)?[ -]?\d){8,9}(?![\w])")
# Written as an ISBN: after the isbn: field prefix or the word ISBN.
_ISBN_CONTEXT = re.compile(r"isbn(?:-?1[03])?\s*[:=]?\s*$")
_SPACES = re.compile(r"\s+")
_KEPT_OPEN = "\ue000"
_KEPT_BASE = 0xE100


def normalise_query(text: str) -> str:
    """Lower case, accents folded, compatibility forms (full-width digits) made plain, runs of
    white space made one space."""
    return _SPACES.sub(" ", fold(unicodedata.normalize("NFKC", text))).strip()


def mod11_valid(digits: str) -> bool:
    """The check shared by ISBN-10 and the NHS number: weights 10..1 (X = 10) sum to 0 mod 11."""
    values = [10 if c == "x" else int(c) for c in digits.lower()]
    return len(values) == 10 and sum(v * (10 - i) for i, v in enumerate(values)) % 11 == 0


def _isbn13_valid(digits: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return len(digits) == 13 and total % 10 == 0


def _written_as_isbn(text: str, match: re.Match) -> bool:
    """Whether a ten-character number that passes the mod-11 check is kept as an ISBN-10.

    ISBN-10 and the NHS number use the SAME check (weights 10..2 on the first nine digits, and
    the total with the check digit divisible by 11), so every all-digit valid ISBN-10 is also a
    valid NHS number and the digits alone cannot tell them apart. We keep it only when it is
    written as an ISBN: ending in X (never an NHS number), after "isbn" or the isbn: field, or
    hyphenated the way ISBNs are (groups other than the NHS's 3-3-4). Bare or 3-3-4 numbers are
    redacted: a patient's NHS number in the log is a data breach, an ISBN-10 lost from it is a
    lost statistic (the search itself ran as typed), and ISBN-13s are kept in every form.
    """
    raw = match.group()
    if raw[-1] == "x":
        return True
    if _ISBN_CONTEXT.search(text[: match.start()]):
        return True
    groups = [len(g) for g in re.split(r"[ -]", raw)]
    return "-" in raw and " " not in raw and groups != [3, 3, 4]


def redact(text: str) -> str:
    """`text` (normalised) with e-mail addresses, UK phone numbers and NHS numbers replaced by
    REDACTED; valid ISBN-13s, and ISBN-10s written as ISBNs, are kept."""
    kept: list[str] = []

    def keep(value: str) -> str:
        # Stand in a private-use character for a kept ISBN, so no later rule sees its digits.
        kept.append(value)
        return _KEPT_OPEN + chr(_KEPT_BASE + len(kept) - 1)

    def ten(m: re.Match) -> str:
        if not mod11_valid(re.sub(r"[ -]", "", m.group())):
            return m.group()  # neither an ISBN-10 nor an NHS number (a phone rule may apply)
        return keep(m.group()) if _written_as_isbn(m.string, m) else REDACTED

    text = _EMAIL.sub(REDACTED, text.replace(_KEPT_OPEN, ""))
    text = _ISBN13.sub(
        lambda m: keep(m.group()) if _isbn13_valid(re.sub(r"\D", "", m.group())) else m.group(),
        text,
    )
    text = _TEN.sub(ten, text)
    text = _PHONE_INTL.sub(REDACTED, text)
    text = _PHONE_NATIONAL.sub(REDACTED, text)
    return re.sub(_KEPT_OPEN + "(.)", lambda m: kept[ord(m.group(1)) - _KEPT_BASE], text)


def clean_query(text: str) -> str:
    """The form a query is logged in: normalised, then redacted."""
    return redact(normalise_query(text))
