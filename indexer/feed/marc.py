"""A MARC 21 record built from a merged document's display dict, for the OAI feed and exports.

The index keeps the merged display record, not any one library's source MARC, so the feed record
is rebuilt from it: UTF-8 (leader/09 'a'), 001 = document id, 003 = consortium code, 005 = the
document's datestamp, then the bibliographic fields, one 852 per holding of every member library
and one 856 per online link per library that offers it (through that library's proxy).

852 subfields (the map EBSCO's questionnaire asks for): $a library code, $b site code,
$c shelving location, $h call number, $p item id (barcode), $t item type, $z public status text
("Available", "On loan, due 2026-02-22", "Reference only"). 856: $u the URL through the library's
proxy, $y the link label, $z the note, $x the library code the proxied URL belongs to.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from indexer.feed.text import MARC_FORBIDDEN, marc_safe

MARC_NS = "http://www.loc.gov/MARC21/slim"
# leader/06 (type of record) and leader/07 (bibliographic level) by format.
LEADER_TYPES = {
    "Book": "am", "E-book": "am", "Journal": "as", "E-journal": "as", "Thesis": "am",
    "Conference proceedings": "am", "Video": "gm", "Audio": "im", "Music score": "cm",
    "Map": "em", "Website": "ai",
}  # fmt: skip
ONLINE_FORMATS = {"E-book", "E-journal", "Website"}
STATUS_LABELS = {
    "available": "Available", "on_loan": "On loan", "reference": "Reference only",
    "unknown": "Status unknown",
}  # fmt: skip
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_ROLE_TAGS = {"personal": "00", "corporate": "10", "meeting": "11"}


# A data field: (tag, ind1, ind2, [(code, value), ...]). Plain tuples: a page of 500 feed
# records makes some 8,000 of them, and a class costs a third of the build time.
DataField = tuple[str, str, str, list[tuple[str, str]]]


@dataclass(slots=True)
class FeedRecord:
    """Leader positions 00-04 and 12-16 are computed when the record is written as ISO 2709."""

    leader: str
    control: list[tuple[str, str]] = field(default_factory=list)
    fields: list[DataField] = field(default_factory=list)

    def add(self, tag: str, ind1: str, ind2: str, *subfields: tuple[str, object]) -> None:
        """A data field with the non-empty subfields given; nothing when all are empty."""
        kept = [(code, text) for code, value in subfields
                if value is not None and (text := _clean(value))]
        if kept:
            self.fields.append((tag, ind1, ind2, kept))


def _clean(value) -> str:
    return MARC_FORBIDDEN.sub("", value if isinstance(value, str) else str(value)).strip()


def _values(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def stamp_of(datestamp: float | None) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(datestamp or 0, tz=datetime.UTC)


def _leader(status: str, fmt: str) -> str:
    kind = LEADER_TYPES.get(fmt, "am")
    return f"00000{status}{kind} a2200000 i 4500"


def _fixed_008(display: dict, entered: datetime.datetime) -> str:
    year = display.get("year")
    year_text = f"{year:04d}" if isinstance(year, int) and 0 < year < 10000 else ""
    codes = [c for c in display.get("language_codes") or [] if _LANGUAGE.match(str(c))]
    language = codes[0] if codes else "und"
    middle = [" "] * 17  # 008/18-34
    if display.get("format") in ONLINE_FORMATS:
        middle[5] = "o"  # 008/23 form of item: online
    return (entered.strftime("%y%m%d") + ("s" if year_text else "n") + (year_text or "    ")
            + "    " + "xx " + "".join(middle) + language + " " + "d")


def build_record(display: dict, *, org_code: str = "", datestamp: float | None = None,
                 deleted: bool = False) -> FeedRecord:
    """The feed's MARC record of a document (`deleted`: a leader/05 'd' stub for delete files)."""
    stamp = stamp_of(datestamp if datestamp is not None else display.get("datestamp"))
    fmt = display.get("format") or "Other"
    record = FeedRecord(_leader("d" if deleted else "n", fmt))
    record.control.append(("001", marc_safe(str(display["id"]))))
    if org_code:
        record.control.append(("003", marc_safe(org_code)))
    record.control.append(("005", stamp.strftime("%Y%m%d%H%M%S.0")))
    if deleted:
        return record
    if fmt in ONLINE_FORMATS:
        record.control.append(("007", "cr"))
    record.control.append(("008", _fixed_008(display, stamp)))
    _identifiers(record, display)
    _names_and_title(record, display)
    _description(record, display)
    _subjects(record, display)
    for author in [a for a in display.get("authors") or [] if not a.get("main")]:
        _name_field(record, "7", author)
    _holdings(record, display)
    _links(record, display)
    return record


