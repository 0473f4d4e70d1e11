"""Error responses in the form the caller reads: JSON for the API and the staff console's JSON
requests, the site's error page for everything else."""

from __future__ import annotations

from flask import jsonify, render_template, request

JSON_PATHS = ("/api/", "/staff/api/")


def wants_json() -> bool:
    """The API and /staff/api/ answer JSON; other staff requests do when they ask for JSON
    (`Accept: application/json`), as the console's scripts do."""
    if request.path.startswith(JSON_PATHS):
        return True
    if not request.path.startswith("/staff/"):
        return False
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def error_response(status: int, message: str):
    if wants_json():
        return jsonify({"ok": False, "status": status, "error": message}), status
    return render_template("ui/error.html", status=status, message=message), status
