"""The reader's pages: home, results, record, library, site and region pages, accessibility."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from indexer.mapping.isbn import hyphenated
from opac.records import citations
from opac.records.moved import WITHDRAWN, moved_or_missing
from opac.search.facets import FACET_LABELS
from opac.search.meshbrowse import mesh_tree
from opac.search.params import parse_search_args
from opac.search.service import SORT_LABELS
from opac.ui import links, live, nearest, places, search_context
from opac.ui.places import View
from opac.ui.ways_out import ways_out
from opac.urls import external_url

bp = Blueprint("ui", __name__)
# The record page shows ISBNs as people read them (978-0-19-874654-6); the API keeps them bare.
bp.add_app_template_filter(hyphenated, "isbn_hyphenated")


def service():
    return current_app.extensions["lantern"]


@bp.app_context_processor
def page_helpers():
    return {
        "changed": links.changed,
        "record_url": record_url,
        "facet_labels": FACET_LABELS,
        "sort_labels": SORT_LABELS,
        "consortium": service().consortium,
        "site_url": places.site_url,
        "nearest_copies": nearest.nearest_copies,
        "status_text": nearest.status_text,
        "format_icon": nearest.format_icon,
        "copy_key": live.copy_key,
        "copy_age": copy_age,
        "asks_live": asks_live,
    }


def asks_live(library: str) -> bool:
    """Whether the library names its own system, asked for its copies as they are now."""
    found = service().consortium.libraries.get(library)
    return bool(found and found.availability)


def copy_age(copy: dict) -> str:
    """A copy's status age as the page first shows it: its library's last export."""
    loaded = service().loads.by_library().get(copy["library"])
    return live.age_text({**copy, "source": "index", "as_of": loaded})


def record_url(doc_id: str, position: int | None = None) -> str:
    """The record page of a result; `position`: its number in the current result list, whose
    search the link carries (opac/ui/search_context.py)."""
    url = url_for("ui.record", doc_id=doc_id)
    if position is None:
        return url
    context = search_context.context_of(request.endpoint, request.view_args, request.args)
    return url + context.query(position) if context else url


def _results(view: View):
    clean = links.without_empty(request.args)
    if clean is not None:  # a form sent without JavaScript: the same search, a clean URL
        return redirect(request.path + clean, 302)
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        return render_template("ui/error.html", status=400, message=str(exc)), 400
    # ?more=FACET shows one facet in full: the same search again, not a reader's new one
    log = None if request.args.get("more") else "page"
    page = service().search(view.scoped(params), log=log)
    total = page["total"]
    return render_template(
        "ui/results.html",
        params=params,
        page=page,
        view=view,
        # A page that found nothing lists every way out instead (counted only then).
        wider=places.wider(service(), params, view, total, request.args, links.changed)
        if total
        else [],
        ways_out=None if total else ways_out(service(), params, view, request.args),
        has_search=_searched(),
        mesh=mesh_tree(service(), params, view.bounds()) if page["explodable"] else None,
    )


def _searched() -> bool:
    return "q" in request.args or bool(request.args.getlist("filter"))


@bp.get("/")
def home():
    return render_template("ui/home.html", view=View(), overview=places.overview(service(), View()))


@bp.get("/search")
def search():
    return _results(View())


def _library_view(code: str, args) -> View | None:
    lib = service().consortium.libraries.get(code.upper())
    if lib is None:
        return None
    view = View("library", lib.code, lib.name, lib.region or "", "library", lib)
    return places.within_of(view, args.get("within"))


def _site_view(code: str, args) -> View | None:
    """A site's view from its code, or LIBRARY/SITE when two libraries use the code."""
    consortium = service().consortium
    library, _, site = code.rpartition("/")
    found = consortium.sites_named(site)
    if library:
        found = [(lib, s) for lib, s in found if lib.code == library.upper()]
    if not found:
        return None
    lib, site = found[0]
    view = View("site", site, lib.site_name(site), lib.region or "", "site", lib)
    return places.within_of(view, args.get("within"))


