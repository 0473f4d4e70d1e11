"""Browsing the catalogue as a shelf and as an index of names (no Flask).

A shelf is one library's (or the whole consortium's) call numbers of one scheme in shelf
order; an index is every author or subject heading in alphabetical order with how many titles
carry it, within a library's view. Each page starts from what a reader typed (`from`) or from
a position a previous page handed on (`after` / `before`: the exact term, so paging never
skips or repeats a title), and reads the engine's terms in order (Engine.browse_terms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.shelf.callnumber import SCHEMES, scheme_of, shelf_key
from indexer.shelf.terms import (
    BROWSE_FIELDS,
    SCOPE,
    SEP,
    heading,
    heading_sort,
    shelf_entry,
    shelf_scope,
)

PAGE = 20
NEAR = 3  # titles either side on a record page's shelves
MAX_SHELVES = 6  # shelves a record page shows
MAX_TEXT = 300  # characters of a reader's `from` (or a position) that count
AFTER = "\x00"  # appended to a position: the first term after it
CLASS_FIELDS = ("class_nlm", "class_lc", "class_dewey", "class_local")


class BrowseError(ValueError):
    """A browse asked for something that does not exist (a scheme, a kind of heading)."""


@dataclass
class BrowsePage:
    kind: str  # shelf, author or subject
    entries: list[dict]
    scheme: str = ""
    library: str = ""
    start: str = ""  # the reader's `from`, as typed
    here: int | None = None  # index of the first entry at or after `from` (the "you are here")
    previous: str | None = None  # `before` of the previous page
    next: str | None = None  # `after` of the next page
    extra: dict = field(default_factory=dict)


def clean(text: str | None) -> str:
    """A reader's text (or a handed-on position) as the engine may be asked it."""
    text = (text or "")[:MAX_TEXT]
    return "".join(c for c in text if c >= " " or c == SEP).replace(SCOPE, "")