def _identifiers(record: FeedRecord, display: dict) -> None:
    for lccn in _values(display.get("lccn")):
        record.add("010", " ", " ", ("a", lccn))
    for isbn in _values(display.get("isbn_display")):
        record.add("020", " ", " ", ("a", isbn))
    for issn in _values(display.get("issn")):
        record.add("022", " ", " ", ("a", issn))
    for oclc in _values(display.get("oclc")):
        record.add("035", " ", " ", ("a", f"(OCoLC){oclc}"))
    for member in display.get("members") or []:
        record.add("035", " ", " ", ("a", f"({member['library']}){member['record_id']}"))
    codes = [c for c in display.get("language_codes") or [] if _LANGUAGE.match(str(c))]
    if len(codes) > 1:
        record.add("041", " ", " ", *(("a", c) for c in codes))
    for tag, ind2, key in (("050", "4", "class_lc"), ("060", "4", "class_nlm"),
                           ("082", "4", "class_dewey"), ("084", " ", "class_local")):
        for value in _values(display.get(key)):
            record.add(tag, "0" if tag == "082" else " ", ind2, ("a", value))


def _name_field(record: FeedRecord, first_digit: str, author: dict) -> None:
    suffix = _ROLE_TAGS.get(author.get("type") or "personal", "00")
    ind1 = "1" if suffix == "00" and "," in (author.get("name") or "") else "0"
    if suffix == "10":
        ind1 = "2"
    if suffix == "11":
        ind1 = "2"
    roles = [("e" if suffix != "11" else "j", role) for role in _values(author.get("role"))]
    record.add(first_digit + suffix, ind1, " ", ("a", author.get("name")), *roles)


def _names_and_title(record: FeedRecord, display: dict) -> None:
    main = next((a for a in display.get("authors") or [] if a.get("main")), None)
    if main:
        _name_field(record, "1", main)
    title, subtitle = display.get("title") or "", display.get("subtitle") or ""
    responsibility = display.get("responsibility") or ""
    # ISBD punctuation the way catalogue records carry it, so displays built from 245 read well.
    parts = [("a", title + (" :" if subtitle else " /" if responsibility else ""))]
    if subtitle:
        parts.append(("b", subtitle + (" /" if responsibility else "")))
    if responsibility:
        parts.append(("c", responsibility))
    record.add("245", "1" if main else "0", "0", *parts)
    for alt in _values(display.get("title_alt")):
        record.add("246", "3", " ", ("a", alt))


def _description(record: FeedRecord, display: dict) -> None:
    record.add("250", " ", " ", ("a", display.get("edition")))
    record.add("264", " ", "1", ("a", display.get("place")), ("b", display.get("publisher")),
               ("c", display.get("date")))
    record.add("300", " ", " ", ("a", display.get("physical")))
    for series in _values(display.get("series")):
        record.add("490", "0", " ", ("a", series))
    for tag, key in (("500", "notes"), ("504", "bibliography"), ("505", "contents"),
                     ("520", "summary")):
        for text in _values(display.get(key)):
            record.add(tag, "0" if tag == "505" else " ", " ", ("a", text))


def _subjects(record: FeedRecord, display: dict) -> None:
    for tag, ind2, key in (("650", "2", "subject_mesh"), ("650", "0", "subject_lcsh"),
                           ("650", "4", "subject_other"), ("690", " ", "subject_local"),
                           ("655", "4", "genre")):
        for heading in _values(display.get(key)):
            head, *subdivisions = str(heading).split(" -- ")
            record.add(tag, " ", ind2, ("a", head), *(("x", s) for s in subdivisions))


