"""Characters no output of a record can carry, taken out once, as a record is mapped.

XML 1.0 forbids the C0 controls other than tab, line feed and carriage return, lone surrogates
(left by a bad decode) and U+FFFE/U+FFFF. Real exports carry them: a stray ESC or 0x01 in a
260 $b, NUL padding, a KBART title pasted from a spreadsheet. Taken out of the mapped record
and its holdings before they are stored, they reach no page, API answer, citation, MARCXML
export or feed. Tab, line feed and carriage return stay: XML allows them, and the mapping
steps and every output that needs one line already fold them into spaces.
"""

from __future__ import annotations

import re

FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# How orjson writes a forbidden character (\u0001, \b, \f; U+FFFE/U+FFFF as UTF-8). A match may
# also be an escaped backslash before "u00", "b" or "f": then the record is checked for nothing.
_SIGNS = (b"\\u00", b"\\b", b"\\f", b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def may_hold_controls(data: bytes) -> bool:
    """Whether orjson's JSON of a record might hold a forbidden character (cheap: most don't)."""
    return any(sign in data for sign in _SIGNS)


def without_controls(value):
    """`value` (text, or lists and dicts of it) without the characters XML 1.0 forbids."""
    if isinstance(value, str):
        return FORBIDDEN.sub("", value) if FORBIDDEN.search(value) else value
    if isinstance(value, list):
        return [without_controls(v) for v in value]
    if isinstance(value, dict):
        return {k: without_controls(v) for k, v in value.items()}
    return value
