"""ISO 2709 (binary MARC 21) reading: splitting a file into records, and parsing one record.

The two halves are separate so a loader can split in one process and parse in a pool:
`iter_raw_records` yields each record's bytes cheaply; `parse_raw` / `parse_record` turn bytes into
a `MarcRecord`. Parsing takes the directory at its word when it is consistent (the fast path),
and otherwise rebuilds the fields from the field terminators, as marc4j's permissive reader does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from indexer.errors import RecordError
from indexer.marc.record import Field, MarcRecord
from indexer.sources.detect import GZIP_ERRORS, RECORD_START, open_binary
from indexer.sources.encoding import MARC8, decode_fields, encoding_override
from indexer.sources.results import Position, ReadResult, file_problem, rejected, result_for

RECORD_END = 0x1D
FIELD_END = 0x1E
LEADER_LENGTH = 24
ENTRY_LENGTH = 12
MAX_RECORD = 99_999  # the leader's 5-digit length cannot say more
MAX_SCAN = 16 * 1024 * 1024  # how far to look for a record terminator before giving up
READ_SIZE = 1 << 20
# Tags of control fields (no indicators or subfields), as pymarc and ruby-marc decide them.
CONTROL_TAGS = frozenset(f"00{digit}" for digit in range(10))
# A subfield: delimiter, one-character code, value (empty delimiters are skipped, as in pymarc).
_SUBFIELD = re.compile("\x1f([^\x1f])([^\x1f]*)")
# Bytes some exports put between records (line breaks, NUL padding, DOS end-of-file).
BETWEEN_RECORDS = b"\r\n\t\x00\x1a"


def read_iso2709(
    path: str | Path, encoding: str | None = None, label: str | None = None
) -> Iterator[ReadResult]:
    """One ReadResult per record position in an ISO 2709 file (plain or gzip)."""
    override = encoding_override(encoding)
    name = label or Path(path).name
    try:
        for index, offset, raw in iter_raw_records(path):
            yield parse_raw(raw, Position(name, index, offset=offset), override)
    except RecordError as exc:  # the compressed stream broke off; what came before is kept
        yield file_problem(name, str(exc))


def parse_raw(raw: bytes, position: Position, encoding: str | None = None) -> ReadResult:
    """One record's bytes as a ReadResult (ok, skipped or rejected); never raises for bad data."""
    try:
        record, warnings = parse_record_with_warnings(raw, encoding)
    except RecordError as exc:
        return rejected(position, str(exc), sniff_control_number(raw))
    return result_for(position, record, warnings)


def parse_record(raw: bytes, encoding: str | None = None) -> MarcRecord:
    """One record's bytes as a MarcRecord; RecordError with the reason when it is unusable."""
    return parse_record_with_warnings(raw, encoding)[0]


def parse_record_with_warnings(
    raw: bytes, encoding: str | None = None
) -> tuple[MarcRecord, tuple[str, ...]]:
    """Like `parse_record`, also returning what had to be repaired or guessed."""
    override = encoding_override(encoding)
    warnings: list[str] = []
    size = len(raw)
    leader_bytes = raw[:LEADER_LENGTH]
    if size < LEADER_LENGTH or any(sep in leader_bytes for sep in (b"\x1d", b"\x1e", b"\x1f")):
        raise RecordError(f"not a MARC record: {size} bytes without a 24-byte leader")
    if leader_bytes.isascii():
        leader = leader_bytes.decode("ascii")
    else:
        leader = _clean_leader(leader_bytes, warnings)
    terminated = raw[-1] == RECORD_END
    body_end = size - 1 if terminated else size
    declared = int(leader[:5]) if leader[:5].isdigit() else None

    truncated = not terminated and declared is not None and declared > size
    texts = chunks = None
    base_text = leader[12:17]
    base = int(base_text) if base_text.isdigit() else 0
    # Fast path: a well-formed directory describing contiguous fields, decoded in one go.
    if base > LEADER_LENGTH and raw.find(b"\x1e", LEADER_LENGTH, base) == base - 1:
        directory = raw[LEADER_LENGTH : base - 1].decode("latin-1")
        end = _contiguous_end(raw, directory, base, body_end)
        if end is not None:
            tags = [directory[i : i + 3] for i in range(0, len(directory), ENTRY_LENGTH)]
            region = raw[base : end - 1]
            texts = _decode_region(region, leader[9], override)
            if texts is None:
                chunks = region.split(b"\x1e")
    if texts is None:
        if chunks is None:
            tags, chunks = _locate_fields(raw, leader, body_end, truncated, warnings)
        texts, decode_warnings = decode_fields(chunks, tags, leader[9], override)
        warnings.extend(decode_warnings)
    if not terminated:
        warnings.append("no record terminator")
    if declared != size:
        warnings.append(f"leader/00-04 says {leader[:5]!r} bytes, the record has {size}")
    fields = _build_fields(tags, texts, warnings)
    return MarcRecord(leader, fields), tuple(warnings)


