"""A merged search document as a MARC 21 record: the record the Hub feed, `lantern export` and
the record page's downloads all give for the same document (written by `indexer.marc.writer`).

The index keeps the merged display record, not any one library's source MARC, so the record is
rebuilt from it: UTF-8 (leader/09 'a'), 001 = document id, 003 = consortium code, 005 = the
document's datestamp, then the bibliographic fields, one 852 per holding of every member library
and one 856 per online link per library that offers it (through that library's proxy).

852 subfields (the map EBSCO's questionnaire asks for): $a library code, $b site code,
$c shelving location, $h call number, $p item id (barcode), $t item type, $z public status text
("Available", "On loan, due 2026-02-22", "Reference only"). A member record without items (an
e-book, a library whose export carries none) still says who holds the title: one 852 with $a
and, where the library's site is known (`sites`: library code -> site code), $b. 856: $u the
URL through the library's proxy, $y the link label, $z the note, $x the library code the
proxied URL belongs to.

Fields are `indexer.marc.record.Field`s appended in record order; the 00X fields come first.
"""

from __future__ import annotations

import datetime
import re

from indexer.marc.record import Field, MarcRecord

# Characters that cannot stand in ISO 2709 or XML 1.0: C0 controls (the MARC delimiters among
# them; tab/LF/CR too, so a field stays on one logical line for the tools EBSCO uses), lone
# surrogates (left by a bad decode), U+FFFE and U+FFFF. Real MARC records carry such bytes.
MARC_FORBIDDEN = re.compile("[^\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# leader/06 (type of record) and leader/07 (bibliographic level) by format.
LEADER_TYPES = {
    "Book": "am", "E-book": "am", "Journal": "as", "E-journal": "as", "Thesis": "am",
    "Conference proceedings": "am", "Video": "gm", "Audio": "im", "Music score": "cm",
    "Map": "em", "Website": "ai",
}  # fmt: skip
ONLINE_FORMATS = {"E-book", "E-journal", "Website"}
STATUS_LABELS = {
    "available": "Available", "on_loan": "On loan", "reference": "Reference only",
    "unknown": "Status unknown", "in_transit": "In transit",
    "on_hold_shelf": "On the hold shelf for another reader", "missing": "Missing",
}  # fmt: skip
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_ROLE_TAGS = {"personal": "00", "corporate": "10", "meeting": "11"}


def marc_safe(text: str) -> str:
    """`text` without control characters (MARC delimiters included) or unpaired surrogates."""
    return MARC_FORBIDDEN.sub("", text)


def _add(
    record: MarcRecord, tag: str, ind1: str, ind2: str, *subfields: tuple[str, object]
) -> None:
    """A data field with the non-empty subfields given; nothing when all are empty."""
    kept = [
        (code, text) for code, value in subfields if value is not None and (text := _clean(value))
    ]
    if kept:
        record.fields.append(Field(tag, ind1, ind2, kept))


def _control(record: MarcRecord, tag: str, data: str) -> None:
    record.fields.append(Field(tag, data=data))


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
    return (
        entered.strftime("%y%m%d")
        + ("s" if year_text else "n")
        + (year_text or "    ")
        + "    "
        + "xx "
        + "".join(middle)
        + language
        + " "
        + "d"
    )


def record_from_document(
    display: dict,
    *,
    org_code: str = "",
    datestamp: float | None = None,
    deleted: bool = False,
    sites: dict[str, str] | None = None,
) -> MarcRecord:
    """The MARC record of a merged document (`deleted`: a leader/05 'd' stub for delete files).
    `org_code` is the consortium's (003); `datestamp` the catalogue store's for the document;
    `sites` the site of each library that has one (`known_sites`), for holdings without items."""
    stamp = stamp_of(datestamp if datestamp is not None else display.get("datestamp"))
    fmt = display.get("format") or "Other"
    record = MarcRecord(_leader("d" if deleted else "n", fmt))
    _control(record, "001", marc_safe(str(display["id"])))
    if org_code:
        _control(record, "003", marc_safe(org_code))
    _control(record, "005", stamp.strftime("%Y%m%d%H%M%S.0"))
    if deleted:
        return record
    if fmt in ONLINE_FORMATS:
        _control(record, "007", "cr")
    _control(record, "008", _fixed_008(display, stamp))
    _identifiers(record, display)
    _names_and_title(record, display)
    _description(record, display)
    _subjects(record, display)
    for author in [a for a in display.get("authors") or [] if not a.get("main")]:
        _name_field(record, "7", author)
    _holdings(record, display, sites or {})
    _links(record, display)
    return record


def _identifiers(record: MarcRecord, display: dict) -> None:
    for lccn in _values(display.get("lccn")):
        _add(record, "010", " ", " ", ("a", lccn))
    for isbn in _values(display.get("isbn_display")):
        _add(record, "020", " ", " ", ("a", isbn))
    for issn in _values(display.get("issn")):
        _add(record, "022", " ", " ", ("a", issn))
    for source in ("doi", "pmid"):  # 024 7_ with the source in $2, as catalogued
        for value in _values(display.get(source)):
            _add(record, "024", "7", " ", ("a", value), ("2", source))
    for oclc in _values(display.get("oclc")):
        _add(record, "035", " ", " ", ("a", f"(OCoLC){oclc}"))
    for member in display.get("members") or []:
        _add(record, "035", " ", " ", ("a", f"({member['library']}){member['record_id']}"))
    codes = [c for c in display.get("language_codes") or [] if _LANGUAGE.match(str(c))]
    if len(codes) > 1:
        _add(record, "041", " ", " ", *(("a", c) for c in codes))
    for tag, ind2, key in (
        ("050", "4", "class_lc"),
        ("060", "4", "class_nlm"),
        ("082", "4", "class_dewey"),
        ("084", " ", "class_local"),
    ):
        for value in _values(display.get(key)):
            _add(record, tag, "0" if tag == "082" else " ", ind2, ("a", value))


def _name_field(record: MarcRecord, first_digit: str, author: dict) -> None:
    suffix = _ROLE_TAGS.get(author.get("type") or "personal", "00")
    ind1 = "1" if suffix == "00" and "," in (author.get("name") or "") else "0"
    if suffix == "10":
        ind1 = "2"
    if suffix == "11":
        ind1 = "2"
    roles = [("e" if suffix != "11" else "j", role) for role in _values(author.get("role"))]
    _add(record, first_digit + suffix, ind1, " ", ("a", author.get("name")), *roles)


def _names_and_title(record: MarcRecord, display: dict) -> None:
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
    _add(record, "245", "1" if main else "0", "0", *parts)
    for alt in _values(display.get("title_alt")):
        _add(record, "246", "3", " ", ("a", alt))


def _description(record: MarcRecord, display: dict) -> None:
    _add(record, "250", " ", " ", ("a", display.get("edition")))
    _add(
        record,
        "264",
        " ",
        "1",
        ("a", display.get("place")),
        ("b", display.get("publisher")),
        ("c", display.get("date")),
    )
    _add(record, "300", " ", " ", ("a", display.get("physical")))
    for series in _values(display.get("series")):
        _add(record, "490", "0", " ", ("a", series))
    for tag, key in (
        ("500", "notes"),
        ("504", "bibliography"),
        ("505", "contents"),
        ("520", "summary"),
    ):
        for text in _values(display.get(key)):
            _add(record, tag, "0" if tag == "505" else " ", " ", ("a", text))


def _subjects(record: MarcRecord, display: dict) -> None:
    for tag, ind2, key in (
        ("650", "2", "subject_mesh"),
        ("650", "0", "subject_lcsh"),
        ("650", "4", "subject_other"),
        ("690", " ", "subject_local"),
        ("655", "4", "genre"),
    ):
        for heading in _values(display.get(key)):
            head, *subdivisions = str(heading).split(" -- ")
            _add(record, tag, " ", ind2, ("a", head), *(("x", s) for s in subdivisions))


def status_text(holding: dict) -> str:
    status = holding.get("status") or "unknown"
    text = STATUS_LABELS.get(status, "Status unknown")
    if status not in ("available", "on_loan", "reference") and holding.get("status_text"):
        text = holding["status_text"]  # a library's own wording for the states we do not map
    if status == "on_loan" and holding.get("due_date"):
        text += f", due {holding['due_date']}"
    return text


def known_sites(consortium) -> dict[str, str]:
    """Library code -> site code, for each library of the consortium with exactly one site: the
    site a record of that library without items is held at."""
    return {
        code: next(iter(library.sites))
        for code, library in consortium.libraries.items()
        if len(library.sites) == 1
    }


def _holdings(record: MarcRecord, display: dict, sites: dict[str, str]) -> None:
    holdings = display.get("holdings") or []
    for h in holdings:
        _add(
            record,
            "852",
            " ",
            " ",
            ("a", h.get("library")),
            ("b", h.get("site")),
            ("c", h.get("location")),
            ("h", h.get("call_number")),
            ("p", h.get("item_id")),
            ("t", h.get("item_type")),
            ("z", status_text(h)),
        )
    # As the API lists them (opac.search.copies): one entry per member record without items.
    with_items = {(h.get("library"), h.get("record_id")) for h in holdings}
    for member in display.get("members") or []:
        library = member.get("library")
        if (library, member.get("record_id")) not in with_items:
            with_items.add((library, member.get("record_id")))
            _add(record, "852", " ", " ", ("a", library), ("b", sites.get(library)))


def _links(record: MarcRecord, display: dict) -> None:
    for link in display.get("links") or []:
        ind2 = "0" if link.get("kind") == "fulltext" else "2"
        note = link.get("note") if link.get("note") != link.get("label") else None
        for access in link.get("access") or [{"library": None, "url": link.get("url")}]:
            _add(
                record,
                "856",
                "4",
                ind2,
                ("u", access.get("url")),
                ("y", link.get("label")),
                ("z", note),
                ("x", access.get("library")),
            )
