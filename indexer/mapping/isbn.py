"""ISBN and ISSN checking and conversion (check digits validated; qualifiers stripped)."""

from __future__ import annotations

import functools
import re

# The number is the first run of digits, hyphens, spaces and X; whatever follows ("(pbk.)",
# ": $9.99", "pbk.") is a qualifier. A run glued to letters ("4980858214bbd") stays glued
# and so fails the length check, as it should: we cannot tell where the number ends.
_ISBN_RUN = re.compile(r"^\s*\(?\s*([0-9][0-9Xx\- ]*[0-9Xx])")
# "0440487331pbk." and "(0373197527pbk.)": a known qualifier word glued to the number.
_GLUED_QUALIFIER = re.compile(r"(?i)(?<=[0-9Xx])(pbk|hbk|alk|v\.|set|ebk)")
_ISSN = re.compile(r"^\s*([0-9]{4})\s*-?\s*([0-9]{3}[0-9Xx])\b")


def _isbn10_ok(digits: str) -> bool:
    if len(digits) != 10 or not digits[:9].isdigit() or digits[9] not in "0123456789X":
        return False
    total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
    total += 10 if digits[9] == "X" else int(digits[9])
    return total % 11 == 0


def _isbn13_ok(digits: str) -> bool:
    if len(digits) != 13 or not digits.isdigit() or digits[:3] not in ("978", "979"):
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return total % 10 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_check(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


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
    if digits is None:
        return None
    if _isbn13_ok(digits):
        return digits
    if _isbn10_ok(digits):
        return isbn10_to_13(digits)
    return None


def isbn10_to_13(isbn10: str) -> str:
    first12 = "978" + isbn10[:9]
    return first12 + _isbn13_check(first12)


@functools.lru_cache(maxsize=1 << 16)
def isbn13_to_10(isbn13: str) -> str | None:
    """The ISBN-10 form, which only exists for the 978 prefix."""
    if not isbn13.startswith("978"):
        return None
    first9 = isbn13[3:12]
    return first9 + _isbn10_check(first9)


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
    total = sum((8 - i) * int(d) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    if digits[7] != ("X" if check == 10 else str(check)):
        return None
    return f"{digits[:4]}-{digits[4:]}"
