"""The reader's pages: home, results, record, per-library and regional views, accessibility."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from opac.records.moved import WITHDRAWN, moved_or_missing
from opac.search.facets import FACET_LABELS
from opac.search.params import parse_search_args
from opac.search.service import SORT_LABELS, SearchParams
from opac.ui import links, nearest, search_context

bp = Blueprint("ui", __name__)
WITHIN = ("library", "region", "all")


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
        "nearest_copies": nearest.nearest_copies,
        "status_text": nearest.status_text,
        "format_icon": nearest.format_icon,
    }


def record_url(doc_id: str, position: int | None = None) -> str:
    """The record page of a result; `position`: its number in the current result list, whose
    search the link carries (opac/ui/search_context.py)."""
    url = url_for("ui.record", doc_id=doc_id)
    if position is None:
        return url
    context = search_context.context_of(request.endpoint, request.view_args, request.args)
    return url + context.query(position) if context else url


@dataclasses.dataclass(frozen=True)
class View:
    """Which part of the consortium a page searches: everything, one library, or a region."""

    kind: str = "all"  # all | library | region
    code: str = ""
    name: str = ""
    region: str = ""
    within: str = "all"

    @property
    def action(self) -> str:
        if self.kind == "library":
            return url_for("ui.library", code=self.code)
        if self.kind == "region":
            return url_for("ui.region", code=self.code)
        return url_for("ui.search")


def _scoped(params: SearchParams, view: View) -> SearchParams:
    if view.kind == "library":
        extra = {
            "library": (("library", view.code),),
            "region": (("region", view.region),),
            "all": (),
        }[view.within]
        return dataclasses.replace(params, scope=view.code, filters=extra + params.filters)
    if view.kind == "region":
        return dataclasses.replace(params, filters=(("region", view.code),) + params.filters)
    return params


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
    page = service().search(_scoped(params, view), log=log)
    wider = None
    if view.kind == "library" and view.within == "library" and view.region:
        widened = dataclasses.replace(view, within="region")
        wider = {
            "count": service().count(_scoped(params, widened)),
            "href": view.action + links.changed(request.args, within="region"),
        }
    return render_template(
        "ui/results.html",
        params=params,
        page=page,
        view=view,
        wider=wider,
        has_search="q" in request.args or bool(request.args.getlist("filter")),
    )


@bp.get("/")
def home():
    return render_template("ui/home.html", view=View())


@bp.get("/search")
def search():
    return _results(View())


def _library_view(code: str, args) -> View | None:
    lib = service().consortium.libraries.get(code.upper())
    if lib is None:
        return None
    within = args.get("within", "library")
    return View(
        "library", lib.code, lib.name, lib.region or "", within if within in WITHIN else "library"
    )


def _region_view(code: str, args=None) -> View | None:
    if not service().region_libraries(code):
        return None
    return View("region", code.upper(), f"Region {code.upper()}", code.upper(), "region")


@bp.get("/library/<code>/")
def library(code: str):
    view = _library_view(code, request.args)
    if view is None:
        abort(404, "There is no member library with that code.")
    if "q" not in request.args and not request.args.getlist("filter"):
        return render_template("ui/home.html", view=view)
    return _results(view)


@bp.get("/region/<code>/")
def region(code: str):
    view = _region_view(code)
    if view is None:
        abort(404, "There is no region with that code.")
    members = service().region_libraries(code)
    if "q" not in request.args and not request.args.getlist("filter"):
        return render_template("ui/home.html", view=view, members=members)
    return _results(view)


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
    context = search_context.read_context(request.args)
    nav = _record_nav(context, found["id"]) if context else None
    return render_template(
        "ui/record.html", record=found, view=View(), permalink=permalink, nav=nav
    )


def _record_nav(context: search_context.SearchContext, doc_id: str) -> dict | None:
    """Back to the results, previous and next result, when the context names a search."""
    views = {"search": lambda code, args: View(), "library": _library_view, "region": _region_view}
    view = views[context.kind](context.code, context.args)
    if view is None:
        return None
    try:
        params = _scoped(parse_search_args(context.args), view)
        return search_context.record_nav(service(), context, doc_id, params, view.action)
    except ValueError:  # a hand-made context: bad search arguments, an unknown facet
        return None


@bp.get("/accessibility")
def accessibility():
    return render_template("ui/accessibility.html", view=View())
