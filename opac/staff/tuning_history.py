"""A tuning file's history page (every version, a diff between any two) and its rollback."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from indexer.errors import InvalidTuningError, StaleEditError, TuningError
from indexer.tuning import history
from indexer.tuning import publish as tuning
from indexer.tuning.files import BOOSTS_NAME
from opac.staff import current_staff, record_change


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def history_page(name: str, error: str = "", failed: int | None = None, status: int = 200):
    settings = _settings()
    tuning.current(settings, name)  # records a change made on disk since, as its own version
    versions = history.versions(settings, name)
    numbers = [v.number for v in versions]
    first = request.args.get("from", type=int)
    second = request.args.get("to", type=int)
    diff, diff_error = None, ""
    if first is not None or second is not None:
        if first in numbers and second in numbers:
            diff = history.diff(settings, name, first, second)
        else:
            diff_error = "Choose two versions from the list."
    return render_template(
        "staff/tuning_history.html",
        name=name,
        versions=list(reversed(versions)),
        live=versions[-1].number if versions else None,
        first=first if first in numbers else (numbers[-2] if len(numbers) > 1 else None),
        second=second if second in numbers else (numbers[-1] if numbers else None),
        diff=diff,
        diff_error=diff_error,
        error=error,
        failed=failed,
        may_publish=current_staff().may("editor"),
    ), status


def rollback_version(name: str):
    settings = _settings()
    number = request.form.get("version", type=int)
    reason = request.form.get("reason", "").strip()[:500]
    known = {v.number for v in history.versions(settings, name)}
    if number not in known:
        return history_page(name, "Choose a version from the list to roll back to.", None, 422)
    if not reason:
        return history_page(name, "Say why you are rolling back.", number, 422)
    try:
        done = tuning.rollback(settings, name, number, current_staff().username, reason)
    except (StaleEditError, InvalidTuningError, TuningError) as exc:
        return history_page(name, str(exc), number, 409)
    if done.version is None:
        flash(f"{name} already has the text of version {number}: nothing changed.")
    else:
        new = done.version.number
        diff = version_diff(settings, name, new)
        action = "boosts.rollback" if name == BOOSTS_NAME else "synonyms.rollback"
        record_change(action, name, diff)
        flash(f"Rolled {name} back to the text of version {number}, as version {new}.")
    return redirect(url_for("staff_tuning.history", name=name), 303)


def version_diff(settings, name: str, number: int) -> str:
    """What version `number` changed (for the audit log): from the version before, or from
    nothing for a file's first version."""
    if number > 1:
        return history.diff(settings, name, number - 1, number)
    text = history.version_bytes(settings, name, number)
    return history.unified_diff(b"", text, "/dev/null", f"{name} v{number}")
