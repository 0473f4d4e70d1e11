"""Write ISO 2709 (MARC 21 transmission format) records straight to bytes, in UTF-8 or MARC-8.

The generator builds fields as text and only turns them into bytes here: building pymarc Records
for a million records would cost minutes, and the leader/directory arithmetic is simple.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

FIELD_TERMINATOR = "\x1e"
SUBFIELD_DELIMITER = "\x1f"
RECORD_TERMINATOR = b"\x1d"
MAX_RECORD_LENGTH = 99999

# A field as the generator holds it: tag plus the text between the directory and the terminator
# (control-field data, or indicators followed by delimiter+code+value runs).
Field = tuple[str, str]


def control_field(tag: str, value: str) -> Field:
    return (tag, value)


def data_field(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    return (tag, indicators + "".join([f"\x1f{code}{value}" for code, value in subfields]))


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


def encoder_for(marc8: bool) -> Callable[[str], bytes]:
    # str.encode defaults to UTF-8; calling it unbound skips a Python-level wrapper per field.
    return encode_marc8 if marc8 else str.encode


def record_bytes(leader: str, fields: Sequence[Field], encode: Callable[[str], bytes]) -> bytes:
    """One ISO 2709 record. `leader` is 24 characters; its length (00-04) and base address of
    data (12-16) are filled in here. Leader/09 must already match `encode` (blank = MARC-8)."""
    if len(leader) != 24:
        raise ValueError(f"leader must be 24 characters, got {len(leader)}")
    directory = []
    bodies = []
    offset = 0
    for tag, text in fields:
        body = encode(text + FIELD_TERMINATOR)
        directory.append(f"{tag}{len(body):04d}{offset:05d}")
        bodies.append(body)
        offset += len(body)
    base = 24 + 12 * len(fields) + 1
    total = base + offset + 1
    if total > MAX_RECORD_LENGTH:
        raise ValueError(f"record of {total} bytes exceeds the ISO 2709 limit")
    head = f"{total:05d}{leader[5:12]}{base:05d}{leader[17:]}{''.join(directory)}"
    return (head + FIELD_TERMINATOR).encode("ascii") + b"".join(bodies) + RECORD_TERMINATOR
