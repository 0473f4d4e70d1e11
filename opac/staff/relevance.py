"""The staff console's relevance part (/staff/relevance): query sets of graded judgements,
the live configuration's scores on them, downloads and uploads in the formats the CLI reads
and writes, queries added from the search log, and the "rate this result" controls that
signed-in editors see on the ordinary results page (opac.staff.rating)."""

from __future__ import annotations

import dataclasses
import difflib
import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import MultiDict

from indexer.errors import JudgementError
from indexer.relevance import formats, pending
from indexer.relevance.catalogue_ids import CatalogueIds, opensearch_query
from indexer.relevance.judgements import (
    GRADE_LABELS,
    JudgementStore,
    QuerySet,
    check_set_name,
    normalise_query,
    write_csv,
)
from opac.search.evaluation import evaluate_live
from opac.search.params import parse_search_args
from opac.staff import add_console_part, current_staff, record_change, staff_required
from opac.staff.rating import judge_result, rater_context, remember_set
from opac.staff.views import safe_next

bp = Blueprint("staff_relevance", __name__, url_prefix="/staff/relevance")
bp.app_context_processor(lambda: {"staff_rater": rater_context})
FORMATS = {"csv": "Lantern CSV", "quepid": "Quepid ratings CSV", "rank_eval": "_rank_eval JSON"}
MAX_UPLOAD = 5 * 1024 * 1024
MAX_DIFF_LINES = 400

add_console_part(
    "staff_relevance.index",
    "Relevance evaluation",
    "Query sets of graded judgements and how well the live search ranks them.",
    "viewer",
)


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def _service():
    """The app's search service: the one the results page searches with."""
    return current_app.extensions["lantern"]


def _store() -> JudgementStore:
    return JudgementStore(_settings().relevance_dir)


def _ids() -> CatalogueIds:
    return current_app.extensions["lantern"].catalogue_ids()


def _set_summaries() -> list[dict]:
    """Each set with its counts and the live search's mean scores on it (one search service
    for them all: the same search the results page runs)."""
    store, directory = _store(), _settings().relevance_dir
    out = []
    for name in pending.names(directory):
        qset = store.load(name) if store.exists(name) else QuerySet(name)
        report = None
        if qset.judgements:
            report = evaluate_live(_settings(), qset, _service())
        out.append(
            {
                "name": name,
                "queries": len(qset.queries),
                "judgements": len(qset),
                "waiting": len(pending.waiting(directory, name)),
                "report": report,
            }
        )
    return out


def _index_page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    page = render_template(
        "staff/relevance.html",
        sets=_set_summaries(),
        errors=errors or {},
        form=form or {},
        formats=FORMATS,
        may_edit=current_staff().may("editor"),
        done=request.args.get("done", ""),
    )
    return page, status


@bp.get("")
@staff_required("viewer")
def index():
    return _index_page()


@bp.get("/sets/<name>")
@staff_required("viewer")
def query_set(name: str):
    try:
        check_set_name(name)
    except JudgementError:
        abort(404)
    directory = _settings().relevance_dir
    if name not in pending.names(directory):
        abort(404)
    store = _store()
    qset = store.load(name) if store.exists(name) else QuerySet(name)
    report = evaluate_live(_settings(), qset, _service()) if qset.judgements else None
    return render_template(
        "staff/relevance_set.html",
        qset=qset,
        report=report,
        waiting=pending.waiting(directory, name),
        formats=FORMATS,
        grade_labels=GRADE_LABELS,
    )


@bp.get("/explain")
@staff_required("viewer")
def explain():
    """A query's top ten as the results page ranks them, each score explained in words, with
    the grades of a query set when one is chosen (?set=NAME)."""
    query = request.args.get("q", "")[:500]
    set_name = request.args.get("set", "")
    graded: dict[str, int] = {}
    if set_name:
        try:
            graded = _store().load(check_set_name(set_name)).judgements
            graded = graded.get(normalise_query(query), {})
        except JudgementError:
            set_name = ""
    service = current_app.extensions["lantern"]
    results, explained = [], {}
    offered = service.explains
    if query.strip():
        params = parse_search_args(MultiDict({"q": query, "size": "10"}))
        params = dataclasses.replace(params, facets=())
        results = service.search(params)["results"]
        if offered:
            explained = service.explain(params, [r["id"] for r in results])
    for r in results:
        grades = [
            graded[k] for m in r["members"] if (k := f"{m['library']}:{m['record_id']}") in graded
        ]
        r["grade"] = max(grades) if grades else None
    return render_template(
        "staff/relevance_explain.html",
        query=query,
        set_name=set_name,
        results=results,
        explained=explained,
        offered=offered,
        grade_labels=GRADE_LABELS,
    )


