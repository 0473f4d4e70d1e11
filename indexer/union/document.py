"""Search documents: one per title, built from the member records that describe it.

A *member* is one library's record of a title: its mapped fields (from the rules), its holdings
(from the library's holdings profile) and why it belongs to the document. The document carries the
index fields of `schemas/fields.toml` plus `display`, the JSON the OPAC, the API and the feeds show.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import partial

from indexer.libraries import Library
from indexer.normalise import normalise_title
from indexer.shelf.terms import author_terms, shelf_terms, subject_terms

ID_SAFE = re.compile(r"^[A-Za-z0-9._]{1,64}$")

# Mapped fields copied into the display record as they are.
DISPLAY_FIELDS = (
    "title", "subtitle", "responsibility", "title_alt", "authors", "subject_mesh", "subject_lcsh",
    "subject_other", "subject_local", "genre", "publisher", "place", "date", "year", "edition",
    "physical", "series", "notes", "bibliography", "contents", "summary", "isbn_display", "issn",
    "oclc", "lccn", "class_nlm", "class_lc", "class_dewey", "class_local", "languages",
    "language_codes", "format", "doi", "pmid",
)  # fmt: skip


@dataclass(slots=True)
class Member:
    """One library's record of a title."""

    library: Library
    record_id: str
    mapped: dict
    holdings: list[dict] = field(default_factory=list)
    reason: str = "single record"

    @property
    def key(self) -> str:
        return f"{self.library.code}:{self.record_id}"


def record_doc_id(library_code: str, record_id: str) -> str:
    """A short stable id without hyphens: LIB.CONTROLNUMBER, or a digest when that is unsafe."""
    candidate = f"{library_code}.{record_id}"
    if ID_SAFE.match(candidate):
        return candidate
    digest = hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:16]
    return f"{library_code}.h{digest}"


def completeness(member: Member) -> int:
    """How complete a record is: the first part of the stated display-record rule."""
    m = member.mapped
    score = sum(1 for k in DISPLAY_FIELDS if m.get(k))
    return score * 10 + min(len(m.get("subject_mesh") or []) + len(m.get("authors") or []), 9)


def choose_display(members: list[Member]) -> Member:
    """Most complete record; ties go to the library with the lowest priority number, then id."""
    if len(members) == 1:
        return members[0]
    return min(
        members,
        key=lambda mb: (-completeness(mb), mb.library.priority, mb.library.code, mb.record_id),
    )


def _holding_entry(member: Member, holding: dict) -> dict:
    lib = member.library
    site = holding.get("site") or ""
    return {
        **holding,
        "library": lib.code,
        "library_name": lib.name,
        "site_name": lib.sites.get(site, site) if site else "",
        "record_id": member.record_id,
    }


def _links(members: list[Member]) -> list[dict]:
    """Online links, each once per URL, with the proxied URL of every library that offers it."""
    seen: dict[str, dict] = {}
    for mb in members:
        for link in mb.mapped.get("links") or []:
            entry = seen.setdefault(link["url"], {**link, "access": []})
            entry["access"].append(
                {"library": mb.library.code, "url": mb.library.proxied(link["url"])}
            )
    return list(seen.values())


def _availability(holdings: list[dict], links: list[dict], fmt: str) -> tuple[set[str], set[str]]:
    states: set[str] = set()
    available_at: set[str] = set()
    for h in holdings:
        status = h.get("status")
        if status == "available":
            states.add("available")
            available_at.add(h["library"])
        elif status == "on_loan":
            states.add("on_loan")
        elif status == "reference":
            states.add("reference")
    if any(link.get("kind") == "fulltext" for link in links) or fmt.startswith("E-"):
        if links:
            states.add("online")
            for link in links:
                available_at.update(a["library"] for a in link["access"])
    return states, available_at


def _subject_fields(gather) -> dict:
    """The subject headings, searched together, faceted and browsed by vocabulary."""
    mesh, lcsh = gather("subject_mesh"), gather("subject_lcsh")
    other, local = gather("subject_other"), gather("subject_local")
    return {
        "subject": mesh + lcsh + other + local + gather("genre"),
        "subject_mesh_facet": mesh,
        "subject_facet": lcsh + other + local,
        "subject_browse": subject_terms({"mesh": mesh, "subject": lcsh + other + local}),
    }


