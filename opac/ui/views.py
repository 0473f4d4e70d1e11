"""The reader's pages: home, results, record."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from opac.search.params import parse_search_args

bp = Blueprint("ui", __name__)


def service():
    return current_app.extensions["lantern"]


@bp.get("/")
def home():
    return render_template("ui/home.html")


@bp.get("/search")
def search():
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        return render_template("ui/error.html", status=400, message=str(exc)), 400
    page = service().search(params)
    return render_template("ui/results.html", params=params, page=page)


@bp.get("/record/<doc_id>")
def record(doc_id: str):
    found = service().record(doc_id)
    if found is None:
        abort(404, "We could not find that record. It may have been withdrawn.")
    return render_template("ui/record.html", record=found)
