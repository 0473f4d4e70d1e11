"""GET /ilsdi?service=GetAvailability&id=ID1+ID2&id_type=bib|item (DLF ILS-DI 1.1, as Koha
answers it) and GET /api/v1/availability?id=...&id_type=... (the same, as JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from indexer.feed.availability import (
    AvailabilityRequestError,
    parse_ids,
    to_dlf_xml,
)
from indexer.feed.text import escape

bp = Blueprint("ilsdi", __name__)


def _entries():
    id_type = request.args.get("id_type", "bib")
    ids = parse_ids(" ".join(request.args.getlist("id")), id_type)
    return current_app.extensions["lantern"].availability(ids, id_type), id_type


@bp.get("/ilsdi")
def ilsdi():
    if request.args.get("service") != "GetAvailability":
        return _xml_error("service must be GetAvailability")
    try:
        entries, id_type = _entries()
    except AvailabilityRequestError as exc:
        return _xml_error(str(exc))
    return Response(to_dlf_xml(entries, id_type), content_type="text/xml; charset=utf-8")


@bp.get("/api/v1/availability")
def availability_json():
    try:
        entries, id_type = _entries()
    except AvailabilityRequestError as exc:
        return jsonify({"ok": False, "status": 400, "error": str(exc)}), 400
    return jsonify({"ok": True, "id_type": id_type, "records": entries})


def _xml_error(message: str) -> Response:
    # Koha answers a bad ILS-DI request with an XML <error> body; keep that shape, with a 400.
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<error>{escape(message)}</error>'
    return Response(body, status=400, content_type="text/xml; charset=utf-8")
