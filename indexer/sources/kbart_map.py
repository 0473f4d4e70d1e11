"""One KBART row's cells -> a mapped record (the keys of a mapped MARC record, TARGETS).

`indexer.sources.kbart` reads the rows; its docstring says what is kept, checked and rejected.
"""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import quote

from indexer.errors import RecordError
from indexer.fulltext.coverage import coverage_span
from indexer.mapping import TARGETS
from indexer.mapping.isbn import isbn13_to_10, normalize_isbn, normalize_issn
from indexer.mapping.macros import clean_url
from indexer.mapping.text import sort_key, trim_punctuation

TITLE = "publication_title"
# Phase I names (and a common variant) of Phase II columns.
COLUMN_ALIASES = {"coverage_notes": "notes", "publication_name": TITLE}
MONOGRAPH_TYPES = frozenset({"monograph", "book", "ebook", "e-book", "monographie"})
SERIAL_TYPES = frozenset({"serial", "journal", "ejournal", "e-journal", "periodical"})
_FULLTEXT_DEPTHS = frozenset(
    {"", "fulltext", "full text", "full-text", "volltext", "texte intégral", "ebook", "e-book"}
)
_NOT_FULLTEXT_DEPTHS = frozenset({"abstracts", "abstract", "bibliographic", "index"})
# Monographs give their own dates; ClinicalKey-style lists put a book's year in the first issue.
_DATE_COLUMNS = tuple(
    "date_monograph_published_online date_monograph_published_print date_first_issue_online".split()
)
# Columns only a monograph fills: with no publication_type, they tell a book from a serial.
_MONOGRAPH_COLUMNS = tuple(
    "date_monograph_published_print date_monograph_published_online monograph_volume "
    "monograph_edition first_editor first_author".split()
)

# What a spreadsheet makes of an identifier it took for a number: 9.78E+12, 9,78E+12, 978...0.0
_EXPONENT = re.compile(r"^[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+[.,]0+$")
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
_EMBARGO = re.compile(r"^([PR])(\d+)([DWMY])$", re.IGNORECASE)
_UNITS = {"D": "day", "W": "week", "M": "month", "Y": "year"}
_SPACES = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"(?<=\S)[ \xa0]+(?=\S)")


def normalise_column(name: str) -> str:
    """'\\ufeffPublication Title ' -> 'publication_title'; Phase I names to Phase II."""
    key = name.strip().lstrip("\ufeff").strip().strip('"').strip().lower().replace(" ", "_")
    return COLUMN_ALIASES.get(key, key)


def kbart_to_mapped(cells: dict[str, str]) -> dict:
    """The mapped record (every key of TARGETS) for one row's cells, keyed by column name.

    RecordError names the reason when the row is unusable; `map_kbart_cells` adds the warnings.
    """
    normalised = {normalise_column(k): (v or "").strip() for k, v in cells.items()}
    return map_kbart_cells(normalised)[0]


def map_kbart_cells(cells: dict[str, str]) -> tuple[dict, tuple[str, ...]]:
    """(mapped record, warnings) for cells keyed by normalised column name, values trimmed."""
    get = cells.get
    warnings: list[str] = []
    title_text = _text(get(TITLE, ""))
    if not title_text:
        raise RecordError(f"{TITLE} is empty")

    isbns, issns, invalid_isbns = _identifiers(cells, warnings)
    raw_url = get("title_url", "")
    url = _title_url(raw_url, warnings)
    is_serial = _is_serial(get("publication_type", "").lower(), cells, isbns, issns)
    if not is_serial:
        # A book's ISSN is its series' (MARC puts it in 490 $x, not 022): matching a book on
        # it would link the book to the series as another format of the same work.
        issns = []
    if url is None and not isbns and not issns:
        raise RecordError(
            f"no usable title_url or identifier for {title_text[:60]!r}"
            + (f" ({'; '.join(warnings)})" if warnings else "")
        )
    # Coverage dates describe a serial; some book lists misuse them for the publication year.
    coverage = coverage_text(cells) if is_serial else None
    depth = get("coverage_depth", "").lower()

    out: dict = {k: ([] if shape == "many" else None) for k, shape in TARGETS.items()}
    _describe(out, cells, title_text, is_serial)
    for isbn13 in isbns:
        out["isbn"].append(isbn13)
        isbn10 = isbn13_to_10(isbn13)
        if isbn10:
            out["isbn"].append(isbn10)
    out["isbn_display"] = isbns
    out["isbn_invalid"] = invalid_isbns
    out["issn"] = issns
    out["format"] = "E-journal" if is_serial else "E-book"
    out["notes"] = [n for n in (coverage, _text(get("notes", ""))) if n]
    span = coverage_span(cells) if is_serial else None
    out["coverage"] = [span] if span else []
    if get("access_type", "").upper() == "F":
        out["notes"].append("Free access")
    if url is not None:
        kind = "related" if depth in _NOT_FULLTEXT_DEPTHS else "fulltext"
        link = {"url": url, "label": "Available online", "note": coverage, "materials": None}
        out["links"] = [{**link, "kind": kind}]
    out["record_type"] = "a"
    out["leader_status"] = " "
    return out, tuple(warnings)


