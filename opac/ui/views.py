"""The reader's pages: home, results, record, library, site and region pages, accessibility."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

from opac.records.moved import WITHDRAWN, moved_or_missing
from opac.search.facets import FACET_LABELS
from opac.search.params import parse_search_args
from opac.search.service import SORT_LABELS
from opac.ui import links, places
from opac.ui.places import View

bp = Blueprint("ui", __name__)


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
    }


def record_url(doc_id: str, position: int | None = None) -> str:
    """The record page of a result; `position`: its number in the current result list."""
    return url_for("ui.record", doc_id=doc_id)


def _results(view: View):
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        return render_template("ui/error.html", status=400, message=str(exc)), 400
    page = service().search(view.scoped(params), log="page")
    return render_template(
        "ui/results.html",
        params=params,
        page=page,
        view=view,
        wider=places.wider(service(), params, view, page["total"], request.args, links.changed),
        has_search=_searched(),
    )


def _searched() -> bool:
    return "q" in request.args or bool(request.args.getlist("filter"))


@bp.get("/")
def home():
    return render_template("ui/home.html", view=View(), overview=places.overview(service(), View()))


@bp.get("/search")
def search():
    return _results(View())


@bp.get("/library/<code>/")
def library(code: str):
    lib = service().consortium.libraries.get(code.upper())
    if lib is None:
        abort(404, "There is no member library with that code.")
    view = View("library", lib.code, lib.name, lib.region or "", "library", lib)
    view = places.within_of(view, request.args.get("within"))
    if _searched():
        return _results(view)
    return _place_page(view)


@bp.get("/site/<site>/")
def site(site: str):
    found = service().consortium.sites_named(site)
    if not found:
        abort(404, "There is no site with that code.")
    return _site(*found[0])


@bp.get("/library/<code>/site/<site>/")
def library_site(code: str, site: str):
    lib = service().consortium.libraries.get(code.upper())
    found = [s for s in lib.sites if s.upper() == site.upper()] if lib else []
    if not found:
        abort(404, "That library has no site with that code.")
    return _site(lib, found[0])


def _site(lib, site: str):
    view = View("site", site, lib.site_name(site), lib.region or "", "site", lib)
    view = places.within_of(view, request.args.get("within"))
    if _searched():
        return _results(view)
    return _place_page(view)


@bp.get("/region/<code>/")
def region(code: str):
    members = service().region_libraries(code)
    if not members:
        abort(404, "There is no region with that code.")
    view = View("region", code.upper(), f"Region {code.upper()}", code.upper(), "region")
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
    base = current_app.config["LANTERN_SETTINGS"].base_url
    path = url_for("ui.record", doc_id=found["id"])
    permalink = (
        base.rstrip("/") + path
        if base
        else url_for("ui.record", doc_id=found["id"], _external=True)
    )
    return render_template("ui/record.html", record=found, view=View(), permalink=permalink)


@bp.get("/accessibility")
def accessibility():
    return render_template("ui/accessibility.html", view=View())
