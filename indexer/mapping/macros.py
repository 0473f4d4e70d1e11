"""Named macros for mapped fields that need logic beyond a spec and a few steps.

A macro is a factory called once when the rules load with (args, maps, schemas_dir); it returns
the function the hot path calls with a record, which returns {output field: value}. A rule names
which of the macro's outputs it keeps (`field = "authors"` or `fields = [...]`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from indexer.mapping.article_ids import _article_ids
from indexer.mapping.formats import load_formats
from indexer.mapping.text import sort_key, trim_punctuation
from indexer.marc.record import Field, MarcRecord

MacroFn = Callable[[MarcRecord], dict]


@dataclass(frozen=True)
class MacroDef:
    factory: Callable[..., MacroFn]
    outputs: tuple[str, ...]
    args: dict[str, object]  # argument name -> default
    help: str
    # Tags the macro reads (a superset is fine), or a function of the rule's args giving them:
    # when a record has none of them the macro is skipped and its outputs keep their empty
    # values. None: always run.
    reads: frozenset[str] | Callable[[dict], frozenset[str]] | None = None


def _tags(*tags: str) -> frozenset[str]:
    return frozenset(tags)


# --- authors -------------------------------------------------------------------------------

_NAME_TAGS = {
    # tag: (type, main entry?, subfields forming the name, subfields holding relator terms)
    "100": ("personal", True, "abcdq", "e"),
    "110": ("corporate", True, "abcdgn", "e"),
    "111": ("meeting", True, "acdegnq", "j"),
    "700": ("personal", False, "abcdq", "e"),
    "710": ("corporate", False, "abcdgn", "e"),
    "711": ("meeting", False, "acdegnq", "j"),
}


def _authors(_args, maps, _schemas) -> MacroFn:
    relators = maps["relators"]
    tags = frozenset(_NAME_TAGS)

    def authors(record: MarcRecord) -> dict:
        out: list[dict] = []
        seen: dict[tuple[str, str], dict] = {}
        for f in record.fields:
            if f.tag not in tags:
                continue
            kind, main, name_codes, term_code = _NAME_TAGS[f.tag]
            parts: list[str] = []
            roles: list[str] = []
            for c, v in f.subfields:
                if not v:
                    continue
                if c in name_codes:
                    parts.append(v)
                elif c == term_code:
                    term = trim_punctuation(v).lower()
                    if term:
                        roles.append(term)
                elif c == "4":
                    # $4 holds a code ("edt.") or a URI ending in one (.../relators/edt).
                    code = v.strip().rstrip("/").rsplit("/", 1)[-1].strip(" .").lower()
                    term = relators.get(code)
                    if term:
                        roles.append(term)
            name = trim_punctuation(" ".join(parts))
            if not name:
                continue
            key = (name, kind)
            if key in seen:  # the same name twice (100 and 700): one author, roles merged
                author = seen[key]
                author["role"] = list(dict.fromkeys(author["role"] + roles))
                author["main"] = author["main"] or main
                continue
            author = {"name": name, "role": list(dict.fromkeys(roles)), "type": kind, "main": main}
            seen[key] = author
            out.append(author)
        return {"authors": out}

    return authors


# --- subjects ------------------------------------------------------------------------------


def _subjects(args, _maps, _schemas) -> MacroFn:
    local_tags = frozenset(args["local_tags"])
    uncontrolled_tags = frozenset(args["uncontrolled_tags"])
    tags = frozenset(args["tags"]) | local_tags | uncontrolled_tags
    by_indicator = dict(args["by_indicator"])
    by_source = dict(args["by_source"])
    source_default = args["other_source"]
    heading_codes = args["heading_codes"]
    subdivisions = args["subdivisions"]
    outputs = sorted({*by_indicator.values(), *by_source.values(), source_default, args["local"]})
    local = args["local"]

    fixed = dict.fromkeys(local_tags, local) | dict.fromkeys(uncontrolled_tags, source_default)

    def subjects(record: MarcRecord) -> dict:
        out: dict[str, list[str]] = {name: [] for name in outputs}
        for f in record.fields:
            if f.tag not in tags:
                continue
            target = fixed.get(f.tag)
            if target is None:
                if f.ind2 == "7":
                    source = (f.get("2") or "").strip().lower()
                    if not source:
                        continue
                    target = by_source.get(source, source_default)
                else:
                    target = by_indicator.get(f.ind2)
                    if target is None:
                        continue
            heading = _heading(f, heading_codes, subdivisions)
            if heading and heading not in out[target]:
                out[target].append(heading)
        return out

    return subjects


def _heading(f: Field, heading_codes: str, subdivisions: str) -> str:
    main: list[str] = []
    subs: list[str] = []
    for c, v in f.subfields:
        if not v:
            continue
        if c in subdivisions:
            subs.append(trim_punctuation(v))
        elif c in heading_codes:
            main.append(v)
    parts = [trim_punctuation(" ".join(main))] if main else []
    return " -- ".join(p for p in (*parts, *subs) if p)


# --- imprint and year ----------------------------------------------------------------------


def _imprint_field(record: MarcRecord) -> Field | None:
    """264 with second indicator 1 (publication), else 260, else any other 264."""
    f264 = record.get_fields("264")
    for f in f264:
        if f.ind2 == "1":
            return f
    f260 = record.first("260")
    if f260 is not None:
        return f260
    return f264[0] if f264 else None


def _imprint(_args, _maps, _schemas) -> MacroFn:
    def imprint(record: MarcRecord) -> dict:
        f = _imprint_field(record)
        if f is None:
            return {"publisher": None, "place": None, "date": None}

        found: dict[str, list[str]] = {"a": [], "b": [], "c": []}
        for c, v in f.subfields:
            if c in found:
                v = trim_punctuation(v)
                if v:
                    found[c].append(v)
        return {
            "publisher": " ; ".join(found["b"]) or None,
            "place": " ; ".join(found["a"]) or None,
            "date": " ; ".join(found["c"]) or None,
        }

    return imprint


_YEAR_IN_TEXT = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _plausible(year: int) -> bool:
    return 1000 <= year <= datetime.date.today().year + 1


def _year_or_none(text: str) -> int | None:
    if len(text) == 4 and text.isdigit() and _plausible(int(text)):
        return int(text)
    return None


def year_of(record: MarcRecord) -> int | None:
    """008/07-10 when a plausible 4-digit year, else the first plausible year in 260/264 $c."""
    f008 = record.control("008") or ""
    date1 = _year_or_none(f008[7:11])
    if date1 is not None:
        date2 = _year_or_none(f008[11:15]) if f008[6:7] == "r" else None
        # Type r puts the reprint date first and the original second; a reprint cannot predate
        # its original, so a later Date2 means the two were entered the wrong way round.
        return max(date1, date2) if date2 is not None else date1
    f = _imprint_field(record)
    fields = [f] if f is not None else []
    fields += [x for x in record.get_fields("260", "264") if x is not f]
    for field in fields:
        for text in field.get_all("c"):
            for m in _YEAR_IN_TEXT.finditer(text):
                if _plausible(int(m.group(1))):
                    return int(m.group(1))
    return None


def _year(_args, _maps, _schemas) -> MacroFn:
    return lambda record: {"year": year_of(record)}


# --- titles --------------------------------------------------------------------------------


def _title_sort(args, _maps, _schemas) -> MacroFn:
    codes = args["codes"]

    def title_sort(record: MarcRecord) -> dict:
        f = record.first("245")
        if f is None:
            return {"title_sort": None}
        text = " ".join(v for c, v in f.subfields if c in codes and v)
        skip = int(f.ind2) if f.ind2.isdigit() else 0
        # The count covers an article and what ends it ("The ", "L'"). A miscoded count that
        # would cut a word in two ("A history" with 4) is ignored rather than obeyed.
        if 0 < skip < len(text) and not text[skip - 1].isalnum():
            text = text[skip:]
        return {"title_sort": sort_key(text) or None}

    return title_sort


# --- format --------------------------------------------------------------------------------


def _format(args, _maps, schemas: Path) -> MacroFn:
    classifier = load_formats(schemas / args["table"])
    return lambda record: {"format": classifier.classify(record)}


# --- links ---------------------------------------------------------------------------------

# $3 naming a part of the book rather than the book itself: the link is related, not full text.
_NOT_FULLTEXT = re.compile(
    r"contents|publisher description|biographical|sample text|cover image|book review"
    r"|finding aid|collection guide",
    re.IGNORECASE,
)
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


def clean_url(raw: str) -> str | None:
    """The URL when it is a plain http(s) URL with a host, else None (javascript:, spaces...)."""
    url = raw.strip()
    if not url or _CONTROL_OR_SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _links(_args, _maps, _schemas) -> MacroFn:
    def links(record: MarcRecord) -> dict:
        out: list[dict] = []
        seen: set[str] = set()
        for f in record.get_fields("856"):
            materials = trim_punctuation(" ".join(f.get_all("3"))) or None
            note = trim_punctuation(" ".join(f.get_all("z"))) or None
            label_text = trim_punctuation(" ".join(f.get_all("y"))) or None
            fulltext = f.ind2 in ("0", "1") and not (materials and _NOT_FULLTEXT.search(materials))
            for raw in f.get_all("u"):
                url = clean_url(raw)
                if url is None or url in seen:
                    continue
                seen.add(url)
                label = label_text or note or materials or urlsplit(url).hostname
                out.append(
                    {
                        "url": url,
                        "label": label,
                        "note": note,
                        "materials": materials,
                        "kind": "fulltext" if fulltext else "related",
                    }
                )
        return {"links": out}

    return links


SUBJECT_ARGS = {
    "tags": ["600", "610", "611", "630", "647", "648", "650", "651", "654", "656", "657"],
    "local_tags": [f"69{d}" for d in range(10)],
    "uncontrolled_tags": ["653"],  # index terms with no vocabulary: "other"
    "local": "subject_local",
    # 0 LCSH, 1 LC children's, 2 MeSH, 3 NAL, 4 source not specified (local), 5 Canadian,
    # 6 Répertoire de vedettes-matière; 7 = named in $2 (see by_source).
    "by_indicator": {
        "0": "subject_lcsh",
        "1": "subject_other",
        "2": "subject_mesh",
        "3": "subject_other",
        "4": "subject_local",
        "5": "subject_other",
        "6": "subject_other",
    },
    "by_source": {"mesh": "subject_mesh", "lcsh": "subject_lcsh", "local": "subject_local"},
    "other_source": "subject_other",  # indicator 7 with any other $2 (fast, aat, ...)
    "heading_codes": "abcdfghklmnopqrstu",
    "subdivisions": "vxyz",
}

MACROS: dict[str, MacroDef] = {
    "authors": MacroDef(
        _authors, ("authors",), {}, "1XX/7XX names with roles", frozenset(_NAME_TAGS)
    ),
    "subjects": MacroDef(
        _subjects,
        ("subject_mesh", "subject_lcsh", "subject_other", "subject_local"),
        SUBJECT_ARGS,
        "6XX headings split by vocabulary (second indicator, $2 for indicator 7)",
        lambda args: frozenset([*args["tags"], *args["local_tags"], *args["uncontrolled_tags"]]),
    ),
    "imprint": MacroDef(
        _imprint, ("publisher", "place", "date"), {}, "260/264 publication", _tags("260", "264")
    ),
    "year": MacroDef(
        _year, ("year",), {}, "Year from 008/07-10, else 260/264 $c", _tags("008", "260", "264")
    ),
    "title_sort": MacroDef(
        _title_sort,
        ("title_sort",),
        {"codes": "abnp"},
        "245 without non-filing characters",
        _tags("245"),
    ),
    "format": MacroDef(_format, ("format",), {"table": "formats.toml"}, "Format classifier"),
    "links": MacroDef(_links, ("links",), {}, "856 links, http(s) only", _tags("856")),
    # --- full text (issue 20, part 2) ---
    "article_ids": MacroDef(
        _article_ids,
        ("doi", "pmid"),
        {},
        "DOIs and PubMed ids from 024 ($2 doi, pmid), 035 (PubMed) and 856 resolver links",
        _tags("024", "035", "856"),
    ),
}