def _describe(out: dict, cells: dict[str, str], title_text: str, is_serial: bool) -> None:
    """The descriptive fields of `out`: control number, title, authors, imprint, edition."""
    get = cells.get
    raw_url = get("title_url", "")
    out["control_number"] = (
        get("title_id")
        or (_online_number(get("online_identifier", "")))
        or "kbart." + hashlib.sha1(f"{get(TITLE)}\t{raw_url}".encode()).hexdigest()[:16]
    )
    title, _, subtitle = title_text.partition(" : ")
    out["title"] = trim_punctuation(title) or title_text
    out["subtitle"] = trim_punctuation(subtitle) or None
    out["title_sort"] = sort_key(title_text) or None
    out["authors"] = _authors(_text(get("first_author", "")), _text(get("first_editor", "")))
    out["publisher"] = _text(get("publisher_name", "")) or None
    date_text = next((d for c in _DATE_COLUMNS if (d := get(c, "")) and _year(d) is not None), None)
    out["year"] = _year(date_text) if date_text else None
    out["date"] = date_text if not is_serial else None
    out["edition"] = _edition(get("monograph_edition", ""))
    if get("monograph_volume"):
        out["title_parts"] = [get("monograph_volume")]


def _identifiers(
    cells: dict[str, str], warnings: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """(ISBN-13s, ISSNs, invalid ISBN-like values), online first: the union catalogue matches on
    them; an identifier that is neither valid ISBN nor ISSN is left out with a warning."""
    isbns: list[str] = []
    issns: list[str] = []
    invalid_isbns: list[str] = []
    for column in ("online_identifier", "print_identifier"):
        raw = cells.get(column, "")
        if not raw:
            continue
        kind, value = _identifier(column, raw)
        if kind == "isbn":
            if value not in isbns:
                isbns.append(value)
        elif kind == "issn":
            if value not in issns:
                issns.append(value)
        else:
            warnings.append(f"{column} {raw!r} is not a valid ISBN or ISSN; left out")
            if len(raw.replace("-", "").replace(" ", "")) in (10, 13):
                invalid_isbns.append(raw)
    return isbns, issns, invalid_isbns


def _title_url(raw_url: str, warnings: list[str]) -> str | None:
    """The row's link, or None (with a warning when there was one but not http(s))."""
    # Browsers send spaces in a link as %20; some lists have them (and no-break spaces) raw.
    url = clean_url(_INNER_SPACE.sub(lambda m: quote(m.group()), raw_url)) if raw_url else None
    if raw_url and url is None:
        warnings.append(f"title_url {raw_url!r} is not an http(s) URL; no link")
    return url


def _text(value: str) -> str:
    """A display value: HTML entities (&amp;) decoded, runs of spaces made one."""
    if "&" in value and ";" in value:
        value = html.unescape(value)
    if "  " in value or "\t" in value:
        value = _SPACES.sub(" ", value)
    return value.strip()


def _identifier(column: str, raw: str) -> tuple[str, str]:
    """("isbn", ISBN-13), ("issn", NNNN-NNNC) or ("invalid", raw); RecordError for damage."""
    if _EXPONENT.match(raw) or _DECIMAL.match(raw):
        raise RecordError(
            f"{column} {raw!r} looks like a number mangled by a spreadsheet; "
            "export identifiers as text"
        )
    compact = raw.replace("-", "").replace(" ", "").upper()
    if len(compact) == 8:
        issn = normalize_issn(raw)
        if issn:
            return "issn", issn
    else:
        isbn13 = normalize_isbn(raw)
        if isbn13:
            return "isbn", isbn13
    # Only a bare number: a spreadsheet never keeps hyphens in a value it took for a number.
    if raw.isdigit() and len(raw) < 10 and len(raw) != 8:
        guess = _lost_digits(raw)
        if guess:
            raise RecordError(
                f"{column} {raw!r} looks like a number that lost {guess[0]} in a spreadsheet "
                f"(was it {guess[1]}?); export identifiers as text"
            )
    return "invalid", raw


def _lost_digits(digits: str) -> tuple[str, str] | None:
    """What a spreadsheet dropped from a short all-digit identifier, when a valid one results."""
    if len(digits) < 8 and (issn := normalize_issn(digits.zfill(8))):
        return "its leading zero", issn
    if len(digits) == 7 and (issn := normalize_issn(digits + "X")):
        return "its check digit X", issn
    if len(digits) == 9 and normalize_isbn(digits.zfill(10)):
        return "its leading zero", digits.zfill(10)
    if len(digits) == 9 and normalize_isbn(digits + "X"):
        return "its check digit X", digits + "X"
    return None


def _online_number(raw: str) -> str | None:
    if not raw:
        return None
    return normalize_isbn(raw) or normalize_issn(raw)


def _is_serial(declared: str, cells: dict[str, str], isbns: list, issns: list) -> bool:
    if declared in SERIAL_TYPES:
        return True
    if declared in MONOGRAPH_TYPES:
        return False
    # No (or an unknown) publication_type, as in the BMC and EZB lists: a monograph shows an
    # ISBN or a monograph-only column; anything else is a serial.
    if isbns:
        return False
    return bool(issns) or not any(cells.get(c) for c in _MONOGRAPH_COLUMNS)


def _authors(author: str, editor: str) -> list[dict]:
    out = []
    if author:
        out.append({"name": author, "role": [], "type": "personal", "main": True})
    if editor:
        if out and out[0]["name"] == editor:  # AIP lists one person as both
            out[0]["role"] = ["editor"]
        else:
            out.append({"name": editor, "role": ["editor"], "type": "personal", "main": False})
    return out


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _edition(value: str) -> str | None:
    """KBART gives an edition number ("2"); as "2nd ed." it reads and matches like MARC's 250."""
    if not value:
        return None
    if not value.isdigit():
        return _text(value)
    n = int(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} ed."


def coverage_text(cells: dict[str, str]) -> str | None:
    """'Online coverage: 1998 (vol. 1, issue 1) to present; embargo: 1 year', or None."""
    get = cells.get
    start = _coverage_point(
        get("date_first_issue_online"), get("num_first_vol_online"), get("num_first_issue_online")
    )
    end = _coverage_point(
        get("date_last_issue_online"), get("num_last_vol_online"), get("num_last_issue_online")
    )
    parts = []
    if start:
        parts.append(f"{start} to {end or 'present'}")
    elif end:
        parts.append(f"up to {end}")
    parts += _embargo_texts(get("embargo_info") or "")
    depth = (get("coverage_depth") or "").strip()
    if depth.lower() not in _FULLTEXT_DEPTHS:
        parts.append(f"{depth} only" if depth.lower() in _NOT_FULLTEXT_DEPTHS else depth)
    return "Online coverage: " + "; ".join(parts) if parts else None


def _coverage_point(date: str | None, volume: str | None, issue: str | None) -> str:
    detail = ", ".join(
        p for p in (f"vol. {volume}" if volume else "", f"issue {issue}" if issue else "") if p
    )
    if date and detail:
        return f"{date} ({detail})"
    return date or detail


def _embargo_texts(value: str) -> list[str]:
    """KBART embargo codes: P1Y = the latest year is not online; R2Y = only the latest 2 years."""
    out = []
    for code in filter(None, (c.strip() for c in value.split(";"))):
        m = _EMBARGO.match(code)
        if m is None:
            out.append(f"embargo: {code}")
            continue
        kind, amount, unit = m.group(1).upper(), int(m.group(2)), _UNITS[m.group(3).upper()]
        span = f"{amount} {unit}{'s' if amount != 1 else ''}"
        out.append(f"embargo: {span}" if kind == "P" else f"most recent {span} only")
    return out
