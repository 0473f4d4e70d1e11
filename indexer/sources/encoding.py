"""Turning the bytes of ISO 2709 fields into Unicode (NFC), in UTF-8 or MARC-8.

Leader/09 says which character set a record uses ('a' = UTF-8, blank = MARC-8), but exports lie
in both directions. The rules, in order:
- an explicit override (`"utf-8"` / `"marc-8"`) wins;
- pure ASCII needs no decision (it reads the same in both);
- leader says UTF-8 and the bytes are valid UTF-8: UTF-8. Invalid bytes that look like MARC-8
  (escape sequences, ANSEL diacritics before their base letter, no valid UTF-8 sequence at all)
  are converted as MARC-8; anything else is decoded with U+FFFD replacement characters;
- leader says MARC-8 but the bytes are valid UTF-8 with non-ASCII characters and no MARC-8
  escapes: UTF-8 (real MARC-8 text is practically never valid UTF-8; mislabelled UTF-8 is common);
- otherwise MARC-8, converted with pymarc's converter.
Each surprise becomes a warning on the record, never a rejection.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata

from pymarc import marc8_mapping
from pymarc.marc8 import MARC8ToUnicode

UTF8 = "utf-8"
MARC8 = "marc-8"

_ENCODING_NAMES = {
    "utf-8": UTF8,
    "utf8": UTF8,
    "unicode": UTF8,
    "marc-8": MARC8,
    "marc8": MARC8,
}

# ESC followed by a character-set designator (G0/G1 sets or the single-byte shortcuts b g p s).
_MARC8_ESCAPE = re.compile(rb"\x1b[()$,\-bgps]")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# An ANSEL combining mark must precede a base character, never a space, delimiter or the end.
_DANGLING_COMBINING = re.compile(rb"[\xe0-\xfe](?:[\x00-\x20]|\Z)")
_NOT_ANSEL = re.compile(
    b"[^\\x00-\\x7f" + b"".join(re.escape(bytes([c])) for c in marc8_mapping.CODESETS[0x45]) + b"]"
)


def encoding_override(name: str | None) -> str | None:
    """Normalise a caller's encoding argument; None or "auto" means "follow leader/09"."""
    if name is None or name.lower() == "auto":
        return None
    try:
        return _ENCODING_NAMES[name.lower()]
    except KeyError:
        allowed = "'utf-8', 'marc-8' or None"
        raise ValueError(f"unknown MARC encoding {name!r} (use {allowed})") from None


def looks_like_marc8(data: bytes) -> bool:
    """True when bytes that are not valid UTF-8 read plausibly as MARC-8."""
    if _MARC8_ESCAPE.search(data):
        return True
    if _UTF8_MULTIBYTE.search(data):
        return False  # some real UTF-8 in there: the bad bytes are damage, not another charset
    return not _NOT_ANSEL.search(data) and not _DANGLING_COMBINING.search(data)


def decode_fields(
    chunks: list[bytes], tags: list[str], leader9: str, override: str | None
) -> tuple[list[str], list[str]]:
    """Decode field bytes (without terminators) to NFC strings, with warnings for surprises."""
    if override == MARC8:
        return _marc8(chunks, tags, [])
    if override == UTF8:
        return _utf8_lenient(chunks, tags, [])
    data = b"\x1e".join(chunks)
    escaped = _MARC8_ESCAPE.search(data) is not None
    if not escaped and data.isascii():
        return [c.decode("ascii") for c in chunks], []
    if leader9 == "a":
        if not escaped:
            try:
                return [_nfc(c.decode("utf-8")) for c in chunks], []
            except UnicodeDecodeError:
                pass
        if escaped or looks_like_marc8(data):
            return _marc8(chunks, tags, ["leader/09 says UTF-8 but the data is MARC-8; converted"])
        return _utf8_lenient(chunks, tags, [])
    if not escaped:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            note = f"leader/09 is {leader9!r} (MARC-8) but the data is UTF-8; decoded as UTF-8"
            return [_nfc(c.decode("utf-8")) for c in chunks], [note]
    return _marc8(chunks, tags, [])


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _utf8_lenient(
    chunks: list[bytes], tags: list[str], warnings: list[str]
) -> tuple[list[str], list[str]]:
    out = []
    bad_tags = []
    for chunk, tag in zip(chunks, tags, strict=True):
        try:
            out.append(_nfc(chunk.decode("utf-8")))
        except UnicodeDecodeError:
            out.append(_nfc(chunk.decode("utf-8", "replace")))
            bad_tags.append(tag)
    if bad_tags:
        warnings.append(f"invalid UTF-8 replaced with U+FFFD in {_tag_list(bad_tags)}")
    return out, warnings


