"""The synonyms and boosts pages through a real signed-in session, on a real demo catalogue with
its own copy of synonyms/: edit, check, stale refusal with diff, preview, evaluate, publish,
history, diff, rollback; roles, CSRF, audit and escaping."""

from __future__ import annotations

import dataclasses
import html
import shutil
from pathlib import Path

import pytest

from indexer.relevance.judgements import JudgementStore
from indexer.staff import audit
from opac.search.service import SearchParams
from tests.staff.conftest import CSRF_FIELD, make_app, sign_in

REPO = Path(__file__).resolve().parents[2]
BASED_ON = r'name="based_on" value="([0-9a-f]*)"'
HOSTILE = "<script>alert(1)</script>"


def own_synonyms(settings, directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("boosts.toml", "health.txt"):
        shutil.copyfile(REPO / "synonyms" / name, directory / name)
    return dataclasses.replace(settings, synonyms_dir=directory)


@pytest.fixture(scope="module")
def tuned(settings, tmp_path_factory):
    return own_synonyms(settings, tmp_path_factory.mktemp("synonyms"))


@pytest.fixture(scope="module")
def app(tuned):
    return make_app(tuned)


def editor_form(client, path: str) -> dict:
    import re

    page = client.get(path)
    assert page.status_code == 200, page.status_code
    text = page.get_data(as_text=True)
    content = re.search(r'<textarea id="content"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    return {
        "csrf_token": CSRF_FIELD.search(text).group(1),
        "based_on": re.search(BASED_ON, text).group(1),
        "content": html.unescape(content),
    }


def as_editor(client):
    assert sign_in(client, "ed.editor").status_code == 303
    return client


def test_signed_out_pages_redirect_to_the_sign_in(client):
    for path in (
        "/staff/synonyms",
        "/staff/synonyms/health.txt",
        "/staff/boosts",
        "/staff/synonyms/health.txt/history",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/staff/login" in response.location


def test_the_list_shows_every_file_with_its_last_change(client):
    sign_in(client, "vic.viewer")
    page = client.get("/staff/synonyms").get_data(as_text=True)
    assert "health.txt" in page and "boosts.toml" in page and "v1, found" in page
    assert client.get("/staff/").get_data(as_text=True).count("Synonyms and boosts") == 1


def test_a_viewer_sees_and_previews_but_may_not_publish_or_roll_back(client, tuned):
    sign_in(client, "vic.viewer")
    form = editor_form(client, "/staff/synonyms/health.txt")
    assert client.post("/staff/synonyms/health.txt", data=form).status_code == 403
    rolled = {"csrf_token": form["csrf_token"], "version": "1", "reason": "x"}
    assert client.post("/staff/synonyms/health.txt/rollback", data=rolled).status_code == 403
    shown = client.post("/staff/synonyms/health.txt/preview", data={**form, "query": "care"})
    assert shown.status_code == 200 and "Draft results" in shown.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    before = (tuned.synonyms_dir / "health.txt").read_bytes()
    del form["csrf_token"]
    assert client.post("/staff/synonyms/health.txt", data=form).status_code == 400
    assert (tuned.synonyms_dir / "health.txt").read_bytes() == before


def test_errors_are_listed_by_line_and_tied_to_the_textarea_and_hostile_text_is_escaped(
    client, tuned
):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    before = (tuned.synonyms_dir / "health.txt").read_bytes()
    lines = form["content"].count("\n")
    form["content"] += f"{HOSTILE} =>\n"
    response = client.post("/staff/synonyms/health.txt", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Line {lines + 1}:" in page
    assert 'aria-invalid="true"' in page and "draft-errors" in page
    assert HOSTILE not in page and html.escape(HOSTILE) in page
    assert (tuned.synonyms_dir / "health.txt").read_bytes() == before


def test_add_prefills_a_new_last_line_escaped(client):
    as_editor(client)
    page = client.get("/staff/synonyms/health.txt", query_string={"add": HOSTILE})
    text = page.get_data(as_text=True)
    assert HOSTILE not in text
    form = editor_form(client, f"/staff/synonyms/health.txt?add={HOSTILE}")
    assert form["content"].endswith(f"\n{HOSTILE}, ")


def test_publish_writes_the_file_audits_it_and_history_diff_and_rollback_work(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    form.update(content=form["content"] + "psoriasis, dermatology\n", reason="readers ask")
    done = client.post("/staff/synonyms/health.txt", data=form)
    assert done.status_code == 303
    assert "psoriasis, dermatology" in (tuned.synonyms_dir / "health.txt").read_text()
    assert "Published health.txt" in client.get(done.location).get_data(as_text=True)
    last = audit.entries(tuned.data_dir, limit=1)[0]
    assert (last.action, last.target, last.actor) == ("synonyms.publish", "health.txt", "ed.editor")
    assert "+psoriasis, dermatology" in last.diff
    history = client.get("/staff/synonyms/health.txt/history").get_data(as_text=True)
    assert "readers ask" in history and "(live)" in history
    diff = client.get("/staff/synonyms/health.txt/history", query_string={"from": 1, "to": 2})
    assert "+psoriasis, dermatology" in html.unescape(diff.get_data(as_text=True))
    token = CSRF_FIELD.search(history).group(1)
    no_reason = {"csrf_token": token, "version": "1", "reason": ""}
    assert client.post("/staff/synonyms/health.txt/rollback", data=no_reason).status_code == 422
    back = {"csrf_token": token, "version": "1", "reason": "too broad"}
    assert client.post("/staff/synonyms/health.txt/rollback", data=back).status_code == 303
    assert "psoriasis" not in (tuned.synonyms_dir / "health.txt").read_text()
    last = audit.entries(tuned.data_dir, limit=1)[0]
    assert last.action == "synonyms.rollback" and "-psoriasis, dermatology" in last.diff
    assert "rollback to v1: too broad" in client.get("/staff/synonyms/health.txt/history").get_data(
        as_text=True
    )


def test_a_save_over_a_file_changed_on_disk_is_refused_with_the_diff_and_keeps_the_text(
    client, tuned
):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    path = tuned.synonyms_dir / "health.txt"
    path.write_text(path.read_text() + "hand, edit\n")  # someone edits the file in between
    form["content"] += "mine, too\n"
    response = client.post("/staff/synonyms/health.txt", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "changed since you opened it" in page and "+hand, edit" in page
    assert "mine, too" in page and "mine" not in path.read_text()


def test_a_common_word_warning_needs_confirming(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    form["content"] += "care, attention\n"  # "care" is in many of the demo's titles
    first = client.post("/staff/synonyms/health.txt", data=form)
    assert first.status_code == 200 and "Publish despite the warnings" in first.get_data(
        as_text=True
    )
    assert "care, attention" not in (tuned.synonyms_dir / "health.txt").read_text()
    done = client.post("/staff/synonyms/health.txt", data={**form, "confirm": "1"})
    assert done.status_code == 303
    assert "care, attention" in (tuned.synonyms_dir / "health.txt").read_text()
    # A rule published with its warning is not asked about again at the next save.
    later = editor_form(client, "/staff/synonyms/health.txt")
    later["content"] += "rosacea, dermatology\n"
    assert client.post("/staff/synonyms/health.txt", data=later).status_code == 303


def test_preview_shows_live_and_draft_side_by_side_and_writes_nothing(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    before = (tuned.synonyms_dir / "health.txt").read_bytes()
    form["content"] += "psoriasis, dermatology\n"
    shown = client.post("/staff/synonyms/health.txt/preview", data={**form, "query": "psoriasis"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Live: 0 results" in page and "Dermatology made easy" in page and ">new<" in page
    assert (tuned.synonyms_dir / "health.txt").read_bytes() == before
    empty = client.post("/staff/synonyms/health.txt/preview", data={**form, "query": ""})
    assert empty.status_code == 422


def test_evaluate_a_draft_on_a_query_set(client, app, tuned):
    hit = app.extensions["lantern"].search(SearchParams(q='"dermatology made easy"', size=1))
    member = hit["results"][0]["members"][0]
    key = f"{member['library']}:{member['record_id']}"
    JudgementStore(tuned.relevance_dir).judge("demo", "psoriasis", key, 3)
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    form["content"] += "psoriasis, dermatology\n"
    shown = client.post("/staff/synonyms/health.txt/evaluate", data={**form, "set": "demo"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Evaluation on" in page and "nDCG@10" in page
    assert "The draft is better" in page and "psoriasis" in page  # the query it changes
    missing = client.post("/staff/synonyms/health.txt/evaluate", data={**form, "set": "nope"})
    assert missing.status_code == 422


def test_boosts_labelled_fields_publish_with_ranges_checked(client, tuned):
    as_editor(client)
    page = client.get("/staff/boosts").get_data(as_text=True)
    assert "Weight of a match in this field" in page and "Allowed: a number from 0.1 to 100" in page
    form = editor_form(client, "/staff/boosts")
    bad = {**form, "source": "fields", "w.fields.subject": "1000"}
    refused = client.post("/staff/boosts", data=bad)
    assert refused.status_code == 422 and "out of range" in refused.get_data(as_text=True)
    nan = client.post("/staff/boosts", data={**form, "source": "fields", "w.fields.subject": "x"})
    assert nan.status_code == 422
    good = {**form, "source": "fields", "w.fields.subject": "3", "reason": "subjects"}
    assert client.post("/staff/boosts", data=good).status_code == 303
    text = (tuned.synonyms_dir / "boosts.toml").read_text()
    assert "subject = 3.0" in text and "# How plain searches rank records" in text
    assert audit.entries(tuned.data_dir, limit=1)[0].action == "boosts.publish"


def test_boosts_raw_toml_errors_are_named_by_line(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/boosts")
    raw = {**form, "source": "raw", "content": "[feilds]\ntitle = 3\n"}
    refused = client.post("/staff/boosts", data=raw)
    assert refused.status_code == 422 and "Line 2:" in refused.get_data(as_text=True)


def test_unknown_file_names_are_not_found(client):
    as_editor(client)
    assert client.get("/staff/synonyms/..%2Fetc.txt").status_code == 404
    assert client.get("/staff/synonyms/notes.md").status_code == 404


def test_a_new_synonym_file_is_created_on_its_first_publish(client, tuned):
    as_editor(client)
    bad = client.get("/staff/synonyms/new", query_string={"name": "../../etc/passwd"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    opened = client.get("/staff/synonyms/new", query_string={"name": "local"})
    assert opened.status_code == 302 and opened.location.endswith("/staff/synonyms/local.txt")
    form = editor_form(client, "/staff/synonyms/local.txt")
    assert form["based_on"] == "" and form["content"] == ""
    form.update(content="psoriasis, dermatology\n", reason="our own")
    assert client.post("/staff/synonyms/local.txt", data=form).status_code == 303
    assert (tuned.synonyms_dir / "local.txt").read_text() == "psoriasis, dermatology\n"
    last = audit.entries(tuned.data_dir, limit=1)[0]
    assert last.target == "local.txt" and "+psoriasis, dermatology" in last.diff
    assert "local.txt" in client.get("/staff/synonyms").get_data(as_text=True)


def test_after_a_stale_refusal_publishing_the_kept_text_replaces_the_file_on_disk(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    path = tuned.synonyms_dir / "health.txt"
    path.write_text(path.read_text() + "second, hand\n")
    form["content"] += "merged, by hand\n"
    refused = client.post("/staff/synonyms/health.txt", data=form)
    assert refused.status_code == 409
    again = editor_form_from(refused.get_data(as_text=True))
    assert again["content"] == form["content"] and again["based_on"] != form["based_on"]
    assert client.post("/staff/synonyms/health.txt", data=again).status_code == 303
    assert "merged, by hand" in path.read_text()


def editor_form_from(text: str) -> dict:
    import re

    content = re.search(r'<textarea id="content"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    return {
        "csrf_token": CSRF_FIELD.search(text).group(1),
        "based_on": re.search(BASED_ON, text).group(1),
        "content": html.unescape(content),
    }


def test_hostile_queries_and_titles_are_escaped_in_the_preview(client):
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    shown = client.post("/staff/synonyms/health.txt/preview", data={**form, "query": HOSTILE})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and HOSTILE not in page and html.escape(HOSTILE) in page


def test_enter_in_a_text_field_never_publishes(client):
    """Browsers submit a form's first button on Enter: it must be Preview, not Publish."""
    as_editor(client)
    for path in ("/staff/synonyms/health.txt", "/staff/boosts"):
        page = client.get(path).get_data(as_text=True)
        assert page.index("Preview: live and draft") < page.index(">Publish</button>")


@pytest.mark.parametrize(
    ("line", "reason"),
    [('"heart attack, myocardial infarction', "unclosed quote"), ("=> nothing", "has nothing")],
)
def test_the_console_refuses_what_the_engines_would_leave_out(client, tuned, line, reason):
    # The console checks a draft with the engines' own reading of the file (issue 21): a line
    # they would leave out is refused with its line, and nothing is written.
    as_editor(client)
    form = editor_form(client, "/staff/synonyms/health.txt")
    before = (tuned.synonyms_dir / "health.txt").read_bytes()
    lines = form["content"].count("\n")
    form.update(content=form["content"] + line + "\n", reason="try")
    refused = client.post("/staff/synonyms/health.txt", data=form)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and f"Line {lines + 1}:" in page and reason in page
    assert (tuned.synonyms_dir / "health.txt").read_bytes() == before


def test_the_console_refuses_an_empty_boosts_file(client, tuned):
    as_editor(client)
    form = editor_form(client, "/staff/boosts")
    before = (tuned.synonyms_dir / "boosts.toml").read_bytes()
    raw = {**form, "source": "raw", "content": "# nothing yet\n", "reason": "try"}
    refused = client.post("/staff/boosts", data=raw)
    assert refused.status_code == 422 and "has no settings" in refused.get_data(as_text=True)
    assert (tuned.synonyms_dir / "boosts.toml").read_bytes() == before
