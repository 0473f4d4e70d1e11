"""The search service: reader's parameters -> engine request -> the API's response dict.

No Flask here: the web pages, the JSON API and `lantern search --json` all call this, so they
return exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.engine import SearchRequest, open_engine
from indexer.libraries import load_consortium

MAX_PAGE_SIZE = 100
MAX_RESULT_DEPTH = 10_000  # deepest result a reader can page to
SORTS = ("relevance", "year_desc", "year_asc", "title", "author")

# Public facet names -> index fields.
FACETS = {
    "library": "library",
    "format": "format",
    "availability": "availability",
    "year": "year",
    "mesh": "subject_mesh_facet",
    "subject": "subject_facet",
    "language": "language",
    "author": "author_facet",
}
AVAILABILITY_LABELS = {
    "available": "Available now",
    "on_loan": "On loan",
    "online": "Online",
    "reference": "Reference only",
}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    page: int = 1
    size: int = 20
    sort: str = "relevance"
    filters: tuple[tuple[str, str], ...] = ()
    excludes: tuple[tuple[str, str], ...] = ()
    scope: str | None = None
    facets: tuple[str, ...] = field(default_factory=lambda: tuple(FACETS))


def _group(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in FACETS:
            grouped.setdefault(FACETS[name], []).append(value)
    return tuple((k, tuple(v)) for k, v in grouped.items())


class SearchService:
    def __init__(self, engine, consortium) -> None:
        self.engine = engine
        self.consortium = consortium

    def search(self, params: SearchParams) -> dict:
        size = max(1, min(params.size, MAX_PAGE_SIZE))
        page = max(1, min(params.page, MAX_RESULT_DEPTH // size))
        request = SearchRequest(
            text=params.q,
            filters=_group(params.filters),
            excludes=_group(params.excludes),
            facets=tuple(FACETS[f] for f in params.facets if f in FACETS),
            sort=params.sort if params.sort in SORTS else "relevance",
            offset=(page - 1) * size,
            limit=size,
            prefer_library=params.scope,
            highlight=True,
        )
        result = self.engine.search(request)
        selected = {(FACETS.get(n), v) for n, v in params.filters}
        return {
            "total": result.total,
            "page": page,
            "size": size,
            "max_page": max(1, min(-(-result.total // size), MAX_RESULT_DEPTH // size)),
            "results": [self.result_entry(hit.display, hit.highlights) for hit in result.hits],
            "facets": {
                name: [
                    {"value": fv.value, "label": self.facet_label(name, fv.value),
                     "count": fv.count, "selected": (index_field, fv.value) in selected}
                    for fv in result.facets.get(index_field, ())
                ]
                for name, index_field in FACETS.items() if index_field in result.facets
            },
            "relaxed": bool(getattr(result, "relaxed", False)),
            "suggestion": getattr(result, "suggestion", None),
        }

    def facet_label(self, facet: str, value) -> str:
        if facet == "library":
            lib = self.consortium.libraries.get(value)
            return lib.name if lib else str(value)
        if facet == "availability":
            return AVAILABILITY_LABELS.get(value, str(value))
        return str(value)

    def result_entry(self, display: dict, highlights: dict | None = None) -> dict:
        holdings = display.get("holdings") or []
        entries = [
            {"library": h["library"], "library_name": h.get("library_name", h["library"]),
             "site": h.get("site_name") or h.get("site") or "", "location": h.get("location") or "",
             "call_number": h.get("call_number") or "", "status": h.get("status") or "unknown",
             "due_date": h.get("due_date"), "record_id": h["record_id"]}
            for h in holdings
        ]
        with_items = {h["record_id"] for h in holdings}
        for m in display.get("members") or []:
            if m["record_id"] not in with_items:  # one entry per member record without items
                lib = self.consortium.libraries.get(m["library"])
                entries.append({"library": m["library"],
                                "library_name": lib.name if lib else m["library"],
                                "site": "", "location": "", "call_number": "",
                                "status": "online" if display.get("links") else "unknown",
                                "due_date": None, "record_id": m["record_id"]})
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
            "links": [
                {"url": a["url"], "label": link.get("label") or "Online access",
                 "library": a["library"]}
                for link in display.get("links") or [] for a in link.get("access", [])
            ],
            "highlight": highlights or {},
        }

    def record(self, doc_id: str) -> dict | None:
        display = self.engine.get(doc_id)
        if display is None:
            return None
        return {**display, **self.result_entry(display)}


def open_search_service(settings) -> SearchService:
    engine = open_engine(settings.engine, settings.engine_location, writer=False)
    return SearchService(engine, load_consortium(settings.libraries))