def _contiguous_end(raw: bytes, directory: str, data_start: int, body_end: int) -> int | None:
    """End of the field data when the directory lists contiguous fields in order, each ending
    in the only field terminator it contains; None otherwise (the careful path then decides)."""
    count, rest = divmod(len(directory), ENTRY_LENGTH)
    if rest or not count:
        return None
    expected = data_start
    try:
        for i in range(0, len(directory), ENTRY_LENGTH):
            # Length (4 digits) and start (5 digits) read as one number: fewer steps per field.
            length, start = divmod(int(directory[i + 3 : i + 12]), 100_000)
            if data_start + start != expected:
                return None
            expected += length
    except ValueError:
        return None
    if not data_start < expected <= body_end or raw[expected - 1] != FIELD_END:
        return None
    if raw.count(b"\x1e", data_start, expected - 1) != count - 1:
        return None
    return expected


def _decode_region(region: bytes, leader9: str, override: str | None) -> list[str] | None:
    """All fields' text when the whole region decodes without any decision to make."""
    if b"\x1b" in region or override == MARC8:
        return None  # MARC-8 escape sequences (or a caller who says MARC-8): field by field
    if region.isascii():
        return region.decode("ascii").split("\x1e")
    if override is None and leader9 != "a":
        return None
    try:
        text = region.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return unicodedata.normalize("NFC", text).split("\x1e")


def _clean_leader(leader_bytes: bytes, warnings: list[str]) -> str:
    # Some ILS exports leave a stray byte in the leader (e.g. 0xED at 23); the leader must stay
    # 24 ASCII characters, so such bytes become blanks, or the fixed "4500" at 20-23.
    chars = []
    for pos, byte in enumerate(leader_bytes):
        if byte < 0x80:
            chars.append(chr(byte))
        else:
            chars.append("4500"[pos - 20] if pos >= 20 else " ")
    warnings.append("non-ASCII bytes in the leader replaced")
    return "".join(chars)


