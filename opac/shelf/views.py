"""The browse pages and their JSON: /browse/shelf, /browse/author, /browse/subject, each also
within a library's view (/library/CODE/browse/...). Every parameter is the reader's: whatever
it holds, the answer is a page (or a 400 or 404 that says why), never a server error."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from opac.responses import error_response
from opac.search.browse import BrowseError, BrowsePage
from opac.ui.places import View

bp = Blueprint("browse", __name__)

SCHEME_NAMES = {
    "nlm": "NLM classification",
    "lc": "Library of Congress classification",
    "dewey": "Dewey Decimal classification",
    "local": "Local call numbers",
}
KIND_NAMES = {"author": "Authors", "subject": "Subjects"}


def service():
    return current_app.extensions["lantern"]


def _view(code: str | None) -> View:
    if code is None:
        return View()
    lib = service().consortium.libraries.get(code.upper())
    if lib is None:
        abort(404, "There is no member library with that code.")
    return View("library", lib.code, lib.name, lib.region or "", "library", lib)


def _page(kind: str, view: View) -> BrowsePage:
    args = request.args
    library = view.code or (args.get("library") or "").upper() or None
    if library and library not in service().consortium.libraries:
        abort(404, "There is no member library with that code.")
    options = {"library": library, "after": args.get("after"), "before": args.get("before")}
    if kind == "shelf":
        scheme = args.get("scheme") or "nlm"
        return service().browse.shelf(scheme, args.get("from") or "", **options)
    return service().browse.headings(kind, args.get("from") or "", **options)


def _paging(page: BrowsePage) -> dict[str, str | None]:
    """The previous and next pages' URLs (the same browse, handed on from its ends)."""
    keep = {k: v for k in ("scheme", "library") if (v := request.args.get(k))}
    return {
        "previous": request.path + "?" + urlencode({**keep, "before": page.previous})
        if page.previous
        else None,
        "next": request.path + "?" + urlencode({**keep, "after": page.next}) if page.next else None,
    }


def heading_search(view: View, entry: dict) -> str:
    """The search of every title with a heading, in the page's view."""
    return view.action + "?" + urlencode({"filter": f"{entry['facet']}:{entry['heading']}"})


def _html(kind: str, code: str | None = None):
    view = _view(code)
    try:
        page = _page(kind, view)
    except BrowseError as exc:
        return render_template("ui/error.html", status=400, message=str(exc), view=view), 400
    return render_template(
        "ui/browse_shelf.html" if kind == "shelf" else "ui/browse_headings.html",
        page=page,
        view=view,
        paging=_paging(page),
        schemes=SCHEME_NAMES,
        kind_name=KIND_NAMES.get(kind, ""),
        heading_search=heading_search,
        # an empty shelf says which schemes this library's (or everyone's) copies do stand in
        other_shelves=service().browse.shelves(page.library or None)
        if kind == "shelf" and not page.entries
        else [],
    )


@bp.app_context_processor
def browse_helpers():
    return {"library_name": _library_name}


def _library_name(code: str) -> str:
    lib = service().consortium.libraries.get(code)
    return lib.name if lib else "every member library"


def _json(kind: str, code: str | None = None):
    view = _view(code)
    try:
        page = _page(kind, view)
    except BrowseError as exc:
        return error_response(400, str(exc))
    body = {
        "kind": kind,
        "library": page.library or None,
        "from": page.start,
        "entries": page.entries,
        "previous": page.previous,
        "next": page.next,
    }
    if kind == "shelf":
        body["scheme"] = page.scheme
        for entry in page.entries:
            entry["url"] = url_for("ui.record", doc_id=entry["id"])
    else:
        for entry in page.entries:
            entry["search"] = heading_search(view, entry)
    return jsonify(body)


@bp.get("/browse/shelf")
def shelf():
    return _html("shelf")


@bp.get("/library/<code>/browse/shelf")
def library_shelf(code: str):
    return _html("shelf", code)


@bp.get("/browse/<any(author, subject):kind>")
def headings(kind: str):
    return _html(kind)


@bp.get("/library/<code>/browse/<any(author, subject):kind>")
def library_headings(code: str, kind: str):
    return _html(kind, code)


@bp.get("/api/v1/browse/shelf")
def api_shelf():
    return _json("shelf")


@bp.get("/api/v1/browse/<any(author, subject):kind>")
def api_headings(kind: str):
    return _json(kind)
