"""The JSON API: /api/v1/search and /api/v1/records/ID."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from opac.search.params import parse_search_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def service():
    return current_app.extensions["lantern"]


@bp.get("/search")
def search():
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        abort(400, str(exc))
    return jsonify(service().search(params))


@bp.get("/records/<doc_id>")
def record(doc_id: str):
    found = service().record(doc_id)
    if found is None:
        abort(404, f"No record with id {doc_id!r}")
    return jsonify(found)
