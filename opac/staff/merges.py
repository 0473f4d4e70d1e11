"""The staff console's merges part: "not the same title" and "same title as…" from the record
page (for editors), and /staff/merges, the decisions newest first with undo.

Each change goes through indexer.catalogue.merges (written to the merge overrides with the
reason and the user, the affected documents rebuilt at once: no reindex) and into the audit
log. Outcomes reach the record page as flashed messages: the librarian has a session, and a
reader's record page never reads one unless a staff user is signed in.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)

from indexer.catalogue import merges
from indexer.errors import ConfigError, IndexLockedError, RequestError
from opac.staff import add_console_part, current_staff, record_change, staff_required

bp = Blueprint("staff_merges", __name__)
LOCKED = (
    "The catalogue is being loaded or changed by another process just now, so nothing was "
    "changed. Please try again in a few minutes."
)
# Flash categories: the record page shows these beside the form they belong to.
DONE, MOVED, ERROR = "merge-done", "merge-moved", "merge-error"

add_console_part(
    "staff_merges.index",
    "Merge decisions",
    "Records kept apart or merged by hand, newest first, with who, when and why; undo any.",
    "viewer",
)


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def _service():
    return current_app.extensions["lantern"]


def document_of(key: str) -> str | None:
    """The id of the document that holds the member record `key` now (a document's id is
    its anchor record's LIB.CONTROLNUMBER; moved_to finds it when `key` is not the anchor)."""
    library, _, record_id = key.partition(":")
    named = f"{library}.{record_id}"
    moved = _service().moved_to(named)
    if moved:
        return moved
    return named if _service().record(named) is not None else None


def _back_to(doc_id: str, key: str | None = None) -> str:
    """The record page the form was on, or, when that id is gone (its anchor record moved),
    the document that holds `key` (or the old id's record) now."""
    doc_id = doc_id.strip()[:200]
    if doc_id and _service().record(doc_id) is not None:
        return url_for("ui.record", doc_id=doc_id, _anchor="merges")
    moved = (document_of(key) if key else None) or (doc_id and _service().moved_to(doc_id))
    if moved:
        return url_for("ui.record", doc_id=moved, _anchor="merges")
    return url_for("staff_merges.index")


def _apply(action: str, target: str, make_change, form: str):
    """Run one change; on success audit it and flash what happened, else flash why not.
    Returns the change, or None when nothing changed."""
    try:
        change = make_change()
    except RequestError as exc:
        flash(f"Nothing was changed: {exc}.", f"{ERROR} {form}")
        return None
    except IndexLockedError:
        flash(LOCKED, f"{ERROR} {form}")
        return None
    except ConfigError as exc:
        current_app.logger.error("merge overrides: %s", exc)
        flash(f"Nothing was changed: {exc}", f"{ERROR} {form}")
        return None
    groups = "\n".join(" + ".join(group) for group in change.groups)
    record_change(action, target, f"{change.change} {change.kind}: {change.reason}\n{groups}")
    return change


@bp.app_context_processor
def merge_helpers():
    return {"merge_notes": merge_notes}


def merge_notes() -> dict:
    """This request's merge outcomes for the record page (call it only for signed-in staff):
    confirmations, the member's new record id, and errors by the form they belong to."""
    notes: dict = {"done": [], "moved": None, "errors": {}}
    for category, message in get_flashed_messages(with_categories=True):
        kind, _, form = category.partition(" ")
        if kind == DONE:
            notes["done"].append(message)
        elif kind == MOVED:
            notes["moved"] = message
        elif kind == ERROR:
            notes["errors"][form] = message
    return notes


@bp.post("/staff/merges/split")
@staff_required("editor")
def split():
    key = request.form.get("key", "").strip()
    doc_id = request.form.get("doc", "")
    by = current_staff().username
    reason = request.form.get("reason", "")
    change = _apply(
        "merge.split",
        key,
        lambda: merges.split_out(_settings(), key, reason, by),
        f"split-{key}",
    )
    if change is None:
        return redirect(_back_to(doc_id, key), 303)
    now = document_of(key)
    flash(
        f"{key} is now kept apart from the other records of this title "
        f"(decision {change.change}; undo it from Merge decisions).",
        DONE,
    )
    if now and now != doc_id:
        flash(now, MOVED)  # shown as a link to the member's own record
    return redirect(_back_to(doc_id, key), 303)


@bp.post("/staff/merges/merge")
@staff_required("editor")
def merge():
    doc_id = request.form.get("doc", "").strip()
    other = request.form.get("other", "").strip()
    by = current_staff().username
    reason = request.form.get("reason", "")
    if not other:
        flash("Nothing was changed: give the other record's id or key.", f"{ERROR} merge")
        return redirect(_back_to(doc_id), 303)
    change = _apply(
        "merge.merge",
        doc_id,
        lambda: merges.always_merge(_settings(), [doc_id, other], reason, by),
        "merge",
    )
    if change is not None:
        flash(
            f"Merged with {other} (decision {change.change}; undo it from Merge decisions).",
            DONE,
        )
        anchor = change.groups[0][0]
        return redirect(_back_to(doc_id, anchor), 303)
    return redirect(_back_to(doc_id), 303)


@bp.get("/staff/merges")
@staff_required
def index():
    try:
        changes = merges.list_changes(_settings())
        problem = None
    except ConfigError as exc:
        changes, problem = [], str(exc)
    return render_template("staff/merges.html", changes=changes, problem=problem)


@bp.post("/staff/merges/undo")
@staff_required("editor")
def undo():
    change_id = request.form.get("change", "").strip()[:100]
    by = current_staff().username
    change = _apply(
        "merge.undo", change_id, lambda: merges.undo(_settings(), change_id, by), "undo"
    )
    if change is not None:
        flash(f"Decision {change_id} is undone; the records it named are rebuilt.", DONE)
    return redirect(url_for("staff_merges.index"), 303)
