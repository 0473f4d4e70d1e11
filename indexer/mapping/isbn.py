"""ISBN and ISSN from the messy text of 020 and 022 fields: our own extraction of the number
(qualifiers such as "(pbk.)" stripped), python-stdnum's check digits, conversions and hyphens.

The stored forms, which merging and searching compare, are bare: ISBN-13 digits and ISSN
`NNNN-NNNC`. Hyphens in an ISBN are for people (`hyphenated`), by the ISBN agency's ranges.
"""

from __future__ import annotations

import functools
import re

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

# The number is the first run of digits, hyphens, spaces and X; whatever follows ("(pbk.)",
# ": $9.99", "pbk.") is a qualifier. A run glued to letters ("4980858214bbd") stays glued
# and so fails the length check, as it should: we cannot tell where the number ends.
_ISBN_RUN = re.compile(r"^\s*\(?\s*([0-9][0-9Xx\- ]*[0-9Xx])")
# "0440487331pbk." and "(0373197527pbk.)": a known qualifier word glued to the number.
_GLUED_QUALIFIER = re.compile(r"(?i)(?<=[0-9Xx])(pbk|hbk|alk|v\.|set|ebk)")
_ISSN = re.compile(r"^\s*([0-9]{4})\s*-?\s*([0-9]{3}[0-9Xx])\b")


def isbn_candidate(raw: str) -> str | None:
    """The bare number at the start of an 020 value, or None when none is there."""
    m = _ISBN_RUN.match(raw)
    if m is None:
        return None
    tail = raw[m.end() :]
    if tail[:1].isalnum():
        return None  # "0440487331pbk." is fine below; "4980858214bbd" is not a number
    return m.group(1).replace("-", "").replace(" ", "").upper()


# The same ISBN is checked by several rules of a record, and again in every library that
# holds the title: a bounded cache makes the repeats free.
@functools.lru_cache(maxsize=1 << 16)
def normalize_isbn(raw: str) -> str | None:
    """The ISBN-13 for a raw 020 value, or None when it is not a valid ISBN."""
    digits = isbn_candidate(_GLUED_QUALIFIER.sub(r" \1", raw, count=1))
    # stdnum reads 9 digits as an SBN (ISBN-10 without its leading 0): not in an 020
    if digits is None or len(digits) not in (10, 13) or not stdnum_isbn.is_valid(digits):
        return None
    return stdnum_isbn.to_isbn13(digits)


def isbn10_to_13(isbn10: str) -> str:
    return stdnum_isbn.to_isbn13(isbn10)


@functools.lru_cache(maxsize=1 << 16)
def isbn13_to_10(isbn13: str) -> str | None:
    """The ISBN-10 form, which only exists for the 978 prefix."""
    if not isbn13.startswith("978"):
        return None
    return stdnum_isbn.to_isbn10(isbn13)


def hyphenated(isbn: str) -> str:
    """An ISBN as people read it (`978-0-19-874654-6`), hyphenated by the ISBN agency's ranges;
    as it is when it is not a valid ISBN."""
    if len(isbn) not in (10, 13) or not stdnum_isbn.is_valid(isbn):
        return isbn
    return stdnum_isbn.format(isbn)


def split_isbns(raw_values: list[str]) -> tuple[list[str], list[str]]:
    """(valid ISBN-13s in record order without repeats, raw values that failed validation)."""
    valid, invalid = _split_isbns(tuple(raw_values))
    return list(valid), list(invalid)


# Several rules (isbn, isbn_display, isbn_invalid) validate the same 020 values one after the
# other; the cache makes that one validation per record.
@functools.lru_cache(maxsize=256)
def _split_isbns(raw_values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    valid: list[str] = []
    invalid: list[str] = []
    for raw in raw_values:
        raw = raw.strip()
        if not raw:
            continue
        isbn13 = normalize_isbn(raw)
        if isbn13 is None:
            invalid.append(raw)
        elif isbn13 not in valid:
            valid.append(isbn13)
    return tuple(valid), tuple(invalid)


def normalize_issn(raw: str) -> str | None:
    """NNNN-NNNC when `raw` starts with an ISSN whose check digit is right, else None."""
    m = _ISSN.match(raw)
    if m is None:
        return None
    digits = (m.group(1) + m.group(2)).upper()
    return stdnum_issn.format(digits) if stdnum_issn.is_valid(digits) else None
