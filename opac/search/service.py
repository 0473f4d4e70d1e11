"""The search service: reader's parameters -> engine request -> the API's response dict.

No Flask here: the web pages, the JSON API and `lantern search --json` all call this, so they
return exactly the same thing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.availability.heal import Healer
from indexer.availability.live import Answer, LiveAvailability
from indexer.availability.overlay import LoadTimes, now_status, overlay, wanted_of
from indexer.engine import SORTS, SearchRequest, open_engine
from indexer.engine.base import EXPLAIN
from indexer.engine.fields import load_sorts
from indexer.errors import UnknownFieldError
from indexer.feed.availability import availability
from indexer.feed.setup import open_provider
from indexer.lastgood import read_or_keep
from indexer.libraries import load_consortium
from indexer.searchlog.buffer import open_search_log
from opac.search.browse import Browser
from opac.search.copies import (
    RESULT_COPIES_PER_LIBRARY,
    copies_by_library,
    copies_of,
    most_useful_copies,
)
from opac.search.explode import explodable, narrower_filter
from opac.search.facets import (  # noqa: F401 (FACETS, PSEUDO_FILTERS: the API describes them)
    FACETS,
    PSEUDO_FILTERS,
    facet_entries,
    facet_label,
    years_of,
)
from opac.search.fulltext import fulltext_of, holders_links
from opac.search.searchlog import log_search
from opac.search.snippets import with_subjects_apart

MAX_PAGE_SIZE = 100
MAX_RESULT_DEPTH = 1_000  # deepest result a reader can page to (stated on the results page)
SORT_LABELS = load_sorts()  # the sort menu; the names are indexer.engine.SORTS
FACET_SIZE = 30  # values per facet: the page shows a few and "more" shows the rest
SUGGEST_SIZE = 8


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    page: int = 1
    size: int = 20
    sort: str = "relevance"
    filters: tuple[tuple[str, str], ...] = ()
    excludes: tuple[tuple[str, str], ...] = ()
    # The part of the index a page searches, as filter pairs (library, site or region) that
    # every count obeys; the reader's filters narrow it and never widen it.
    within: tuple[tuple[str, str], ...] = ()
    scope: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    facets: tuple[str, ...] = field(default_factory=lambda: tuple(FACETS))
    notices: tuple[str, ...] = ()  # what reading the parameters changed, for the reader
    from_suggestion: bool = False  # the reader took a "did you mean" (for the search log)
    synonyms: bool = True  # False: search the reader's words only (synonyms=off)
    explode: bool = False  # MeSH headings and mesh filters with their narrower headings


class SearchService:
    def __init__(self, engine, consortium, search_log=None, reports_dir=None) -> None:
        self.engine = engine
        self.consortium = consortium
        self.search_log = search_log  # indexer.searchlog SearchLog, or None: nothing logged
        self.live = LiveAvailability(consortium)  # the member systems, asked now
        self.loads = LoadTimes(reports_dir)  # when each library was last loaded
        self.healer: Healer | None = None  # corrects the index from live answers
        self.mesh_path = None  # the imported MeSH vocabulary (DATA_DIR/mesh.sqlite)
        self.browse = Browser(engine)  # shelves and A to Z indexes of names (browse.py)

    def region_libraries(self, region: str) -> list[str]:
        key = region.strip().upper()
        return sorted(
            c for c, lib in self.consortium.libraries.items() if (lib.region or "").upper() == key
        )

    def _group(self, pairs: tuple[tuple[str, str], ...], explode: bool = False) -> tuple:
        grouped: dict[str, list[str]] = {}
        for name, value in pairs:
            if explode and name == "mesh" and (trees := narrower_filter(self.mesh_path, value)):
                grouped.setdefault("mesh_tree", []).extend(trees)
            elif name == "region":
                grouped.setdefault("library", []).extend(self.region_libraries(value) or ["-"])
            elif name == "year":
                grouped.setdefault("year", []).extend(years_of(value))
            elif name in FACETS:
                grouped.setdefault(FACETS[name], []).append(value)
            else:
                raise UnknownFieldError(
                    f"There is no facet {name[:40]!r} to filter on; facets: "
                    f"{', '.join([*FACETS, *PSEUDO_FILTERS])}."
                )
        return tuple((k, tuple(dict.fromkeys(v))) for k, v in grouped.items())

    def request(self, params: SearchParams, page: int, size: int) -> SearchRequest:
        # A region is a set of libraries that bounds every count, the library facet's too (as a
        # filter on `library` it would be counted without, and ORed with, the libraries chosen).
        regions = tuple(pair for pair in params.filters if pair[0] == "region")
        within = [self._group((pair,))[0] for pair in params.within]
        return SearchRequest(
            text=params.q,
            filters=self._group(
                tuple(p for p in params.filters if p[0] != "region"), params.explode
            ),
            within=tuple(within) + self._group(regions),
            excludes=self._group(params.excludes),
            year_from=params.year_from,
            year_to=params.year_to,
            facets=tuple(FACETS[f] for f in params.facets if f in FACETS),
            facet_size=FACET_SIZE,
            facet_sizes=(("year", 2000),),  # every year, summed into the ranges below
            sort=params.sort if params.sort in SORTS else "relevance",
            offset=(page - 1) * size,
            limit=size,
            prefer_library=(params.scope or "").upper() or None,
            highlight=True,
            synonyms=params.synonyms,
            explode=params.explode,
        )

    def search(self, params: SearchParams, *, log: str | None = None) -> dict:
        """One page of results. log: "page" or "api" when this is a reader's search, which goes
        to the search log (never a staff preview, a feed or the terminal's `lantern search`)."""
        started = time.perf_counter()
        size = max(1, min(params.size, MAX_PAGE_SIZE))
        page = max(1, min(params.page, MAX_RESULT_DEPTH // size))
        result = self.engine.search(self.request(params, page, size))
        last = max(1, min(-(-result.total // size), MAX_RESULT_DEPTH // size))
        if page > last:  # past the end (an old link, a hand-made URL): show the last page
            page = last
            result = self.engine.search(self.request(params, page, size))
        out = {
            "total": result.total,
            "page": page,
            "size": size,
            "max_page": last,
            "max_depth": MAX_RESULT_DEPTH,
            "results": [
                self.result_entry(
                    hit.display, hit.highlights, copies_per_library=RESULT_COPIES_PER_LIBRARY
                )
                for hit in result.hits
            ],
            "facets": self.facets(params, result.facets),
            "relaxed": bool(getattr(result, "relaxed", False)),
            "fuzzy": bool(getattr(result, "fuzzy", False)),
            "suggestion": getattr(result, "suggestion", None),
            "notices": [*params.notices, *result.notes],
            "ignored": list(result.ignored),
            "expanded": [{"words": w, "also": list(also)} for w, also in result.expanded],
            "synonyms": params.synonyms,
            "explode": params.explode,
            "explodable": explodable(params),
        }
        if log and self.search_log is not None:
            log_search(self.search_log, params, out, started, log)
        return out

    @property
    def explains(self) -> bool:
        return EXPLAIN in self.engine.capabilities

    def explain(self, params: SearchParams, doc_ids: list[str]) -> dict:
        """id -> engine.Explanation of its score, for the search `search(params)` runs."""
        size = max(1, min(params.size, MAX_PAGE_SIZE))
        return self.engine.explain(self.request(params, 1, size), doc_ids)

    def count(self, params: SearchParams) -> int:
        """How many records a search finds (for "widen to the region" links)."""
        request = self.request(dataclasses.replace(params, facets=()), 1, 1)
        return self.engine.search(dataclasses.replace(request, limit=0)).total

    def neighbours(self, params: SearchParams, position: int) -> tuple[int, list[dict], int]:
        """(first position, results, total): the ids and titles of results position-1 ..
        position+1 (from 1) of a search, for a record page's previous and next links; no facets,
        no highlights, not logged."""
        first = max(1, position - 1)
        request = self.request(dataclasses.replace(params, facets=()), 1, 1)
        request = dataclasses.replace(
            request, offset=first - 1, limit=position + 2 - first, highlight=False
        )
        result = self.engine.search(request)
        hits = [{"id": h.id, "title": h.display.get("title") or "[no title]"} for h in result.hits]
        return first, hits, result.total

    def facets(self, params: SearchParams, counted: dict) -> dict:
        return facet_entries(params, counted, self.consortium)

    def facet_label(self, facet: str, value) -> str:
        return facet_label(self.consortium, facet, value)

    def suggest(self, text: str, limit: int = SUGGEST_SIZE) -> dict:
        found = self.engine.suggest(text, limit) if text.strip() else []
        return {"query": text, "suggestions": [{"text": s.text, "kind": s.kind} for s in found]}

    def result_entry(
        self,
        display: dict,
        highlights: dict | None = None,
        *,
        copies_per_library: int | None = None,
    ) -> dict:
        """A result as the API shows it; copies_per_library: list at most that many copies of
        each library (the most useful ones), as a result list does."""
        entries = copies_of(display, self.consortium)
        total = len(entries)
        if copies_per_library is not None:
            entries = most_useful_copies(entries, copies_per_library)
        return {
            "id": display["id"],
            "title": display.get("title") or "[no title]",
            "subtitle": display.get("subtitle") or "",
            "authors": [a["name"] for a in display.get("authors") or []],
            "year": display.get("year"),
            "format": display.get("format") or "Other",
            "isbn": display.get("isbn_display") or [],
            "available": bool(display.get("available")),
            "members": display.get("members") or [],
            "holdings": entries,
            "holdings_total": total,
            "links": [
                {
                    "url": a["url"],
                    "label": link.get("label") or "Online access",
                    "library": a["library"],
                }
                for link in display.get("links") or []
                for a in link.get("access", [])
            ],
            "fulltext": holders_links(display, self.consortium),
            "highlight": with_subjects_apart(highlights, display),
        }

    def record(self, doc_id: str, within: list[str] | None = None) -> dict | None:
        """The full record: its description, members, holdings (also grouped by library, with
        where it is available now), online links through each library's proxy and full text
        through each library's resolver (of `within`'s libraries; None: the holders')."""
        display = self.engine.get(doc_id)
        if display is None:
            return None
        entry = self.result_entry(display)
        groups = copies_by_library(entry["holdings"], self.consortium)
        for link in entry["links"]:
            lib = self.consortium.libraries.get(link["library"])
            link["library_name"] = lib.name if lib else link["library"]
        return {
            **display,
            **entry,
            "holdings_by_library": groups,
            "available_at": [g["library_name"] for g in groups if g["available"]],
            "other_formats": display.get("other_formats") or [],
            **fulltext_of(display, self.consortium, within),
        }

    # What the other blueprints need of the index: they ask here, never the engine itself.

    def display(self, doc_id: str) -> dict | None:
        """The display document of `doc_id` as indexed (what record downloads render)."""
        return self.engine.get(doc_id)

    def catalogue_ids(self):
        """Between judged member record keys and the index's current documents."""
        from indexer.relevance.catalogue_ids import CatalogueIds

        return CatalogueIds(self.engine)

    def moved_to(self, doc_id: str) -> str | None:
        """The id of the document that now holds the record `doc_id` was named after, if any
        (its anchor record merged into, or split off as, another document since)."""
        library, dot, record_id = doc_id.partition(".")
        if not dot or not library or not record_id or len(doc_id) > 200:
            return None
        key = f"{library}:{record_id}"
        found = self.engine.search(SearchRequest(filters=(("record_key", (key,)),), limit=1))
        if not found.hits or found.hits[0].id == doc_id:
            return None
        return found.hits[0].id

    def availability(self, ids: list[str], id_type: str) -> list[dict]:
        """ILS-DI availability entries of `ids` (bib or item ids), in the order asked, as the
        libraries' systems say now where they can be asked (indexer.availability)."""
        return availability(self.engine, ids, id_type, self.as_now)

    def answered(self, doc_ids: list[str]) -> Iterator[tuple[Answer, dict[str, list[dict]]]]:
        """For each library of `doc_ids`' copies, as soon as its system has answered (or
        failed, or needs no asking): the answer, and per document that library's copies as
        they are now. The healer notes those that differ from the index, as in as_now."""
        displays = self.engine.get_many(doc_ids)
        loaded = self.loads.by_library()
        for answer in self.live.answers(wanted_of(displays)):
            now = {
                doc_id: {
                    "holdings": [
                        now_status(h, answer, loaded.get(h["library"]))
                        for h in display.get("holdings") or []
                        if h["library"] == answer.library
                    ]
                }
                for doc_id, display in displays.items()
            }
            if self.healer:
                self.healer.observe(displays, now)
            yield answer, now

    def as_now(self, displays: dict[str, dict]) -> dict[str, dict]:
        """Display records with their copies as they are now (see availability.overlay)."""
        now = overlay(displays, self.live, self.loads)
        return self.healer.observe(displays, now) if self.healer else now

    def oai_provider(self, settings, base_url: str, page_size: int | None = None):
        """The OAI-PMH provider over this service's index and consortium."""
        return open_provider(settings, self.engine, self.consortium, base_url, page_size)


def open_search_service(settings, *, log_searches: bool = False) -> SearchService:
    """The search service; log_searches: keep readers' searches in the search log (the OPAC)."""
    engine = open_engine(settings)
    consortium = consortium_of(settings)
    search_log = open_search_log(settings) if log_searches else None
    service = SearchService(engine, consortium, search_log, settings.reports_dir)
    service.healer = Healer(settings)
    service.mesh_path = settings.mesh_path
    return service


def consortium_of(settings):
    """The libraries file; while it is broken, the last good reading of this process (a gunicorn
    worker's is its master's, read before the fork), the error logged once (indexer/lastgood)."""
    if settings.libraries is None:
        return load_consortium(None)
    path = Path(settings.libraries)
    return read_or_keep("libraries file", path, lambda: load_consortium(path, settings.schemas_dir))
