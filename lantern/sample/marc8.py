"""MARC-8 for the sample consortium's one library that still exports it: enough of ANSEL (the
default G1 set) for the letters and marks our word lists use. A letter outside the table is an
error, not a silent substitution (a word list gained a new letter: add it here).
"""

from __future__ import annotations

import unicodedata

# MARC-8 (ANSEL, the default G1 set) for the letters and marks our word lists use. Combining
# diacritics come BEFORE the base letter in MARC-8, the reverse of Unicode's order.
MARC8_COMBINING = {
    "\u0300": 0xE1,  # grave
    "\u0301": 0xE2,  # acute
    "\u0302": 0xE3,  # circumflex
    "\u0303": 0xE4,  # tilde
    "\u0304": 0xE5,  # macron
    "\u0306": 0xE6,  # breve
    "\u0307": 0xE7,  # dot above
    "\u0308": 0xE8,  # umlaut / diaeresis
    "\u030c": 0xE9,  # caron (hacek)
    "\u030a": 0xEA,  # ring above
    "\u030b": 0xEE,  # double acute
    "\u0327": 0xF0,  # cedilla
    "\u0328": 0xF1,  # ogonek
    "\u0323": 0xF2,  # dot below
}
MARC8_SPACING = {
    "Ł": 0xA1,
    "Ø": 0xA2,
    "Đ": 0xA3,
    "Þ": 0xA4,
    "Æ": 0xA5,
    "Œ": 0xA6,
    "ł": 0xB1,
    "ø": 0xB2,
    "đ": 0xB3,
    "þ": 0xB4,
    "æ": 0xB5,
    "œ": 0xB6,
    "ı": 0xB8,
    "£": 0xB9,
    "ð": 0xBA,
    "°": 0xC0,
    "©": 0xC3,
    "ß": 0xC7,
    "€": 0xC8,
}


class Marc8EncodingError(ValueError):
    """A character has no MARC-8 form in our table (a word list gained a new letter)."""


def encode_marc8(text: str) -> bytes:
    """Encode `text` in MARC-8, moving each combining mark in front of the letter it sits on."""
    if text.isascii():
        return text.encode("ascii")
    out = bytearray()
    pending_base: str | None = None
    marks = bytearray()
    for char in unicodedata.normalize("NFD", text):
        mark = MARC8_COMBINING.get(char)
        if mark is not None and pending_base is not None:
            marks.append(mark)
            continue
        if pending_base is not None:
            out += marks
            out += _marc8_base(pending_base)
            marks.clear()
        pending_base = char
    if pending_base is not None:
        out += marks
        out += _marc8_base(pending_base)
    return bytes(out)


def _marc8_base(char: str) -> bytes:
    if char.isascii():
        return char.encode("ascii")
    code = MARC8_SPACING.get(char)
    if code is None:
        raise Marc8EncodingError(f"no MARC-8 form for {char!r} (U+{ord(char):04X})")
    return bytes((code,))
