"""What a results page that found nothing offers: each filter taken away with the count it
would give, the wider scopes with theirs, and where to ask a librarian.

The counts are limit-0 searches (SearchService.count), made only for a page with no results,
for at most MAX_FILTERS_TRIED filters.
"""

from __future__ import annotations

import dataclasses

from flask import url_for

from opac.search.facets import FACET_LABELS
from opac.ui import links

MAX_FILTERS_TRIED = 7


def ways_out(service, params, view, args) -> dict:
    """`view`: the opac.ui.places.View the page searched; `args`: the request's query string,
    which every link changes by one thing."""
    return {
        "filters": _fewer_filters(service, params, view, args),
        "wider": _wider(service, params, view, args),
        "ask": _ask(view),
    }


def _fewer_filters(service, params, view, args) -> list[dict]:
    chosen = [("filter", n, v) for n, v in params.filters]
    chosen += [("exclude", n, v) for n, v in params.excludes]
    out = []
    for kind, name, value in chosen[:MAX_FILTERS_TRIED]:
        fewer = dataclasses.replace(
            params,
            filters=tuple(p for p in params.filters if kind != "filter" or p != (name, value)),
            excludes=tuple(p for p in params.excludes if kind != "exclude" or p != (name, value)),
        )
        label = f"{FACET_LABELS.get(name, name.capitalize())}: "
        label += ("not " if kind == "exclude" else "") + service.facet_label(name, value)
        href = view.action + links.changed(args, drop=(kind, f"{name}:{value}"))
        out.append({"label": label, "count": service.count(view.scoped(fewer)), "href": href})
    if params.year_from is not None or params.year_to is not None:
        fewer = dataclasses.replace(params, year_from=None, year_to=None)
        label = f"Years: {params.year_from or '…'} to {params.year_to or '…'}"
        href = view.action + links.changed(args, year_from=None, year_to=None)
        out.append({"label": label, "count": service.count(view.scoped(fewer)), "href": href})
    return out


def _wider(service, params, view, args) -> list[dict]:
    """Each level wider than the one the page searched (a library's region, then every
    library), with its count."""
    if view.kind == "all":
        return []
    levels = view.levels  # the view's own level first, a region only when it has one
    out = []
    for level in levels[levels.index(view.within) + 1 :]:
        if level == "all" and view.kind == "region":  # a region's page is the region's only
            count, href = service.count(params), url_for("ui.search") + links.changed(args)
        else:
            count = service.count(view.scoped(params, level))
            href = view.action + links.changed(args, within=level)
        out.append({"label": view.label(level), "count": count, "href": href})
    return out


def _ask(view) -> dict:
    if view.kind in ("library", "site"):
        return {"href": view.action, "name": view.name}
    # The home page's list of member libraries.
    return {"href": url_for("ui.home") + "#members-heading", "name": ""}