def _locate_fields(
    raw: bytes, leader: str, body_end: int, truncated: bool, warnings: list[str]
) -> tuple[list[str], list[bytes]]:
    """Tags and field bytes: from the first directory reading that is consistent, else rebuilt."""
    base_text = leader[12:17]
    base = int(base_text) if base_text.isdigit() else 0
    first_end = raw.find(b"\x1e", LEADER_LENGTH, body_end)
    # Readings of where the directory and the data are, the normal one first; the others are
    # tried only when it does not hold together.
    readings: list[tuple[int, int, int, str | None]] = []  # directory start, end, data start
    if first_end != -1:
        note = None if base - 1 == first_end else f"base address {base_text!r} is wrong"
        readings.append((LEADER_LENGTH, first_end, first_end + 1, note))
    if LEADER_LENGTH < base < body_end and (first_end == -1 or first_end > base):
        # No terminator before a believable base address: it was overwritten or left out.
        for directory_end in (base - 1, base):
            readings.append((LEADER_LENGTH, directory_end, base, "directory terminator missing"))
    if first_end != -1:
        readings.append((LEADER_LENGTH - 1, first_end, first_end + 1, "leader is 23 bytes"))
    for start, end, data_start, note in readings:
        directory = raw[start:end]
        if (end - start) % ENTRY_LENGTH or (note and not directory.isalnum()):
            continue
        located = _fields_from_directory(raw, directory.decode("latin-1"), data_start, body_end)
        if located is not None:
            if note:
                warnings.append(note)
            return located
    if truncated:
        raise RecordError("truncated record: the file ends inside it")
    if first_end == -1:
        raise RecordError("no directory: no field terminator after the leader")
    start = LEADER_LENGTH
    if (first_end - start) % ENTRY_LENGTH and not (first_end - start + 1) % ENTRY_LENGTH:
        start -= 1  # a 23-byte leader
    directory = raw[start:first_end].decode("latin-1")
    return _fields_from_terminators(raw, directory, first_end + 1, body_end, warnings)


def _fields_from_directory(
    raw: bytes, directory: str, data_start: int, body_end: int
) -> tuple[list[str], list[bytes]] | None:
    """Tags and field bytes as the directory says, or None when the directory is inconsistent."""
    tags = []
    chunks = []
    try:
        for i in range(0, len(directory), ENTRY_LENGTH):
            start = data_start + int(directory[i + 7 : i + 12])
            end = start + int(directory[i + 3 : i + 7]) - 1  # where its terminator should be
            if not data_start <= start <= end < body_end or raw[end] != FIELD_END:
                return None
            tags.append(directory[i : i + 3])
            chunks.append(raw[start:end])
    except ValueError:  # a non-numeric length or start
        return None
    if not chunks:
        return None
    return tags, chunks


def _fields_from_terminators(
    raw: bytes, directory: str, data_start: int, body_end: int, warnings: list[str]
) -> tuple[list[str], list[bytes]]:
    """Fields split on their terminators, matched to the directory's tags by start or by order."""
    pieces = raw[data_start:body_end].split(b"\x1e")
    if pieces[-1]:
        warnings.append("last field has no terminator")
    else:
        pieces.pop()
    if not pieces:
        raise RecordError("record has no fields")
    entries = []
    for i in range(0, len(directory) - ENTRY_LENGTH + 1, ENTRY_LENGTH):
        start_text = directory[i + 7 : i + 12]
        start = int(start_text) if start_text.isascii() and start_text.isdigit() else None
        entries.append((directory[i : i + 3], start))
    if not entries:
        raise RecordError(f"directory has no complete entries ({len(directory)} bytes)")

    piece_at: dict[int, int] = {}
    offset = 0
    for number, piece in enumerate(pieces):
        piece_at.setdefault(offset, number)
        offset += len(piece) + 1
    if all(start in piece_at for _, start in entries):
        warnings.append("directory lengths are wrong; fields read up to their terminators")
        return [tag for tag, _ in entries], [pieces[piece_at[start]] for _, start in entries]
    if len(entries) == len(pieces):
        warnings.append("directory offsets are wrong; fields matched to its tags in order")
        return [tag for tag, _ in entries], pieces
    raise RecordError(
        f"directory ({len(entries)} entries) does not match the data ({len(pieces)} fields)"
    )


def _build_fields(tags: list[str], texts: list[str], warnings: list[str]) -> list[Field]:
    fields = []
    append = fields.append
    subfields_of = _SUBFIELD.findall
    for tag, text in zip(tags, texts, strict=True):
        if tag in CONTROL_TAGS:
            append(Field(tag, " ", " ", [], text))
            continue
        first = text.find("\x1f")
        if first == 2:
            ind1 = text[0]
            ind2 = text[1]
        else:
            indicators = text if first == -1 else text[:first]
            ind1 = indicators[:1] or " "
            ind2 = indicators[1:2] or " "
            if len(indicators) > 2:
                dropped = indicators[2:]
                warnings.append(f"field {tag}: {dropped!r} before the first subfield dropped")
        append(Field(tag, ind1, ind2, subfields_of(text, first) if first != -1 else []))
    return fields


