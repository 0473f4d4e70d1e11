"""The JSON API: /api/v1/search, /api/v1/records/ID (and its /citation), /api/v1/suggest,
/api/v1/openapi.json."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, abort, current_app, jsonify, request

from opac.api.openapi import openapi_document
from opac.records import citations
from opac.records.moved import moved_or_missing
from opac.search.params import parse_search_args
from opac.urls import public_root

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_SUGGEST_CHARS = 200


def service():
    return current_app.extensions["lantern"]


def json_response(data) -> Response:
    """The same JSON as jsonify, encoded by orjson: a results page with its facets is the
    largest thing the OPAC sends, and the standard encoder was the largest part of the time
    the API spends outside the engine."""
    return Response(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS), mimetype="application/json")


@bp.get("/search")
def search():
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        abort(400, str(exc))
    return json_response(service().search(params, log="api"))


@bp.get("/records/<doc_id>")
def record(doc_id: str):
    library = request.args.get("library", "").strip().upper()
    if library and library not in service().consortium.libraries:
        abort(400, f"There is no member library {library[:20]!r}.")
    found = service().record(doc_id, [library] if library else None)
    if found is None:
        return moved_or_missing(service(), doc_id, "api.record", f"No record with id {doc_id!r}")
    return json_response(found)


@bp.get("/records/<doc_id>/citation")
def citation(doc_id: str):
    style = request.args.get("style", "vancouver")
    if style not in citations.STYLES:
        abort(400, f"Unknown citation style: choose one of {', '.join(citations.STYLES)}.")
    display = service().display(doc_id)
    if display is None:
        return moved_or_missing(
            service(), doc_id, "api.citation", f"No record with id {doc_id!r}", style=style
        )
    return json_response(citations.reference(display, style))


@bp.get("/suggest")
def suggest():
    text = request.args.get("q", "")[:MAX_SUGGEST_CHARS]
    found = service().suggest(text)
    if request.args.get("format") == "opensearch":
        # The OpenSearch suggestions extension: [query, [completions]].
        return jsonify([text, [s["text"] for s in found["suggestions"]]])
    return jsonify(found)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(public_root()))