def _region_view(code: str, args=None) -> View | None:
    if not service().region_libraries(code):
        return None
    return View("region", code.upper(), f"Region {code.upper()}", code.upper(), "region")


@bp.get("/library/<code>/")
def library(code: str):
    view = _library_view(code, request.args)
    if view is None:
        abort(404, "There is no member library with that code.")
    return _results(view) if _searched() else _place_page(view)


@bp.get("/site/<site>/")
def site(site: str):
    view = _site_view(site, request.args)
    if view is None:
        abort(404, "There is no site with that code.")
    return _results(view) if _searched() else _place_page(view)


@bp.get("/library/<code>/site/<site>/")
def library_site(code: str, site: str):
    view = _site_view(f"{code}/{site}", request.args)
    if view is None or view.library.code != code.upper():
        abort(404, "That library has no site with that code.")
    return _results(view) if _searched() else _place_page(view)


@bp.get("/region/<code>/")
def region(code: str):
    view = _region_view(code)
    if view is None:
        abort(404, "There is no region with that code.")
    members = service().region_libraries(code)
    if _searched():
        return _results(view)
    return _place_page(view, members)


def _place_page(view: View, members: list[str] | None = None):
    """A library's, site's or region's own page: what it is and what it holds."""
    consortium = service().consortium
    if view.kind == "region":
        members = [consortium.libraries[code] for code in members or ()]
    else:
        members = [view.library]
    return render_template(
        "ui/place.html",
        view=view,
        members=members,
        overview=places.overview(service(), view),
        details=view.library.details_of(view.code) if view.kind == "site" else None,
    )


@bp.get("/record/<doc_id>")
def record(doc_id: str):
    found = service().record(doc_id)
    if found is None:
        return moved_or_missing(service(), doc_id, "ui.record", WITHDRAWN)
    permalink = external_url("ui.record", doc_id=found["id"])
    context = search_context.read_context(request.args)
    nav, view, params = _record_nav(context, found["id"]) if context else (None, View(), None)
    if view.kind != "all":  # full text through the libraries of the reader's view
        found = service().record(found["id"], _view_libraries(view, found["libraries"])) or found
    return render_template(
        "ui/record.html",
        record=found,
        view=view,
        params=params,  # the header's search box keeps the search the record came from
        permalink=permalink,
        nav=nav,
        references=citations.references(service().display(found["id"])),
        shelves=service().browse.near(found),
    )


def _view_libraries(view: View, holders: list[str]) -> list[str]:
    """Whose full text a record page opened from a view offers: the library's (or the
    site's library's) own, or in a region's view those of its libraries holding the title."""
    if view.kind == "region":
        return [code for code in service().region_libraries(view.code) if code in holders]
    return [view.library.code] if view.library else []


def _record_nav(context: search_context.SearchContext, doc_id: str):
    """(back to the results, previous and next result; the results page's view; its search)
    when the context names a search, else (None, View(), None)."""
    views = {
        "search": lambda code, args: View(),
        "library": _library_view,
        "site": _site_view,
        "region": _region_view,
    }
    view = views[context.kind](context.code, context.args)
    if view is None:
        return None, View(), None
    try:
        params = parse_search_args(context.args)
        nav = search_context.record_nav(
            service(), context, doc_id, view.scoped(params), view.action
        )
    except ValueError:  # a hand-made context: bad search arguments, an unknown facet
        return None, View(), None
    return nav, view, params


@bp.get("/availability/now")
def availability_now():
    """The copies of the records named (?id=...&id=...) as their libraries' systems say now,
    for lantern.js to put in place of the page's indexed statuses: one line of JSON per library,
    as soon as its system has answered."""
    ids = list(dict.fromkeys(request.args.getlist("id")))[: live.MAX_RECORDS]
    lines = (json.dumps(line) + "\n" for line in live.copies_as_answered(service(), ids))
    return Response(stream_with_context(lines), content_type="application/x-ndjson")


@bp.get("/accessibility")
def accessibility():
    return render_template("ui/accessibility.html", view=View())
