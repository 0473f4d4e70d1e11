"""/oai: every verb by GET or POST; errors are OAI <error> elements with HTTP 200."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from opac.urls import external_url

bp = Blueprint("oai", __name__)


def provider():
    """The app's OAI-PMH provider (its store and settings; no address: that is per request)."""
    app = current_app
    found = app.extensions.get("lantern_oai")
    if found is None:
        settings = app.config["LANTERN_SETTINGS"]
        service = app.extensions["lantern"]
        found = service.oai_provider(settings, "", app.config.get("OAI_PAGE_SIZE"))
        app.extensions["lantern_oai"] = found
    return found


@bp.route("/oai", methods=["GET", "POST"])
def oai():
    source = request.form if request.method == "POST" else request.args
    answering = provider().at(external_url("oai.oai"))
    body = answering.respond(list(source.items(multi=True)))
    return Response(body, mimetype="text/xml", content_type="text/xml; charset=utf-8")
