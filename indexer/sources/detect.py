"""Which kind of MARC file this is, decided from its content (libraries name files anything).

gzip is recognised by its magic number and read transparently; inside (or without) it, XML starts
with `<` after an optional byte-order mark and whitespace; ISO 2709 shows a leader followed by a
directory, or MARC's field/record terminators.
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from typing import BinaryIO

from indexer.errors import RecordError

ISO2709 = "iso2709"
MARCXML = "marcxml"

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEAD_SIZE = 64 * 1024

# The start of a MARC 21 record: a leader (length; status, type and levels as letters or blanks;
# coding scheme; "22"; base address; three implementation bytes; "45" + two more) followed by a
# first directory entry (tag, 4-digit length, 5-digit start). Strict enough not to match inside a
# directory or ordinary field text, so it can find where records resume after garbage.
RECORD_START = re.compile(
    rb"\d{5}[ a-z]{4}[^\x1d\x1e\x1f]22\d{5}[^\x1d\x1e\x1f]{3}\d\d[^\x1d\x1e\x1f]{2}"
    rb"[0-9A-Za-z]{3}\d{9}"
)

# Errors a damaged gzip stream raises while being read.
GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


class UnknownFormatError(RecordError, ValueError):
    """The file is neither ISO 2709 nor MARCXML (plain or gzip-compressed)."""


def open_binary(path: str | Path) -> BinaryIO:
    """The file's bytes, decompressed when it is gzip (whatever its name says)."""
    stream = open(path, "rb")  # returned to the caller, who closes it
    try:
        magic = stream.peek(2)[:2]
    except OSError:
        stream.close()
        raise
    if magic == GZIP_MAGIC:
        stream.close()
        return gzip.open(path, "rb")
    return stream


def read_head(path: str | Path, size: int = HEAD_SIZE) -> bytes:
    """The first `size` bytes of the (decompressed) content."""
    head = b""
    with open_binary(path) as stream:
        while len(head) < size:
            try:
                more = stream.read1(size - len(head))
            except GZIP_ERRORS as exc:
                if head:
                    break  # the readers will report the damage where it is
                raise UnknownFormatError(f"gzip data is damaged: {exc}") from exc
            if not more:
                break
            head += more
    return head


def detect_format(path: str | Path) -> str:
    """ "iso2709" or "marcxml" for a MARC file (gzip or not); UnknownFormatError otherwise."""
    return sniff_format(read_head(path))


def sniff_format(head: bytes) -> str:
    """The format of content starting with `head`; UnknownFormatError with a readable reason."""
    if head.startswith(UTF16_BOMS):
        return MARCXML
    text = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n\x00")
    if text.startswith(b"<"):
        return MARCXML
    if RECORD_START.search(head) or b"\x1d" in head or b"\x1e" in head:
        return ISO2709
    raise UnknownFormatError(f"not a MARC file: {_describe(text)}")


def _describe(text: bytes) -> str:
    if not text:
        return "the file is empty"
    if text.startswith(b"=LDR"):
        return "MARCMaker text (.mrk), which is not supported; export ISO 2709 or MARCXML"
    if text[:1] in (b"{", b"["):
        return "looks like JSON"
    header = text.split(b"\n", 1)[0].lower()
    if b"\t" in header and (b"publication_title" in header or b"title_id" in header):
        return "a KBART title list; load it with --format kbart"
    start = text[:40].decode("latin-1")
    return f"neither ISO 2709 nor MARCXML (starts with {start!r})"
