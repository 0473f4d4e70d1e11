"""/browse/mesh/<UI or heading>: a MeSH heading, its scope note and entry terms, its broader
and narrower headings with how many titles each has here, each a link to the search; in one
library's view with ?library=CODE (as that library's search page counts)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from opac.search.meshbrowse import find_descriptor, heading_page, vocabulary_imported
from opac.ui.places import View, within_of

bp = Blueprint("mesh", __name__)


def service():
    return current_app.extensions["lantern"]


def _view(code: str | None) -> View | None:
    """Everything, or the library named by ?library= (None when there is no such library)."""
    if not code:
        return View()
    lib = service().consortium.libraries.get(code.strip().upper()[:20])
    if lib is None:
        return None
    return within_of(View("library", lib.code, lib.name, lib.region or "", "library", lib), None)


def _missing(message: str, view: View | None = None, asked: str = ""):
    view = view or View()
    return render_template("ui/mesh_missing.html", message=message, view=view, asked=asked), 404


@bp.get("/browse/mesh/<path:key>")
def heading(key: str):
    view = _view(request.args.get("library"))
    if view is None:
        return _missing("There is no member library with that code.")
    if not vocabulary_imported(service()):
        return _missing("This catalogue has no MeSH vocabulary imported, so it has no MeSH pages.")
    descriptor = find_descriptor(service(), key)
    if descriptor is None:
        said = f"\u201c{key[:80]}\u201d is not a MeSH heading or entry term."
        return _missing(said, view, key[:200])
    if key != descriptor.ui:  # one address per heading: its UI
        return redirect(_browse_url(descriptor.ui, view), 301)
    page = heading_page(service(), descriptor, view.bounds())
    return render_template(
        "ui/mesh_heading.html",
        page=page,
        view=view,
        browse_url=lambda ui: _browse_url(ui, view),
        search_url=lambda query: _search_url(query, view),
    )


def _browse_url(ui: str, view: View) -> str:
    library = view.code if view.kind == "library" else None
    return url_for("mesh.heading", key=ui, library=library)


def _search_url(query: str, view: View) -> str:
    if view.kind == "library":
        return url_for("ui.library", code=view.code, q=query)
    return url_for("ui.search", q=query)
