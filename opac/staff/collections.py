"""The staff console's collections part: the region's collections compared (titles, last
copies, the overlap of every pair of members) under a reader's filters, as a page and as CSV.

The figures come from opac.collections.compare, counted by the engine over the merged
documents, so they agree with the OPAC's facet counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, current_app, render_template, request

from opac.collections.compare import (
    compare_collections,
    last_copies,
    last_copies_csv,
    libraries_csv,
    overlap_csv,
)
from opac.search.facets import FACET_LABELS
from opac.search.service import SearchParams
from opac.staff import add_console_part, staff_required

bp = Blueprint("staff_collections", __name__)
SELECT_FACETS = ("format", "mesh", "subject")  # the reader's facets offered as filters
YEAR_FIELDS = {"year_from": "From year", "year_to": "To year"}

add_console_part(
    "staff_collections.index",
    "Compare collections",
    "Titles each library holds, its last copies (titles no other member holds) and the "
    "overlap of every pair, by format, subject and year; as tables and CSV.",
    "viewer",
)


@dataclass
class Filters:
    """The filter form: what was asked (to show again) and the filters it makes."""

    chosen: dict[str, str] = field(default_factory=dict)
    pairs: tuple[tuple[str, str], ...] = ()
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        """The chosen filters as URL parameters (for the CSV links)."""
        return {name: value for name, value in self.chosen.items() if value}


def read_filters(args) -> Filters:
    out = Filters()
    pairs = []
    for name in SELECT_FACETS:
        value = args.get(name, "").strip()[:300]
        out.chosen[name] = value
        if value:
            pairs.append((name, value))
    years = {}
    for name, label in YEAR_FIELDS.items():
        value = args.get(name, "").strip()[:10]
        out.chosen[name] = value
        if value and not (value.isascii() and value.isdigit() and len(value) <= 4):
            out.errors[name] = f"{label}: give a year of up to four digits, like 2015."
        elif value:
            years[name] = int(value)
    low, high = years.get("year_from"), years.get("year_to")
    if low is not None and high is not None and low > high:
        out.errors["year_to"] = "To year: give a year no earlier than the from year."
    if years and not out.errors:
        pairs.append(("year", f"{'' if low is None else low}-{'' if high is None else high}"))
    out.pairs = tuple(pairs)
    return out


def _service():
    return current_app.extensions["lantern"]


def facet_options(service, filters: Filters) -> dict[str, list[dict]]:
    """Each select's values: the facet's most common values in the whole catalogue, and the
    chosen value even when it is not among them."""
    counted = service.search(SearchParams(q="", size=1, facets=SELECT_FACETS))["facets"]
    options = {}
    for name in SELECT_FACETS:
        values = [
            {"value": v["value"], "label": v["label"], "count": v["count"]}
            for v in counted.get(name, [])
        ]
        chosen = filters.chosen.get(name)
        if chosen and chosen not in {v["value"] for v in values}:
            values.append({"value": chosen, "label": chosen, "count": None})
        options[name] = values
    return options


@bp.get("/staff/collections")
@staff_required
def index():
    service = _service()
    filters = read_filters(request.args)
    comparison = None if filters.errors else compare_collections(service, filters.pairs)
    return render_template(
        "staff/collections.html",
        filters=filters,
        options=facet_options(service, filters),
        labels=FACET_LABELS,
        year_labels=YEAR_FIELDS,
        comparison=comparison,
    ), (400 if filters.errors else 200)


def _csv(lines: Iterator[str], filename: str) -> Response:
    return Response(
        lines,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _checked_filters() -> Filters:
    filters = read_filters(request.args)
    if filters.errors:
        abort(400, " ".join(filters.errors.values()))
    return filters


@bp.get("/staff/collections.csv")
@staff_required
def table_csv():
    table = request.args.get("table", "libraries")
    if table not in ("libraries", "overlap"):
        abort(400, "table is libraries or overlap.")
    comparison = compare_collections(_service(), _checked_filters().pairs)
    text = libraries_csv(comparison) if table == "libraries" else overlap_csv(comparison)
    return _csv(iter([text]), f"collections-{table}.csv")


@bp.get("/staff/collections/last-copies/<code>.csv")
@staff_required
def last_copies_download(code: str):
    service = _service()
    code = code.upper()
    if code not in service.consortium.libraries:
        abort(404, "There is no library with that code.")
    entries = last_copies(service, code, _checked_filters().pairs)
    return _csv(last_copies_csv(entries), f"last-copies-{code}.csv")
