"""Call numbers as they sort on a shelf: a sort key per classification scheme.

A call number sorts by its parts, not its characters: "WG 120" before "WG 1000", "616.12"
before "616.2", "QA76 .P98" before "QA76.73". `shelf_key` turns a call number into a string that
sorts as the shelf does, for the scheme it belongs to:

  nlm    NLM classification (W, WA-WZ, QS-QZ): letters, a class number, cutters, a year
  lc     Library of Congress: the same shape, one to three letters
  dewey  Dewey Decimal: three digits, a decimal fraction, then a cutter or letters
  local  anything else: words and numbers, each number compared by its value

Keys are plain strings: a letter class is padded with spaces to three, a class number's whole
part with zeros to five, its fraction and the cutters' digits compared digit by digit (as the
decimals they are), and parts are separated by a space, which sorts before every letter and
digit (so "QA76" shelves before "QA76.73", and "616" before "616.1").
"""

from __future__ import annotations

import re

SCHEMES = ("nlm", "lc", "dewey", "local")
_NLM_LETTERS = re.compile(r"^(W[A-Z]?|Q[S-Z])(?=\s*\d)")
_LETTERS_NUMBER = re.compile(r"^([A-Z]{1,3})\s*(\d+)(?:\.(\d+))?\s*(.*)$")
_DEWEY = re.compile(r"^(\d{3})(?:\.(\d+))?\s*(.*)$")
_CUTTER = re.compile(r"\.?\s*([A-Z])(\d+)")
_NUMBER = re.compile(r"\d+")


def scheme_of(call_number: str) -> str:
    """The scheme a call number looks like it belongs to."""
    text = _plain(call_number)
    if _DEWEY.match(text):
        return "dewey"
    if _NLM_LETTERS.match(text):
        return "nlm"
    found = _LETTERS_NUMBER.match(text)
    if found and _lc_letters(found.group(1)):
        return "lc"
    return "local"


def _lc_letters(letters: str) -> bool:
    """Whether letters can begin an LC class: never I, O, W (NLM's), X or Y; three letters
    only in D and K (DAW, KBM)."""
    return letters[0] not in "IOWXY" and (len(letters) < 3 or letters[0] in "DK")


def shelf_key(call_number: str, scheme: str | None = None) -> str:
    """A string that sorts as `call_number` stands on a shelf of `scheme` (guessed if None).
    A call number that does not fit its scheme sorts as a local one, after the scheme's own."""
    text = _plain(call_number)
    scheme = scheme or scheme_of(text)
    if scheme in ("nlm", "lc"):
        found = _LETTERS_NUMBER.match(text)
        if found:
            letters, whole, fraction, rest = found.groups()
            return f"{letters:<3}{int(whole):05d}{fraction or ''} {_rest_key(rest)}".rstrip()
    elif scheme == "dewey":
        found = _DEWEY.match(text)
        if found:
            whole, fraction, rest = found.groups()
            return f"{whole}{fraction or ''} {_rest_key(rest)}".rstrip()
    elif scheme != "local":
        raise ValueError(f"unknown shelf scheme {scheme!r} (known: {', '.join(SCHEMES)})")
    return "~ " + _natural(text)  # after every key of the scheme's own shape


def _rest_key(rest: str) -> str:
    """Cutters (".P98 L86": a letter and a decimal fraction each), then what follows (a year,
    a volume, a copy), its numbers by value."""
    parts = []
    while True:
        cutter = _CUTTER.match(rest)
        if not cutter:
            break
        parts.append(cutter.group(1) + cutter.group(2))
        rest = rest[cutter.end() :].lstrip()
    if rest:
        parts.append(_natural(rest))
    return " ".join(parts)


def _natural(text: str) -> str:
    """Words as they are (upper case), numbers padded so that 9 sorts before 10."""
    return _NUMBER.sub(lambda m: f"{int(m.group()):010d}", " ".join(text.split()))


def _plain(call_number: str) -> str:
    return " ".join(call_number.upper().split())