def sniff_control_number(raw: bytes) -> str | None:
    """The 001 of a record that could not be parsed, when its directory still finds it."""
    try:
        directory_end = raw.find(b"\x1e", LEADER_LENGTH)
        if directory_end == -1:
            return None
        directory = raw[LEADER_LENGTH:directory_end]
        for i in range(0, len(directory) - ENTRY_LENGTH + 1, ENTRY_LENGTH):
            if directory[i : i + 3] == b"001":
                start = directory_end + 1 + int(directory[i + 7 : i + 12])
                stop = raw.find(b"\x1e", start)
                value = raw[start : stop if stop != -1 else start + 64][:64]
                text = value.decode("utf-8", "replace").strip()
                return text if text and text.isprintable() else None
    except ValueError:
        return None
    return None


def iter_raw_records(source: str | Path | BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(1-based index, byte offset, raw bytes) for each record-sized piece of an ISO 2709 file.

    A piece normally ends at the length its leader gives, where a record terminator must be. When
    it is not, the piece ends at the next record terminator or where the next record visibly
    starts, so one bad length or some garbage never loses the records after it. Garbage comes out
    as a piece of its own (the parser rejects it). Raises RecordError after the last piece when a
    compressed stream breaks off.
    """
    if hasattr(source, "read"):
        yield from _split(source)
        return
    with open_binary(source) as stream:
        yield from _split(stream)


def _split(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    buf = b""
    pos = 0  # where the next piece starts in buf
    buf_offset = 0  # file offset of buf[0]
    eof = False
    need_more = False
    broken: str | None = None
    index = 0
    # read1 hands over what a damaged gzip stream yields before the damage; read would not.
    read = getattr(stream, "read1", stream.read)
    while True:
        if not eof and (need_more or len(buf) - pos <= MAX_RECORD):
            try:
                more = read(READ_SIZE)
            except GZIP_ERRORS as exc:
                more = b""
                broken = f"compressed data is damaged after byte {buf_offset + len(buf)}: {exc}"
            buf_offset += pos
            buf = buf[pos:] + more
            pos = 0
            eof = not more
            need_more = False
            continue
        while pos < len(buf) and buf[pos] in BETWEEN_RECORDS:
            pos += 1
        if pos >= len(buf):
            if eof:
                break
            continue
        stop = _piece_end(buf, pos, eof)
        if stop is None:
            need_more = True
            continue
        piece = buf[pos:stop]
        if piece.strip(BETWEEN_RECORDS + b" "):
            index += 1
            yield index, buf_offset + pos, piece
        pos = stop
    if broken:
        raise RecordError(broken)


def _piece_end(buf: bytes, pos: int, eof: bool) -> int | None:
    """Where the piece starting at `pos` ends (exclusive); None when more data must be read."""
    head = buf[pos : pos + 5]
    if head.isdigit():
        length = int(head)
        end = pos + length
        if length > LEADER_LENGTH and end <= len(buf) and buf[end - 1] == RECORD_END:
            return end
    # The length is missing or wrong (or too small for a record over 99,999 bytes): resync on the
    # next record terminator, or earlier where another record clearly starts (this piece then
    # lacks its terminator or is garbage).
    limit = pos + MAX_SCAN
    terminator = buf.find(b"\x1d", pos, limit)
    if terminator == -1:
        if not eof and len(buf) < limit:
            return None
        stop = min(len(buf), limit)
    else:
        stop = terminator + 1
    next_record = RECORD_START.search(buf, pos + 1, stop)
    return next_record.start() if next_record else stop
