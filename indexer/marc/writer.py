"""The one MARC writer: a `MarcRecord` as ISO 2709 (binary MARC 21), MARCXML or MARC-in-JSON.

Everything Lantern writes goes through here: the OAI-PMH `marc21` records, `lantern export`, the
record page's downloads and the sample-consortium generator. Values are written as they are: a
caller that takes text from outside (a merged document) cleans it first (see `from_document`).

The writer does not use pymarc: building pymarc Records costs more than the whole write, and the
leader/directory arithmetic is simple. Leader positions 00-04 (record length) and 12-16 (base
address of data) are computed here; every other position is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.marc.record import MarcRecord

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
FIELD_TERMINATOR = "\x1e"
SUBFIELD_DELIMITER = "\x1f"
RECORD_TERMINATOR = b"\x1d"
MAX_FIELD = 9999  # the directory's 4-digit field length
MAX_RECORD = 99999  # the leader's 5-digit record length
MIN_FIELDS = 3  # a record is never cut below its first fields (001, 003, 005)


def _body(field) -> str:
    """The text between the directory and the field terminator."""
    if field.data is not None:
        return field.data + FIELD_TERMINATOR
    return (
        field.ind1
        + field.ind2
        + "".join([f"\x1f{code}{value}" for code, value in field.subfields])
        + FIELD_TERMINATOR
    )


def _cut_utf8(body: bytes) -> bytes:
    # At a character boundary: a byte cut through a UTF-8 sequence is dropped with it.
    return body[: MAX_FIELD - 1].decode("utf-8", "ignore").encode("utf-8") + b"\x1e"


def to_iso2709(record: MarcRecord, encode: Callable[[str], bytes] | None = None) -> bytes:
    """One ISO 2709 record, in UTF-8 unless `encode` turns text into another encoding's bytes
    (leader/09 must already say which: 'a' = UTF-8, blank = MARC-8).

    In UTF-8, a field that would overflow the 4-digit length is cut at a character boundary and a
    record over 99,999 bytes loses its last fields (links and holdings come last) until it fits,
    so the file stays readable. In another encoding an overflow is a ValueError."""
    utf8 = encode is None
    # str.encode defaults to UTF-8; calling it unbound skips a Python-level wrapper per field.
    encoder = str.encode if utf8 else encode
    tags: list[str] = []
    bodies: list[bytes] = []
    for field in record.fields:
        body = encoder(_body(field))
        if len(body) > MAX_FIELD:
            if not utf8:
                raise ValueError(f"field {field.tag} of {len(body)} bytes exceeds ISO 2709")
            body = _cut_utf8(body)
        tags.append(field.tag)
        bodies.append(body)
    while True:
        base = 24 + 12 * len(bodies) + 1
        total = base + sum(map(len, bodies)) + 1
        if total <= MAX_RECORD:
            break
        if not utf8 or len(bodies) <= MIN_FIELDS:
            raise ValueError(f"record of {total} bytes exceeds the ISO 2709 limit")
        bodies.pop()
        tags.pop()
    directory = []
    offset = 0
    for tag, body in zip(tags, bodies, strict=True):
        directory.append(f"{tag}{len(body):04d}{offset:05d}")
        offset += len(body)
    leader = record.leader
    head = f"{total:05d}{leader[5:12]}{base:05d}{leader[17:24]}{''.join(directory)}"
    return (head + FIELD_TERMINATOR).encode("ascii") + b"".join(bodies) + RECORD_TERMINATOR


def _text(value: str) -> str:
    # Character data only (quotes need no escaping there).
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_marcxml(record: MarcRecord, *, namespace: bool = True) -> str:
    """A `<record>` element; with `namespace` it declares the MARC21slim namespace and schema."""
    out = [
        f'<record xmlns="{MARC_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{MARC_NS} {MARC_SCHEMA}">'
        if namespace
        else "<record>",
        f"<leader>{record.leader}</leader>",
    ]
    append = out.append
    for field in record.fields:
        if field.data is not None:
            append(f'<controlfield tag="{field.tag}">{_text(field.data)}</controlfield>')
            continue
        append(f'<datafield tag="{field.tag}" ind1="{field.ind1}" ind2="{field.ind2}">')
        for code, value in field.subfields:
            append(f'<subfield code="{code}">{_text(value)}</subfield>')
        append("</datafield>")
    append("</record>")
    return "".join(out)


def marcxml_document(record: MarcRecord) -> bytes:
    """A MARCXML file holding one record (the record page's .xml download)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + to_marcxml(record)).encode("utf-8")


def marcxml_collection_head() -> bytes:
    """The start of a MARCXML `<collection>` file; records follow without their namespace."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARC_NS}">\n'.encode()


def to_marc_json(record: MarcRecord) -> dict:
    """MARC-in-JSON (the code4lib form pymarc's JSONReader reads)."""
    fields: list[dict] = [
        {f.tag: f.data}
        if f.data is not None
        else {
            f.tag: {
                "ind1": f.ind1,
                "ind2": f.ind2,
                "subfields": [{code: value} for code, value in f.subfields],
            }
        }
        for f in record.fields
    ]
    return {"leader": record.leader, "fields": fields}
