"""Small text clean-ups shared by steps and macros (ISBD punctuation, sort keys)."""

from __future__ import annotations

import functools
import re
import string
import unicodedata

_ISBD_CHARS = " /:;,=\t\n"
# A final period ends an abbreviation or initial ("Smith, J.") unless it follows a word of
# three or more characters ("surgery.", "1980.") or a closing bracket, where it is ISBD
# punctuation. (Checked with slices, not a regex: this runs for nearly every value.)
_CLOSERS = (")", "]", " ")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")


# Subdivisions, places and publishers repeat across a catalogue ("History.", "London :"), so a
# bounded cache saves most of the work on the hot path.
@functools.lru_cache(maxsize=1 << 16)
def trim_punctuation(value: str) -> str:
    """Remove the ISBD punctuation cataloguers leave at the ends of subfields."""
    # Hot path: most values need only an rstrip, so the regular expressions run only when a
    # value has runs of whitespace or ends in a period.
    s = value
    if s[:1].isalnum() and s[-1:].isalnum() and "  " not in s and "\n" not in s and "\t" not in s:
        return s
    if "  " in s or "\n" in s or "\t" in s:
        s = _SPACES.sub(" ", s)
    s = s.strip().rstrip(_ISBD_CHARS)
    if (
        s.endswith(".")
        and (s[-2:-1] in _CLOSERS or (len(s) > 3 and s[-4:-1].isalnum()))
        and not s.endswith("etc.")  # "Handbooks, manuals, etc." is the heading's own form
    ):
        s = s[:-1].rstrip(_ISBD_CHARS)
    if s[:1] in _ISBD_CHARS:
        s = s.lstrip(_ISBD_CHARS)
    # An unmatched bracket at either end is left over from a bracketed span split across subfields.
    if s.startswith("[") and "]" not in s:
        s = s[1:]
    if s.endswith("]") and "[" not in s:
        s = s[:-1]
    return s.strip()


def fold(value: str) -> str:
    """Lower case without diacritics, for sort keys and comparisons."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_ASCII_PUNCTUATION_TO_SPACE = str.maketrans({c: " " for c in string.punctuation if c != "_"})


def sort_key(value: str) -> str:
    """Lower case, no diacritics, punctuation removed, single spaces."""
    folded = fold(value)
    if folded.isascii():
        return " ".join(folded.translate(_ASCII_PUNCTUATION_TO_SPACE).split())
    return " ".join(_NON_WORD.sub(" ", folded).split())
