"""The parts of the consortium a reader can search on their own: a site, a library, a region.

A `View` is one of them (or everything), with how far the reader has widened it; its `bounds`
are the filters every count of its searches obeys (SearchParams.within). `overview` is what a
place's page (and the home page) shows, from one search: newest titles and counts by format,
subject, library and site.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from flask import current_app, url_for

from indexer.libraries import Library
from opac.search.service import SearchParams

LEVELS = ("site", "library", "region", "all")  # narrowest first
NEWEST = 6  # newest titles on a page
SUBJECTS = 12  # popular subjects on a page
OVERVIEW_FACETS = ("format", "mesh", "subject", "library", "site")


@dataclasses.dataclass(frozen=True)
class View:
    """Which part of the consortium a page searches: everything, a site, a library, a region."""

    kind: str = "all"  # all | site | library | region
    code: str = ""  # the site's, library's or region's code
    name: str = ""
    region: str = ""
    within: str = "all"  # how far the reader widened it: kind or a wider level
    library: Library | None = None  # the library of a library or site view

    @property
    def action(self) -> str:
        if self.kind == "site":
            return site_url(self.library, self.code)
        if self.kind == "library":
            return url_for("ui.library", code=self.code)
        if self.kind == "region":
            return url_for("ui.region", code=self.code)
        return url_for("ui.search")

    @property
    def widened(self) -> str | None:
        """The level the reader widened the view to, or None when it is the view's own."""
        return None if self.within == self.kind else self.within

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels this view can be searched at, its own first."""
        wider = LEVELS[LEVELS.index(self.kind) :]
        return tuple(level for level in wider if level != "region" or self.region)

    def bounds(self, level: str | None = None) -> tuple[tuple[str, str], ...]:
        """The filters of a level (default: the one the reader chose)."""
        level = level or self.within
        if level == "site":
            return (("site", f"{self.library.code}/{self.code}"),)
        if level == "library" and self.library:
            return (("library", self.library.code),)
        if level == "region" and self.region:
            return (("region", self.region),)
        return ()

    def label(self, level: str) -> str:
        """A level as the scope note names it."""
        if level == self.kind:
            return self.name
        if level == "library" and self.library:
            return f"the whole of {self.library.name}"
        if level == "region":
            return f"every library in region {self.region}"
        return "every member library"

    def scoped(self, params: SearchParams, level: str | None = None) -> SearchParams:
        """`params` searched within this view (at `level`), its library's holdings first."""
        scope = self.library.code if self.library else params.scope
        return dataclasses.replace(params, scope=scope, within=self.bounds(level) + params.within)


def site_url(library: Library, site: str) -> str:
    """A site's page: /site/CODE/, or under its library when another library uses the code."""
    consortium = current_app.extensions["lantern"].consortium
    if len(consortium.sites_named(site)) > 1:
        return url_for("ui.library_site", code=library.code, site=site)
    return url_for("ui.site", site=site)


def within_of(view: View, asked: str | None) -> View:
    """`view` widened as the reader asked (`within=`), if that is one of its levels."""
    return dataclasses.replace(view, within=asked if asked in view.levels else view.kind)


def wider(service, params: SearchParams, view: View, total: int, args, changed) -> list[dict]:
    """Links to the wider levels that find more than the level before: a site's library, then
    its region (never a link that would show the same results)."""
    if view.widened:
        return []
    out = []
    for level in view.levels[1:]:
        if level == "all":
            break
        count = service.count(view.scoped(params, level))
        if count > total:
            out.append(
                {
                    "label": view.label(level),
                    "count": count,
                    "href": view.action + changed(args, within=level),
                }
            )
            total = count
    return out


def overview(service, view: View) -> dict:
    """What a place's page shows, from one search of everything it holds."""
    params = SearchParams(sort="year_desc", size=NEWEST, facets=OVERVIEW_FACETS)
    page = service.search(view.scoped(params, view.kind))
    facets = page["facets"]

    def entries(facet: str, limit: int | None = None) -> list[dict]:
        return [
            {**v, "href": view.action + "?" + urlencode({"filter": f"{facet}:{v['value']}"})}
            for v in facets.get(facet, [])[:limit]
        ]

    # MeSH and other vocabularies often share a heading: it is offered once, as MeSH.
    subjects: dict[str, dict] = {}
    for entry in entries("mesh") + entries("subject"):
        subjects.setdefault(entry["label"].casefold(), entry)
    popular = sorted(subjects.values(), key=lambda v: (-v["count"], v["label"]))
    return {
        "total": page["total"],
        "newest": page["results"],
        "formats": entries("format"),
        "subjects": popular[:SUBJECTS],
        "libraries": {v["value"]: v["count"] for v in facets.get("library", [])},
        "sites": {v["value"]: v["count"] for v in facets.get("site", [])},
    }
