"""/ilsdi?service=GetAvailability&id=ID1+ID2&id_type=bib|item (DLF ILS-DI 1.1, as Koha answers
it) and /api/v1/availability?id=...&id_type=... (the same, as JSON), by GET or, for long lists
of ids, by POST (form fields, as OAI-PMH takes them). Every refusal, a body too large included,
is in the endpoint's own form: an XML <error> or the API's JSON error."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from indexer.feed.availability import (
    AvailabilityRequestError,
    parse_ids,
    to_dlf_xml,
)
from indexer.feed.text import escape

bp = Blueprint("ilsdi", __name__)
# A POSTed form: 200 ids of any length the ids take, with room to spare.
MAX_BODY_BYTES = 64 * 1024


class _TooLargeError(AvailabilityRequestError):
    status = 413


def _arguments():
    if request.method != "POST":
        return request.args
    request.max_content_length = MAX_BODY_BYTES
    try:
        return request.form
    except RequestEntityTooLarge:
        raise _TooLargeError(
            f"the request is larger than {MAX_BODY_BYTES // 1024} KB: ask for at most 200 ids"
        ) from None


def _entries(args):
    id_type = args.get("id_type", "bib")
    ids = parse_ids(" ".join(args.getlist("id")), id_type)
    return current_app.extensions["lantern"].availability(ids, id_type), id_type


def _status(exc: AvailabilityRequestError) -> int:
    return getattr(exc, "status", 400)


@bp.route("/ilsdi", methods=["GET", "POST"])
def ilsdi():
    try:
        args = _arguments()
        if args.get("service") != "GetAvailability":
            return _xml_error("service must be GetAvailability")
        entries, id_type = _entries(args)
    except AvailabilityRequestError as exc:
        return _xml_error(str(exc), _status(exc))
    return Response(to_dlf_xml(entries, id_type), content_type="text/xml; charset=utf-8")


@bp.route("/api/v1/availability", methods=["GET", "POST"])
def availability_json():
    try:
        entries, id_type = _entries(_arguments())
    except AvailabilityRequestError as exc:
        status = _status(exc)
        return jsonify({"ok": False, "status": status, "error": str(exc)}), status
    return jsonify({"ok": True, "id_type": id_type, "records": entries})


def _xml_error(message: str, status: int = 400) -> Response:
    # Koha answers a bad ILS-DI request with an XML <error> body; keep that shape, with a 400.
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<error>{escape(message)}</error>'
    return Response(body, status=status, content_type="text/xml; charset=utf-8")