@bp.get("/sets/<name>/export.<fmt>")
@staff_required("viewer")
def export(name: str, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    try:
        qset = _store().load(name)
    except JudgementError:
        abort(404)
    if fmt == "csv":
        body, mimetype, ext = write_csv(qset), "text/csv", "csv"
    elif fmt == "quepid":
        body, mimetype, ext = formats.export_quepid(qset), "text/csv", "quepid.csv"
    else:
        synonyms = _settings().synonyms_dir
        data = formats.export_rank_eval(
            qset, "lantern", _ids().doc_grades, lambda q: opensearch_query(q, synonyms)
        )
        body = json.dumps(data, ensure_ascii=False, indent=1)
        mimetype, ext = "application/json", "rank_eval.json"
    disposition = f'attachment; filename="{name}.{ext}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _read_upload(fmt: str, name: str, data: bytes) -> QuerySet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JudgementError("the file is not UTF-8 text") from None
    if fmt == "csv":
        from indexer.relevance.judgements import read_csv

        return read_csv(name, text, "the file")
    if fmt == "quepid":
        return formats.import_quepid(name, text, _ids().keys_of)
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise JudgementError(f"the file is not JSON: {exc}") from None
    return formats.import_rank_eval(name, parsed, _ids().keys_of)


@bp.post("/import")
@staff_required("editor")
def import_set():
    form = {"set": request.form.get("set", "").strip(), "format": request.form.get("format")}
    errors = {}
    if form["format"] not in FORMATS:
        errors["format"] = "Choose the file's format."
    try:
        check_set_name(form["set"])
    except JudgementError:
        errors["set"] = "A set name of letters, digits, - and _ (at most 64), e.g. health-topics."
    upload = request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not data:
        errors["file"] = "Choose a file to import."
    elif len(data) > MAX_UPLOAD:
        errors["file"] = "The file is larger than 5 MB."
    if not errors:
        try:
            qset = _read_upload(form["format"], form["set"], data)
        except JudgementError as exc:
            errors["file"] = f"The file could not be read: {exc}"
    if errors:
        return _index_page(errors, form, 400)
    store = _store()
    before = write_csv(store.load(qset.name)) if store.exists(qset.name) else ""
    store.save(qset)
    diff = list(
        difflib.unified_diff(
            before.splitlines(), write_csv(qset).splitlines(), "before", "after", lineterm=""
        )
    )
    if len(diff) > MAX_DIFF_LINES:
        diff = [*diff[:MAX_DIFF_LINES], f"... ({len(diff) - MAX_DIFF_LINES} more lines)"]
    record_change("relevance.import", f"{qset.name}.csv", "\n".join(diff))
    done = f"Imported {len(qset):,} judgements of {len(qset.queries):,} queries into {qset.name}."
    return redirect(url_for("staff_relevance.index", done=done), 303)


@bp.post("/queries")
@staff_required("editor")
def add_query():
    name, query = request.form.get("set", "").strip(), request.form.get("query", "")
    try:
        added = pending.add(_settings().relevance_dir, name, query)
    except JudgementError as exc:
        abort(400, str(exc))
    if added:
        record_change("relevance.add_query", f"{name}.csv", f"+ query: {' '.join(query.split())}")
    remember_set(name)
    note = "added" if added else "already"
    return redirect(url_for("staff_relevance.query_set", name=name, **{note: query}), 303)


@bp.post("/rate")
@staff_required("editor")
def rate():
    back = safe_next(request.form.get("next"))
    try:
        outcome = judge_result(
            _store(),
            current_app.extensions["lantern"],
            set_name=request.form.get("set", "").strip(),
            query=request.form.get("q", ""),
            doc_id=request.form.get("doc", ""),
            grade=request.form.get("grade", ""),
        )
    except JudgementError as exc:
        abort(400, str(exc))
    if outcome is None:
        abort(404, "That result is no longer in the catalogue.")
    record_change("relevance.rate", f"{outcome['set']}.csv", outcome["diff"])
    session["staff_rated"] = {k: outcome[k] for k in ("doc", "grade", "set", "members")}
    return redirect(f"{back}#rate-{outcome['doc']}", 303)
