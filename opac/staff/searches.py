"""The staff console's searches part: what readers search for (/staff/searches), over the
search log's reports (indexer.searchlog.reports), with a CSV download of each report."""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from indexer.errors import ConfigError
from indexer.relevance import pending
from indexer.searchlog import reports
from opac.staff import add_console_part, current_staff, staff_required

bp = Blueprint("staff_searches", __name__, url_prefix="/staff")
SYNONYM_FILE = "health.txt"  # where "Add a synonym" from a zero-result search opens the editor
LIMITS = (10, 20, 50, 100)
TITLES = {
    "top": "Top searches",
    "zero": "Searches that found nothing",
    "suggested": "Suggestions readers took",
}

add_console_part(
    "staff_searches.index",
    "What readers search for",
    "Top searches, searches that found nothing and suggestions taken, by week and scope.",
    "viewer",
)


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def _filters() -> tuple[dict, list[str]]:
    """The form's since, scope and limit, each checked; errors keyed by field."""
    errors = {}
    since_text = request.args.get("since", "").strip()
    try:
        since = reports.parse_since(since_text)
    except ConfigError:
        since = None
        errors["since"] = "Give a date as YYYY-MM-DD, for example 2026-11-30."
    scope = request.args.get("scope", "").strip().upper()[:32]
    limit = request.args.get("limit", default=20, type=int)
    limit = limit if limit in LIMITS else 20
    return {"since": since, "since_text": since_text, "scope": scope, "limit": limit}, errors


def synonym_editor_url(query: str) -> str:
    """The synonym editor (opac.staff.tuning) with `query` to add filled in."""
    return url_for("staff_tuning.edit", name=SYNONYM_FILE, add=query)


@bp.get("/searches")
@staff_required("viewer")
def index():
    chosen, errors = _filters()
    path = _settings().search_log_path
    data = reports.overview(
        path, since=chosen["since"], scope=chosen["scope"] or None, limit=chosen["limit"]
    )
    staff = current_staff()
    sets = pending.names(_settings().relevance_dir) if staff.may("editor") else []
    return render_template(
        "staff/searches.html",
        data=data,
        chosen=chosen,
        errors=errors,
        titles=TITLES,
        kinds=reports.KINDS,
        columns=reports.COLUMNS,
        limits=LIMITS,
        logged=path.exists(),
        may_edit=staff.may("editor"),
        query_sets=sets,
        synonym_editor_url=synonym_editor_url,
    )


@bp.get("/searches/<kind>.csv")
@staff_required("viewer")
def download(kind: str):
    if kind not in reports.KINDS:
        abort(404)
    chosen, errors = _filters()
    if errors:
        abort(400, errors["since"])
    rows = reports.report(
        _settings().search_log_path,
        kind,
        since=chosen["since"],
        scope=chosen["scope"] or None,
        limit=max(chosen["limit"], 1000),
    )
    out = io.StringIO()
    reports.write_csv(kind, rows, out)
    name = f"searches-{kind}"
    if chosen["since"]:
        name += f"-since-{chosen['since'].isoformat()}"
    if chosen["scope"]:
        name += f"-{quote(chosen['scope'], safe='')}"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