def build_document(members: list[Member], doc_id: str | None = None) -> dict:
    """The search document for a title held by `members` (one or more libraries)."""
    display_member = choose_display(members)
    m = display_member.mapped
    holdings = [
        _holding_entry(mb, h) for mb in members for h in mb.holdings if h.get("public", True)
    ]
    links = _links(members)
    fmt = m.get("format") or "Other"
    states, available_at = _availability(holdings, links, fmt)
    libraries = sorted({mb.library.code for mb in members})
    doc_id = doc_id or record_doc_id(display_member.library.code, display_member.record_id)
    display = _display(display_member, members, doc_id, holdings, links, libraries, states)
    gather = partial(_gather, members)
    title = m.get("title") or ""
    subtitle = m.get("subtitle") or ""
    full_title = f"{title} {subtitle}".strip()
    authors = [a["name"] for a in (m.get("authors") or []) if a.get("name")]
    names = gather_names(members)
    callnumbers = gather("class_nlm") + gather("class_lc") + gather("class_dewey")
    callnumbers += gather("class_local")
    callnumbers += [h["call_number"] for h in holdings if h.get("call_number")]
    # Only when there are any: a document without stays as it was (its hash, its datestamp).
    article_ids = {key: values for key in ("doi", "pmid") if (values := gather(key))}
    return {
        **article_ids,
        "id": doc_id,
        "title": title,
        "subtitle": subtitle,
        "title_alt": gather("title_alt"),
        "title_exact": sorted({normalise_title(full_title), normalise_title(title)} - {""}),
        "title_sort": m.get("title_sort") or normalise_title(title),
        "responsibility": m.get("responsibility") or "",
        "author": names,
        "author_facet": names,
        "author_sort": normalise_title(authors[0]) if authors else "",
        **_subject_fields(gather),
        "series": gather("series"),
        "publisher": [p for p in (m.get("publisher"), m.get("place")) if p],
        "notes": gather("notes") + gather("contents") + gather("summary") + gather("bibliography"),
        "isbn": gather("isbn"),
        "issn": gather("issn"),
        "identifier": gather("oclc") + gather("lccn") + [mb.record_id for mb in members],
        "callnumber": sorted({"".join(c.split()).upper() for c in callnumbers}),
        "callnumber_text": callnumbers,
        "year": m.get("year"),
        "format": fmt,
        "language": gather("languages"),
        "library": libraries,
        "site": sorted({f"{h['library']}/{h['site']}" for h in holdings if h.get("site")}),
        "availability": sorted(states),
        "available_library": sorted(available_at),
        "record_key": [mb.key for mb in members],
        "shelf": shelf_terms(doc_id, _shelved(members, holdings)),
        "author_browse": author_terms(names),
        "display": display,
    }


def _shelved(members: list[Member], holdings: list[dict]) -> list[tuple[str, str]]:
    """(library, call number) of every copy; a library whose copies have none shelves the title
    at its record's class mark (060, 050, 082, 090...)."""
    found = [(h["library"], h["call_number"]) for h in holdings if h.get("call_number")]
    have = {library for library, _ in found}
    for mb in members:
        if mb.library.code not in have:
            for key in ("class_nlm", "class_lc", "class_dewey", "class_local"):
                found += [(mb.library.code, c) for c in _values(mb.mapped.get(key))[:1]]
    return found


def _values(value) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return [value] if isinstance(value, str) and value.strip() else []


def _display(
    display_member: Member,
    members: list[Member],
    doc_id: str,
    holdings: list[dict],
    links: list[dict],
    libraries: list[str],
    states: set[str],
) -> dict:
    """What the OPAC, the API and the feeds show: the chosen record's fields, every copy."""
    m = display_member.mapped
    display = {k: v for k in DISPLAY_FIELDS if (v := m.get(k)) is not None and v != "" and v != []}
    display.update(
        id=doc_id,
        holdings=holdings,
        links=links,
        members=[
            {"library": mb.library.code, "record_id": mb.record_id, "reason": mb.reason}
            for mb in members
        ],
        libraries=libraries,
        available=bool(states & {"available", "online"}),
        display_record=display_member.key,
    )
    if coverage := _coverage(members):
        display["coverage"] = coverage
    return display


def _coverage(members: list[Member]) -> list[dict]:
    """Every member's KBART coverage spans, each with the library that licenses it."""
    return [
        {**span, "library": mb.library.code}
        for mb in members
        for span in mb.mapped.get("coverage") or []
    ]


def _gather(members: list[Member], key: str) -> list:
    """Every member's values of `key`, each once, in member order."""
    values: list = []
    for mb in members:
        value = mb.mapped.get(key)
        if isinstance(value, list):
            values.extend(value)
        elif value is not None and value != "":
            values.append(value)
    return list(dict.fromkeys(values)) if len(members) > 1 else values


def gather_names(members: list[Member]) -> list[str]:
    names: list[str] = []
    for mb in members:
        for author in mb.mapped.get("authors") or []:
            name = author.get("name")
            if name and name not in names:
                names.append(name)
    return names