def status_text(holding: dict) -> str:
    status = holding.get("status") or "unknown"
    text = STATUS_LABELS.get(status, "Status unknown")
    if status not in ("available", "on_loan", "reference") and holding.get("status_text"):
        text = holding["status_text"]  # a library's own wording for the states we do not map
    if status == "on_loan" and holding.get("due_date"):
        text += f", due {holding['due_date']}"
    return text


def _holdings(record: FeedRecord, display: dict) -> None:
    for h in display.get("holdings") or []:
        record.add("852", " ", " ", ("a", h.get("library")), ("b", h.get("site")),
                   ("c", h.get("location")), ("h", h.get("call_number")),
                   ("p", h.get("item_id")), ("t", h.get("item_type")), ("z", status_text(h)))


def _links(record: FeedRecord, display: dict) -> None:
    for link in display.get("links") or []:
        ind2 = "0" if link.get("kind") == "fulltext" else "2"
        note = link.get("note") if link.get("note") != link.get("label") else None
        for access in link.get("access") or [{"library": None, "url": link.get("url")}]:
            record.add("856", "4", ind2, ("u", access.get("url")), ("y", link.get("label")),
                       ("z", note), ("x", access.get("library")))


# --- writers --------------------------------------------------------------------------------

def _text(value: str) -> str:
    # Character data only (quotes need no escaping there); values are already cleaned.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_marcxml(record: FeedRecord, *, namespace: bool = True) -> str:
    """A `<record>` element; with `namespace` it declares the MARC21slim namespace and schema."""
    out = [f'<record xmlns="{MARC_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{MARC_NS} '
           'http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd">'
           if namespace else "<record>",
           f"<leader>{record.leader}</leader>"]
    append = out.append
    for tag, value in record.control:
        append(f'<controlfield tag="{tag}">{_text(value)}</controlfield>')
    for tag, ind1, ind2, subfields in record.fields:
        append(f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">')
        for code, value in subfields:
            append(f'<subfield code="{code}">{_text(value)}</subfield>')
        append("</datafield>")
    append("</record>")
    return "".join(out)


MAX_FIELD = 9999
MAX_RECORD = 99999


def to_iso2709(record: FeedRecord) -> bytes:
    """Binary MARC 21 in UTF-8 with correct lengths. Fields that would overflow the 4-digit
    length are cut at a character boundary; a record over 99,999 bytes loses its last fields
    (links and holdings come last) until it fits, so the file stays readable."""
    bodies: list[tuple[str, bytes]] = [
        (tag, value.encode("utf-8") + b"\x1e") for tag, value in record.control]
    for tag, ind1, ind2, subfields in record.fields:
        data = (ind1 + ind2).encode() + b"".join(
            b"\x1f" + code.encode() + value.encode("utf-8") for code, value in subfields)
        if len(data) + 1 > MAX_FIELD:
            data = data[:MAX_FIELD - 1].decode("utf-8", "ignore").encode("utf-8")
        bodies.append((tag, data + b"\x1e"))
    while True:
        base = 24 + 12 * len(bodies) + 1
        total = base + sum(len(b) for _, b in bodies) + 1
        if total <= MAX_RECORD or len(bodies) <= 3:
            break
        bodies.pop()
    directory, offset = [], 0
    for tag, body in bodies:
        directory.append(f"{tag}{len(body):04d}{offset:05d}".encode())
        offset += len(body)
    leader = f"{total:05d}{record.leader[5:12]}{base:05d}{record.leader[17:]}"
    return leader.encode() + b"".join(directory) + b"\x1e" + b"".join(
        b for _, b in bodies) + b"\x1d"


def to_marc_json(record: FeedRecord) -> dict:
    """MARC-in-JSON (the code4lib form pymarc's JSONReader reads)."""
    fields: list[dict] = [{tag: value} for tag, value in record.control]
    fields += [{tag: {"ind1": ind1, "ind2": ind2,
                      "subfields": [{code: value} for code, value in subfields]}}
               for tag, ind1, ind2, subfields in record.fields]
    return {"leader": record.leader, "fields": fields}
