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


def ways_out(service, params, view, args, scoped) -> dict:
    """`scoped(params, view)`: the params a view searches with (its library or region added);
    `args`: the request's query string, which every link changes by one thing."""
    return {
        "filters": _fewer_filters(service, params, view, args, scoped),
        "wider": _wider(service, params, view, args, scoped),
        "ask": _ask(view),
    }


def _fewer_filters(service, params, view, args, scoped) -> list[dict]:
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
        out.append({"label": label, "count": service.count(scoped(fewer, view)), "href": href})
    if params.year_from is not None or params.year_to is not None:
        fewer = dataclasses.replace(params, year_from=None, year_to=None)
        label = f"Years: {params.year_from or '…'} to {params.year_to or '…'}"
        href = view.action + links.changed(args, year_from=None, year_to=None)
        out.append({"label": label, "count": service.count(scoped(fewer, view)), "href": href})
    return out


def _wider(service, params, view, args, scoped) -> list[dict]:
    """The whole region and every library, from a library's view; every library, from a
    region's."""
    out = []
    if view.kind == "library":
        wider = [("region", f"every library in region {view.region}")] if view.region else []
        if view.within == "library":
            out_of = wider + [("all", "every member library")]
        elif view.within == "region":
            out_of = [("all", "every member library")]
        else:
            out_of = []
        for within, label in out_of:
            count = service.count(scoped(params, dataclasses.replace(view, within=within)))
            href = view.action + links.changed(args, within=within)
            out.append({"label": label, "count": count, "href": href})
    elif view.kind == "region":
        count = service.count(params)
        href = url_for("ui.search") + links.changed(args, within=None)
        out.append({"label": "every member library", "count": count, "href": href})
    return out


def _ask(view) -> dict:
    if view.kind == "library":
        return {"href": url_for("ui.library", code=view.code), "name": view.name}
    return {"href": url_for("ui.home") + "#libraries", "name": ""}