class Browser:
    """Pages of shelves and headings from the engine; `get_many` gives the titles' records."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def _read(self, fieldname, scope, args, within=()) -> tuple[list, str | None, str | None]:
        """(terms of one page, previous page's `before`, next page's `after`) for `args`
        (start, before?) read in `fieldname` within `scope`."""
        start, before = args
        terms = self.engine.browse_terms(
            fieldname, scope, start, PAGE, before=before, within=within
        )
        if not terms:
            return [], None, None
        first, last = terms[0][0][len(scope) :], terms[-1][0][len(scope) :]
        more = self.engine.browse_terms
        has_previous = more(fieldname, scope, first, 1, before=True, within=within)
        has_next = more(fieldname, scope, last + AFTER, 1, within=within)
        return terms, first if has_previous else None, last if has_next else None

    def shelf(
        self,
        scheme: str,
        start: str = "",
        *,
        library: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> BrowsePage:
        if scheme not in SCHEMES:
            raise BrowseError(f"There is no shelf scheme {scheme!r} (try {', '.join(SCHEMES)}).")
        scope = shelf_scope(library, scheme)
        start = clean(start)
        origin = shelf_key(start, scheme) if start.strip() else ""
        terms, previous, following = self._read(
            BROWSE_FIELDS["shelf"], scope, _position(origin, clean(after), clean(before))
        )
        page = BrowsePage("shelf", self._rows(terms), scheme, library or "", start)
        page.previous, page.next = previous, following
        if origin and not (after or before):
            keys = [row["position"] for row in page.entries]
            page.here = next((i for i, key in enumerate(keys) if key >= origin), None)
        return page

    def shelves(self, library: str | None = None) -> list[str]:
        """The schemes with a shelf (of the library's, or the consortium's)."""
        scopes = {scheme: shelf_scope(library, scheme) for scheme in SCHEMES}
        return [s for s, scope in scopes.items() if self.engine.browse_terms("shelf", scope, "", 1)]

    def headings(
        self,
        kind: str,
        start: str = "",
        *,
        library: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> BrowsePage:
        if kind not in ("author", "subject"):
            raise BrowseError(f"There is no {kind!r} index (try author or subject).")
        origin = heading_sort(clean(start))
        within = (("library", library),) if library else ()
        terms, previous, following = self._read(
            BROWSE_FIELDS[kind], "", _position(origin, clean(after), clean(before)), within
        )
        page = BrowsePage(kind, [], "", library or "", clean(start))
        page.previous, page.next = previous, following
        for term, count in terms:
            found = heading(term, kind)
            if page.here is None and origin and not (after or before) and found.sort >= origin:
                page.here = len(page.entries)
            page.entries.append({"heading": found.text, "facet": found.facet, "titles": count})
        return page

    def near(self, record: dict, libraries: list[str] | None = None) -> list[dict]:
        """The shelves a record stands on (of `libraries`, default all; at most MAX_SHELVES),
        a few titles either side of it on each."""
        places = [
            (library, call_number, *scheme_and_key(call_number))
            for library, call_number in shelf_places(record)
            if libraries is None or library in libraries
        ][:MAX_SHELVES]
        sides = []
        for library, _, scheme, key in places:
            scope, position = shelf_scope(library, scheme), f"{key}{SEP}{record['id']}"
            before = self.engine.browse_terms("shelf", scope, position, NEAR, before=True)
            after = self.engine.browse_terms("shelf", scope, position + AFTER, NEAR)
            sides.append(
                (
                    [e for t, _ in before if (e := shelf_entry(t))],
                    [e for t, _ in after if (e := shelf_entry(t))],
                )
            )
        ids = [e.doc_id for pair in sides for side in pair for e in side]
        records = self.engine.get_many(ids) if ids else {}

        def rows(entries) -> list[dict]:
            return [shelf_row(e, records[e.doc_id]) for e in entries if e.doc_id in records]

        mine = {"id": record["id"], "title": record.get("title"), "here": True}
        return [
            {
                "library": library,
                "scheme": scheme,
                "call_number": call_number,
                "entries": rows(before) + [{**mine, "call_number": call_number}] + rows(after),
            }
            for (library, call_number, scheme, _), (before, after) in zip(
                places, sides, strict=True
            )
        ]

    def _rows(self, terms: list[tuple[str, int]]) -> list[dict]:
        entries = [e for t, _ in terms if (e := shelf_entry(t))]
        records = self.engine.get_many([e.doc_id for e in entries])
        return [shelf_row(e, records[e.doc_id]) for e in entries if e.doc_id in records]


def _position(origin: str, after: str, before: str) -> tuple[str, bool]:
    """(start, before?) of a page: a handed-on position wins over what the reader typed."""
    if before:
        return before, True
    if after:
        return after + AFTER, False
    return origin, False


def scheme_and_key(call_number: str) -> tuple[str, str]:
    scheme = scheme_of(call_number)
    return scheme, shelf_key(call_number, scheme)


def shelf_places(record: dict) -> list[tuple[str, str]]:
    """(library, call number) of a record's copies, each once; a library with no call number
    on its copies stands at the record's class mark (as the index shelves it)."""
    places = [
        (h.get("library"), h["call_number"].strip())
        for h in record.get("holdings") or []
        if h.get("library") and (h.get("call_number") or "").strip()
    ]
    have = {library for library, _ in places}
    for library in record.get("libraries") or []:
        if library not in have:
            for name in CLASS_FIELDS:
                value = record.get(name)
                marks = value if isinstance(value, list) else [value] if value else []
                places += [(library, m) for m in marks[:1] if isinstance(m, str) and m.strip()]
    return list(dict.fromkeys(places))


def shelf_row(entry, record: dict) -> dict:
    """One title on a shelf: its call number as that library wrote it, title, author, year."""
    call_number = next(
        (
            cn
            for library, cn in shelf_places(record)
            if entry.library in ("*", library) and scheme_and_key(cn)[1] == entry.key
        ),
        entry.key,
    )
    authors = record.get("authors") or []
    author = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
    return {
        "call_number": call_number,
        "id": record["id"],
        "title": record.get("title") or "[No title]",
        "author": author or record.get("responsibility") or "",
        "year": record.get("year"),
        "format": record.get("format"),
        "position": f"{entry.key}{SEP}{entry.doc_id}",
    }
