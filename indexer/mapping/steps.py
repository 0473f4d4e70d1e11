"""Named pipeline steps a rule can list after its `from` specs.

A step takes the list of values so far and returns a new list. In a rule it is written as a
name ("unique") or, with named arguments, as an inline table:
{ step = "map", table = "languages" }.
Each entry in STEPS is a factory: it receives the arguments (and the loaded code tables) once,
when the rules load, and returns the function the hot path calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.mapping import isbn as isbn_codes
from indexer.mapping.text import trim_punctuation

Values = list[str]
StepFn = Callable[[Values], Values]


@dataclass(frozen=True)
class StepDef:
    factory: Callable[..., StepFn]
    args: dict[str, object]  # argument name -> default (REQUIRED when it has none)
    help: str


REQUIRED = object()


def _strip(_maps) -> StepFn:
    return lambda values: [s for s in (v.strip() for v in values) if s]


def _trim(_maps) -> StepFn:
    return lambda values: [s for s in (trim_punctuation(v) for v in values) if s]


def _unique(_maps) -> StepFn:
    return lambda values: list(dict.fromkeys(values))


def _first(_maps) -> StepFn:
    return lambda values: values[:1]


def _join(_maps, separator: str) -> StepFn:
    return lambda values: [separator.join(values)] if values else []


def _lower(_maps) -> StepFn:
    return lambda values: [v.lower() for v in values]


def _reject(_maps, values: list[str]) -> StepFn:
    rejected = set(values)
    return lambda vals: [v for v in vals if v not in rejected]


def _map(maps, table: str, keep_unknown: bool) -> StepFn:
    mapping = maps[table]
    if keep_unknown:
        return lambda values: [mapping.get(v, v) for v in values]
    return lambda values: [mapping[v] for v in values if v in mapping]


def _split_codes(_maps, width: int) -> StepFn:
    # 041 $a "engfre" packs several codes in one subfield (pre-2001 practice).
    def split(values: Values) -> Values:
        out = []
        for v in values:
            v = v.strip().lower()
            if len(v) > width and len(v) % width == 0:
                out.extend(v[i : i + width] for i in range(0, len(v), width))
            elif v:
                out.append(v)
        return out

    return split


ISBN_FORMS = ("both", "isbn13", "invalid")


def _isbn(_maps, form: str) -> StepFn:
    if form not in ISBN_FORMS:
        raise ValueError(f"form must be one of {ISBN_FORMS}, not {form!r}")

    def isbns(values: Values) -> Values:
        valid, invalid = isbn_codes.split_isbns(values)
        if form == "invalid":
            return invalid
        if form == "isbn13":
            return valid
        both: Values = []
        for isbn13 in valid:
            both.append(isbn13)
            isbn10 = isbn_codes.isbn13_to_10(isbn13)
            if isbn10:
                both.append(isbn10)
        return both

    return isbns


def _issn(_maps) -> StepFn:
    return lambda values: [s for s in map(isbn_codes.normalize_issn, values) if s]


_OCLC = re.compile(r"^\s*\(OCoLC\)\s*(?:ocm|ocn|on)?\s*0*([0-9]+)\s*$")


def _oclc(_maps) -> StepFn:
    def oclc(values: Values) -> Values:
        return [m.group(1) for m in (_OCLC.match(v) for v in values if "OCoLC" in v) if m]

    return oclc


_LCCN_PREFIX_AND_NUMBER = re.compile(r"^([a-z]*)(\d{2}|\d{4})-?(\d{1,6})$")


def normalize_lccn(raw: str) -> str | None:
    """LC's normalisation: no spaces or text after '/', hyphen removed, serial padded to 6."""
    s = raw.strip().split("/")[0].replace(" ", "").lower()
    m = _LCCN_PREFIX_AND_NUMBER.match(s)
    if m is None:
        return s or None
    prefix, year, serial = m.groups()
    return f"{prefix}{year}{serial.zfill(6)}"


def _lccn(_maps) -> StepFn:
    return lambda values: [s for s in map(normalize_lccn, values) if s]


_PAGE_COUNT = re.compile(r"(\d+)\s*(?:p\b|p\.|pp\b|pages?\b|leaves\b|unnumbered pages)")


def _pages(_maps) -> StepFn:
    # "xii, 345 p." -> 345; "1 online resource (xv, 230 pages)" -> 230; "2 v." -> nothing.
    def pages(values: Values) -> Values:
        out = []
        for v in values:
            counts = [int(n) for n in _PAGE_COUNT.findall(v)]
            if counts:
                out.append(str(max(counts)))
        return out

    return pages


STEPS: dict[str, StepDef] = {
    "strip": StepDef(_strip, {}, "Trim whitespace; drop empty values"),
    "trim_punctuation": StepDef(_trim, {}, "Remove trailing ISBD punctuation ( /:;,=.)"),
    "unique": StepDef(_unique, {}, "Drop repeated values, keeping the first"),
    "first": StepDef(_first, {}, "Keep only the first value"),
    "join": StepDef(_join, {"separator": " "}, "Join all values into one"),
    "lower": StepDef(_lower, {}, "Lower-case"),
    "reject": StepDef(_reject, {"values": REQUIRED}, "Drop the listed values"),
    "map": StepDef(
        _map,
        {"table": REQUIRED, "keep_unknown": False},
        "Translate through a code table in schemas/maps/",
    ),
    "split_codes": StepDef(_split_codes, {"width": 3}, "Split packed codes (041 'engfre')"),
    "isbn": StepDef(
        _isbn,
        {"form": "both"},
        "Valid ISBNs: form both (13 and 10), isbn13, or invalid (the values that failed)",
    ),
    "issn": StepDef(_issn, {}, "Valid ISSNs as NNNN-NNNC"),
    "oclc": StepDef(_oclc, {}, "OCLC numbers from (OCoLC) values, prefixes and zeros stripped"),
    "lccn": StepDef(_lccn, {}, "LCCN normalised the way LC does"),
    "pages": StepDef(_pages, {}, "Page count from a 300 $a extent"),
}
