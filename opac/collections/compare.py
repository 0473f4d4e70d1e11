"""Collection comparison for a region, as Jisc Library Hub Compare gives UK university libraries:
per member library the titles it holds and its last copies (titles no other member holds), and
the titles every pair of members both hold.

Everything is counted by the search engine over the merged documents, under the same filters a
reader uses (`format:Book`, `year:2010-2019`, `subject:...`), so a title held by five libraries
is one title, and the figures agree with the OPAC's facet counts. A pair's overlap is
|A| + |B| - |A or B|, where "A or B" is one filter with both values: every count is a count-only
search (no page, no facets), which the engine answers from its term index.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

from opac.search.service import SearchParams, SearchService

LIBRARY_FILTERS = ("library", "region")  # the comparison is across libraries: not a filter
LIST_PAGE = 5000  # documents per engine call when listing last copies (each call sorts anew)


@dataclass(frozen=True)
class LibraryRow:
    code: str
    name: str
    titles: int
    last_copies: int


@dataclass(frozen=True)
class Comparison:
    filters: tuple[tuple[str, str], ...]
    total: int  # titles in the region under the filters
    libraries: tuple[LibraryRow, ...]  # most titles first
    overlap: dict[tuple[str, str], int]  # (A, B) with A < B -> titles both hold
    seconds: float

    def shared(self, a: str, b: str) -> int:
        """Titles both `a` and `b` hold (a library with itself: its titles)."""
        if a == b:
            return next(row.titles for row in self.libraries if row.code == a)
        return self.overlap[(a, b) if a < b else (b, a)]


def check_filters(filters: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    for name, _ in filters:
        if name in LIBRARY_FILTERS:
            raise ValueError(f"a comparison is across every library: {name}: is not a filter here")
    return tuple(filters)


def compare_collections(
    service: SearchService, filters: tuple[tuple[str, str], ...] = ()
) -> Comparison:
    """Titles, last copies and pairwise overlap of every library that holds anything."""
    started = time.perf_counter()
    filters = check_filters(filters)

    def count(with_libraries: tuple[str, ...] = (), without: tuple[str, ...] = ()) -> int:
        params = SearchParams(
            filters=(*filters, *(("library", code) for code in with_libraries)),
            excludes=tuple(("library", code) for code in without),
        )
        return service.count(params)

    titles = _titles_by_library(service, filters)
    codes = sorted(titles)
    overlap = {}
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            overlap[(a, b)] = titles[a] + titles[b] - count((a, b))
    rows = tuple(
        sorted(
            (
                LibraryRow(
                    code,
                    _name(service, code),
                    titles[code],
                    count((code,), tuple(c for c in codes if c != code)),
                )
                for code in codes
            ),
            key=lambda row: (-row.titles, row.code),
        )
    )
    return Comparison(filters, count(), rows, overlap, time.perf_counter() - started)


def _titles_by_library(service: SearchService, filters) -> dict[str, int]:
    """Titles each library holds under `filters`: one search counting the library facet."""
    params = SearchParams(filters=filters, facets=())
    request = dataclasses.replace(
        service.request(params, 1, 1),
        limit=0,
        highlight=False,
        facets=("library",),
        facet_size=max(100, 2 * len(service.consortium.libraries)),
    )
    counted = service.engine.search(request).facets.get("library", ())
    return {value.value: value.count for value in counted if value.count}


def _name(service: SearchService, code: str) -> str:
    library = service.consortium.libraries.get(code)
    return library.name if library else code


def last_copies(
    service: SearchService, library: str, filters: tuple[tuple[str, str], ...] = ()
) -> Iterator[dict]:
    """The documents `library` holds and no other member does, by title: each as the API's
    result entry (id, title, authors, year, format, isbn, holdings...)."""
    filters = check_filters(filters)
    others = tuple(c for c in _titles_by_library(service, filters) if c != library)
    params = SearchParams(
        filters=(*filters, ("library", library)),
        excludes=tuple(("library", code) for code in others),
        sort="title",
        facets=(),
    )
    request = dataclasses.replace(
        service.request(params, 1, LIST_PAGE), highlight=False, prefer_library=None
    )
    offset = 0
    while True:
        result = service.engine.search(dataclasses.replace(request, offset=offset))
        for hit in result.hits:
            yield service.result_entry(hit.display)
        offset += LIST_PAGE
        if not result.hits or offset >= result.total:
            return


def libraries_csv(comparison: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["library", "name", "titles", "last_copies", "last_copies_share"])
    for row in comparison.libraries:
        share = row.last_copies / row.titles if row.titles else 0.0
        writer.writerow([row.code, row.name, row.titles, row.last_copies, f"{share:.3f}"])
    return out.getvalue()


def overlap_csv(comparison: Comparison) -> str:
    """The overlap matrix: titles both libraries hold (the diagonal: each library's titles)."""
    codes = [row.code for row in comparison.libraries]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["library", *codes])
    for a in codes:
        writer.writerow([a, *(comparison.shared(a, b) for b in codes)])
    return out.getvalue()


LAST_COPY_COLUMNS = ("id", "title", "authors", "year", "format", "isbn", "call_numbers")


def last_copies_csv(entries: Iterator[dict]) -> Iterator[str]:
    """CSV lines (header first) of `last_copies`, written as they are read."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(values) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()

    yield line(LAST_COPY_COLUMNS)
    for entry in entries:
        title = entry["title"] + (f" : {entry['subtitle']}" if entry.get("subtitle") else "")
        calls = sorted({h["call_number"] for h in entry["holdings"] if h.get("call_number")})
        yield line(
            [
                entry["id"],
                title,
                "; ".join(entry["authors"]),
                entry.get("year") or "",
                entry["format"],
                "; ".join(entry["isbn"]),
                "; ".join(calls),
            ]
        )