def _marc8(
    chunks: list[bytes], tags: list[str], warnings: list[str]
) -> tuple[list[str], list[str]]:
    out = []
    bad_tags = []
    for chunk, tag in zip(chunks, tags, strict=True):
        if chunk.isascii() and b"\x1b" not in chunk:
            out.append(chunk.decode("ascii"))
            continue
        text, clean = _marc8_field(chunk)
        out.append(text)
        if not clean:
            bad_tags.append(tag)
    if bad_tags:
        warnings.append(f"invalid MARC-8 in {_tag_list(bad_tags)}; read as Latin-1")
    return out, warnings


def _marc8_field(chunk: bytes) -> tuple[str, bool]:
    if b"\x1b" not in chunk:
        return _marc8_default_sets(chunk), True
    return _marc8_with_escapes(chunk)


# Without escape sequences MARC-8 is ASCII plus ANSEL above 0x7F. Only the non-ASCII runs (with
# the base character a combining mark precedes) need pymarc's slow per-byte converter; the
# result is the same as converting the whole text, with far fewer Python steps.
_ANSEL_RUN = re.compile(rb"[\x7f-\xff][\x00-\x1e\x7f-\xff]*[\x20-\x7e]?")
# The converter drops C0 controls; the subfield delimiter (0x1F) is structure and stays.
_DROPPED_CONTROLS = bytes(range(0x1F))
_DEFAULT_SETS = MARC8ToUnicode(quiet=True)  # never sees an escape, so its state never changes


def _marc8_default_sets(chunk: bytes) -> str:
    parts = []
    last = 0
    translate = _DEFAULT_SETS.translate
    for run in _ANSEL_RUN.finditer(chunk):
        parts.append(chunk[last : run.start()].translate(None, _DROPPED_CONTROLS).decode("ascii"))
        parts.append(translate(run.group()))
        last = run.end()
    parts.append(chunk[last:].translate(None, _DROPPED_CONTROLS).decode("ascii"))
    return unicodedata.normalize("NFC", "".join(parts))


def _marc8_with_escapes(chunk: bytes) -> tuple[str, bool]:
    """One field's MARC-8 bytes as an NFC string; False when some of it was not valid MARC-8.

    Character-set escapes stay in force across subfields of a field (as in marc4j and yaz), so
    one converter is used per field; the converter drops control characters, hence the split
    on the subfield delimiter first.
    """
    converter = MARC8ToUnicode(quiet=True)
    parts = chunk.split(b"\x1f")
    clean = True
    texts = []
    for number, part in enumerate(parts):
        # Subfield codes are ASCII; translate only the value after the code.
        head, body = (b"", part) if number == 0 else (part[:1], part[1:])
        try:
            if b"\x1b$" in body:
                # pymarc reports broken multibyte (CJK) text on stderr, even when quiet.
                with contextlib.redirect_stderr(io.StringIO()) as complaints:
                    value = converter.translate(body)
                clean = clean and not complaints.getvalue()
            else:
                value = converter.translate(body)
        except (IndexError, TypeError, ValueError, KeyError):
            converter = MARC8ToUnicode(quiet=True)
            value = _MARC8_ESCAPE.sub(b"", body).decode("latin-1")
            clean = False
        texts.append(head.decode("latin-1") + value)
    # translate() already returns NFC per piece; joining cannot denormalise across delimiters.
    return "\x1f".join(texts), clean


def _tag_list(tags: list[str]) -> str:
    unique = list(dict.fromkeys(tags))
    shown = ", ".join(unique[:8])
    more = f" and {len(unique) - 8} more" if len(unique) > 8 else ""
    return f"field{'s' if len(unique) > 1 else ''} {shown}{more}"
