"""/opensearch.xml (the browser search-box protocol) and /search.atom?q= (Atom of any search)."""

from __future__ import annotations

import dataclasses
import datetime

from flask import Blueprint, Response, abort, current_app, render_template, request

from opac.search.params import parse_search_args
from opac.ui.links import changed
from opac.urls import external_url

bp = Blueprint("feeds", __name__)
FEED_SIZE = 50


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template(
        "feeds/opensearch.xml", consortium=current_app.extensions["lantern"].consortium
    )
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.get("/search.atom")
def atom():
    try:
        params = parse_search_args(request.args)
    except ValueError as exc:
        abort(400, str(exc))
    service = current_app.extensions["lantern"]
    # Not a reader's search for the search log: a feed reader polls a subscribed search on its
    # own, every hour or so, and would drown the searches people type.
    page = service.search(dataclasses.replace(params, size=min(params.size, FEED_SIZE), facets=()))
    query = changed(request.args)
    body = render_template(
        "feeds/search_atom.xml",
        page=page,
        params=params,
        self_url=external_url("feeds.atom") + query,
        html_url=external_url("ui.search") + query,
        updated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return Response(body, mimetype="application/atom+xml")
