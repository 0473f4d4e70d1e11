"""The staff console's tuning part: synonym files and boosts.toml edited in the browser, checked,
previewed and evaluated as drafts, published, with history, diff and rollback.

Over indexer.tuning (no Flask there): `publish.current` gives the text and its hash (sent back as
`based_on`, so a save over a file changed on disk since is refused with the diff), `publish`
checks and writes the file in LANTERN_SYNONYMS_DIR atomically, every version is kept. Viewers see
everything and may try drafts (preview, evaluation write nothing); editors publish and roll back.
Every change is in the audit log with its diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from indexer.errors import IndexerError, InvalidTuningError, StaleEditError, TuningError
from indexer.tuning import history, preview
from indexer.tuning import publish as tuning
from indexer.tuning.files import BOOSTS_NAME, check_name, editable_names, live_path
from indexer.tuning.report import Report
from opac.staff import add_console_part, current_staff, record_change, staff_required
from opac.staff import tuning_drafts as drafts
from opac.staff.tuning_history import history_page, rollback_version, version_diff

bp = Blueprint("staff_tuning", __name__)
MAX_TEXT = 2_000_000  # characters of a draft; a synonym file is far smaller

add_console_part(
    "staff_tuning.index",
    "Synonyms and boosts",
    "Edit the synonym files and the ranking weights, try a draft on a query or a query set "
    "before publishing it, and see or roll back every published version.",
)


@dataclass
class Editor:
    """What an editor page shows: the draft, what a check, preview or evaluation found."""

    name: str
    text: str
    based_on: str
    reason: str = ""
    query: str = ""
    set_name: str = ""
    report: Report = field(default_factory=Report)
    stale_diff: str = ""
    need_confirm: bool = False
    shown: preview.Preview | None = None
    comparison: object = None
    field_errors: dict = field(default_factory=dict)
    problem: str = ""  # a message not about a line (e.g. no query to preview)


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def _name(name: str) -> str:
    try:
        return check_name(name)
    except TuningError:
        abort(404)


def _render(editor: Editor, status: int = 200):
    settings = _settings()
    versions = history.versions(settings, editor.name)
    page = "staff/tuning_boosts.html" if editor.name == BOOSTS_NAME else "staff/tuning_edit.html"
    fields, fields_problem = ([], None)
    if editor.name == BOOSTS_NAME:
        fields, fields_problem = drafts.boost_fields(editor.text)
    return render_template(
        page,
        e=editor,
        latest=versions[-1] if versions else None,
        sets=drafts.query_sets(settings),
        fields=fields,
        field_problems=_field_problems(editor.report, fields),
        fields_problem=fields_problem,
        may_publish=current_staff().may("editor"),
    ), status


def _field_problems(report: Report, fields: list[dict]) -> dict[str, str]:
    """Errors of a boosts check tied to the weight they name (input name -> message)."""
    out = {}
    for f in fields:
        for problem in report.errors:
            if problem.message.startswith((f["key"] + " ", f["key"] + ":")):
                out.setdefault(f["input"], problem.message)
    return out


@bp.get("/staff/synonyms")
@staff_required
def index():
    return _index_page()


def _index_page(error: str = "", status: int = 200):
    settings = _settings()
    files = []
    for name in editable_names(settings):
        tuning.current(settings, name)  # a change made in git or by hand shows as a version
        versions = history.versions(settings, name)
        files.append({"name": name, "latest": versions[-1] if versions else None})
    return render_template("staff/tuning_index.html", files=files, error=error), status


@bp.get("/staff/synonyms/new", endpoint="new")
@staff_required
def new_file():
    """The "new synonym file" form: a name like local.txt opens an empty editor."""
    name = request.args.get("name", "").strip()
    name = name if name.endswith(".txt") else name + ".txt"
    try:
        check_name(name)
    except TuningError as exc:
        return _index_page(str(exc), 422)
    return redirect(url_for("staff_tuning.edit", name=name))


@bp.get("/staff/synonyms/<name>", endpoint="edit")
@staff_required
def edit(name: str):
    name = _name(name)
    if name == BOOSTS_NAME:
        return redirect(url_for("staff_tuning.boosts"))
    return _open(name, request.args.get("add", ""))


def _open(name: str, add: str = ""):
    settings = _settings()
    opened = tuning.current(settings, name)
    # A synonym file not created yet is based on nothing ("" is what publish expects then).
    based_on = opened.sha256 if live_path(settings, name).exists() else ""
    text = opened.text
    add = " ".join(add.split())[:200]
    if add:
        # From a zero-result search: a new last line for the librarian to finish.
        text = (text if not text or text.endswith("\n") else text + "\n") + f"{add}, "
    reason = f"readers search for {add!r}" if add else ""
    return _render(Editor(name, text, based_on, reason=reason))


@bp.get("/staff/boosts")
@staff_required
def boosts():
    return _open(BOOSTS_NAME)


def _draft(name: str) -> Editor:
    """The editor as the form was posted: the draft text (for boosts.toml from the number fields
    when the librarian chose them), the hash it started from, the reason, query and set."""
    form = request.form
    text = form.get("content", "").replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        abort(413)
    editor = Editor(
        name,
        text,
        form.get("based_on", ""),
        reason=form.get("reason", "").strip()[:500],
        query=form.get("query", "").strip()[:500],
        set_name=form.get("set", ""),
    )
    if name == BOOSTS_NAME and form.get("source", "fields") == "fields":
        editor.text, editor.field_errors = drafts.boosts_from_fields(text, form)
    return editor


@bp.post("/staff/synonyms/<name>", endpoint="save")
@staff_required("editor")
def save(name: str):
    return _publish(_draft(_name(name)))


@bp.post("/staff/boosts", endpoint="save_boosts")
@staff_required("editor")
def save_boosts():
    return _publish(_draft(BOOSTS_NAME))


def _share():
    from opac.search.share import catalogue_share

    try:
        return catalogue_share(current_app.extensions["lantern"])
    except IndexerError:
        return None  # no index: no common-word warnings


def _publish(editor: Editor):
    settings = _settings()
    if editor.field_errors:
        editor.problem = "Some weights are not numbers; nothing was published."
        return _render(editor, 422)
    share = None if editor.name == BOOSTS_NAME else _share()
    editor.report = tuning.check(settings, editor.name, editor.text, share)
    if not editor.report.ok:
        return _render(editor, 422)
    if _new_warnings(settings, editor) and not request.form.get("confirm"):
        editor.need_confirm = True
        return _render(editor)
    try:
        done = tuning.publish(
            settings,
            editor.name,
            editor.text,
            editor.based_on,
            current_staff().username,
            editor.reason,
        )
    except StaleEditError as exc:
        editor.stale_diff, editor.based_on = exc.diff, exc.live_hash
        return _render(editor, 409)
    except InvalidTuningError as exc:
        editor.report = exc.report
        return _render(editor, 422)
    if done.version is None:
        flash(f"{editor.name} already has this text: nothing was published.")
    else:
        number = done.version.number
        diff = version_diff(settings, editor.name, number)
        action = "boosts.publish" if editor.name == BOOSTS_NAME else "synonyms.publish"
        record_change(action, editor.name, diff)
        flash(f"Published {editor.name} as version {number}. Readers see it on their next search.")
    if editor.name == BOOSTS_NAME:
        return redirect(url_for("staff_tuning.boosts"), 303)
    return redirect(url_for("staff_tuning.edit", name=editor.name), 303)


def _new_warnings(settings, editor: Editor) -> list:
    """Warnings on lines the live file does not have: those the librarian must confirm (a rule
    already published with its warning is not asked about again at every save)."""
    live = set(tuning.current(settings, editor.name).text.splitlines())
    lines = editor.text.splitlines()
    return [
        w
        for w in editor.report.warnings
        if w.line is None or w.line > len(lines) or lines[w.line - 1] not in live
    ]


@bp.post("/staff/synonyms/<name>/preview", endpoint="preview")
@staff_required
def preview_draft(name: str):
    editor = _draft(_name(name))
    if editor.field_errors:
        editor.problem = "Some weights are not numbers: fix them to preview."
        return _render(editor, 422)
    if not editor.query:
        editor.problem = "Type a search to preview the draft on."
        editor.field_errors["query"] = editor.problem
        return _render(editor, 422)
    try:
        editor.shown = preview.preview(_settings(), editor.name, editor.text, editor.query)
    except InvalidTuningError as exc:
        editor.report = exc.report
        return _render(editor, 422)
    return _render(editor)


@bp.post("/staff/synonyms/<name>/evaluate", endpoint="evaluate")
@staff_required
def evaluate_draft(name: str):
    editor = _draft(_name(name))
    if editor.field_errors:
        editor.problem = "Some weights are not numbers: fix them to evaluate."
        return _render(editor, 422)
    editor.report = tuning.check(_settings(), editor.name, editor.text)
    if not editor.report.ok:
        return _render(editor, 422)
    if editor.set_name not in drafts.query_sets(_settings()):
        editor.problem = "Choose a query set to evaluate the draft on."
        editor.field_errors["set"] = editor.problem
        return _render(editor, 422)
    data = tuning.as_bytes(editor.text)
    try:
        editor.comparison = drafts.evaluate(_settings(), editor.name, data, editor.set_name)
    except IndexerError as exc:
        editor.problem = str(exc)
        return _render(editor, 422)
    return _render(editor)


@bp.get("/staff/synonyms/<name>/history", endpoint="history")
@staff_required
def history_view(name: str):
    return history_page(_name(name))


@bp.post("/staff/synonyms/<name>/rollback", endpoint="rollback")
@staff_required("editor")
def rollback(name: str):
    return rollback_version(_name(name))
