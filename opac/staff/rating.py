""" "Rate this result" on the ordinary results page, for signed-in editors: what the controls
show (the query sets, the set chosen last, the grade just given) and what a rating does (a
judgement for every member record of the result, so it survives re-merging).

A reader's page never reads the session: without the session cookie there is nobody to show
controls to, and the page stays as cacheable as before."""

from __future__ import annotations

from flask import current_app, g, request, session

from indexer.errors import JudgementError
from indexer.relevance import pending
from indexer.relevance.judgements import (
    GRADE_LABELS,
    JudgementStore,
    QuerySet,
    check_grade,
    check_set_name,
)
from opac.staff.auth import current_staff

CHOSEN_SET = "staff_rate_set"
RATED = "staff_rated"
DEFAULT_SET = "ratings"


def remember_set(name: str) -> None:
    session[CHOSEN_SET] = name


def rater_context() -> dict | None:
    """For the results template: None for readers and staff below editor; else the sets to
    rate into, the one chosen last, the rating just made (shown once) and the grade labels."""
    if "staff_rater" in g:
        return g.staff_rater
    g.staff_rater = None
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        account = current_staff()
        if account is not None and account.may("editor"):
            settings = current_app.config["LANTERN_SETTINGS"]
            sets = pending.names(settings.relevance_dir)
            chosen = session.get(CHOSEN_SET) or (sets[0] if sets else DEFAULT_SET)
            g.staff_rater = {
                "sets": sets if chosen in sets else [*sets, chosen],
                "chosen": chosen,
                "rated": session.pop(RATED, None),
                "grades": GRADE_LABELS,
            }
    return g.staff_rater


def judge_result(
    store: JudgementStore, service, *, set_name: str, query: str, doc_id: str, grade: str
) -> dict | None:
    """Grade result `doc_id` for `query` in set `set_name`: every member record key of the
    result is judged. None when the result is not in the catalogue."""
    check_set_name(set_name)
    value = check_grade(grade)
    if not " ".join(query.split()):
        raise JudgementError("a rating needs the query the result was found for")
    display = service.display(doc_id) if doc_id else None
    if not display:
        return None
    keys = [f"{m['library']}:{m['record_id']}" for m in display.get("members") or ()]
    if not keys:
        return None
    with store._locked(set_name):  # one read-change-write for all the members
        qset = store.load(set_name) if store.exists(set_name) else QuerySet(set_name)
        for key in keys:
            qset.judge(query, key, value)
        store.save(qset)
    remember_set(set_name)
    query = " ".join(query.split())
    lines = [f"query: {query}", *(f"{key} = {value} ({GRADE_LABELS[value]})" for key in keys)]
    diff = "\n".join(lines)
    return {"set": set_name, "doc": doc_id, "grade": value, "members": len(keys), "diff": diff}
