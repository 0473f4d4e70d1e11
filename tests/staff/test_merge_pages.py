"""Merges fixed from the record page: "not the same title" and "same title as…" for editors,
applied at once (no reindex) and audited; /staff/merges lists the decisions with undo. Driven
through the test client with real sessions on a real generated catalogue."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from indexer.catalogue.writer import CatalogueWriter
from indexer.staff import audit
from opac import create_app
from tests.staff.conftest import CSRF_FIELD, PASSWORDS, ROLES, sign_in
from tests.test_union import documents


@pytest.fixture()
def settings(tmp_path):
    """A fresh generated catalogue per test (these tests change it), with the three accounts."""
    from indexer.settings import load_settings
    from indexer.staff import accounts
    from lantern.demo import load_demo

    base = load_settings(environ={}, data_dir=tmp_path / "instance")
    loaded = load_demo(base, records=60, libraries=2, log=lambda *a: None)
    for name, password in PASSWORDS.items():
        accounts.add(loaded.data_dir, name, ROLES[name], password, actor="cli")
    return dataclasses.replace(loaded, staff_login_limit="1000 per minute")


@pytest.fixture()
def app(settings):
    return create_app(settings=settings)


def keys_of(doc: dict) -> set[str]:
    return {f"{m['library']}:{m['record_id']}" for m in doc["members"]}


def members(settings) -> dict[str, set[str]]:
    return {i: keys_of(d) for i, d in documents(settings).items()}


def merged_doc(settings) -> tuple[str, set[str]]:
    return next((i, k) for i, k in sorted(members(settings).items()) if len(k) > 1)


def single_docs(settings) -> list[tuple[str, str]]:
    return [(i, next(iter(k))) for i, k in sorted(members(settings).items()) if len(k) == 1]


def editor(app):
    client = app.test_client()
    assert sign_in(client, "ed.editor").status_code == 303
    return client


def token_on(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return CSRF_FIELD.search(page.get_data(as_text=True)).group(1)


def split(client, doc_id, key, reason="a different edition, wrongly merged", **extra):
    form = {"key": key, "doc": doc_id, "reason": reason}
    form["csrf_token"] = token_on(client, f"/record/{doc_id}")
    form.update(extra)
    return client.post("/staff/merges/split", data=form)


def test_readers_record_page_has_no_merge_controls(app, settings):
    doc_id, _ = merged_doc(settings)
    for client in (app.test_client(), _viewer(app)):
        page = client.get(f"/record/{doc_id}").get_data(as_text=True)
        assert "/staff/merges/split" not in page and "Fix this merge" not in page
        assert "csrf_token" not in page
    reader = app.test_client().get(f"/record/{doc_id}")
    assert "Set-Cookie" not in reader.headers  # a reader still gets no session


def _viewer(app):
    client = app.test_client()
    assert sign_in(client, "vic.viewer").status_code == 303
    return client


def test_an_editor_sees_one_split_form_per_member_and_a_merge_form(app, settings):
    doc_id, keys = merged_doc(settings)
    response = editor(app).get(f"/record/{doc_id}")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert page.count('action="/staff/merges/split"') == len(keys)
    for key in keys:
        assert f'name="key" value="{key}"' in page
    assert page.count('action="/staff/merges/merge"') == 1


def test_split_applies_at_once_is_audited_and_listed_and_undo_puts_it_back(app, settings):
    before = members(settings)
    doc_id, keys = merged_doc(settings)
    key = sorted(keys)[-1]
    client = editor(app)
    response = split(client, doc_id, key)
    assert response.status_code == 303
    after = members(settings)
    assert next(k for k in after.values() if key in k) == {key}  # no reindex needed
    assert len(after) == len(before) + 1

    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now kept apart" in shown
    (entry,) = [e for e in audit.entries(settings.data_dir) if e.action == "merge.split"]
    assert entry.actor == "ed.editor" and entry.target == key
    assert "a different edition, wrongly merged" in entry.diff

    listing = client.get("/staff/merges").get_data(as_text=True)
    change = re.search(r'name="change" value="([^"]+)"', listing).group(1)
    assert "ed.editor" in listing and "a different edition, wrongly merged" in listing
    token = CSRF_FIELD.search(listing).group(1)
    undone = client.post("/staff/merges/undo", data={"change": change, "csrf_token": token})
    assert undone.status_code == 303
    assert members(settings) == before
    assert any(
        e.action == "merge.undo" and e.target == change for e in audit.entries(settings.data_dir)
    )
    assert "No merge decisions" in client.get("/staff/merges").get_data(as_text=True)


def test_split_of_the_anchor_redirects_to_the_members_new_record(app, settings):
    doc_id, keys = merged_doc(settings)
    library, _, record_id = doc_id.partition(".")
    anchor = f"{library}:{record_id}"
    others = sorted(keys - {anchor})
    response = split(editor(app), doc_id, others[0])
    location = response.headers["Location"]
    shown = next(i for i, k in members(settings).items() if others[0] in k)
    assert location.startswith(f"/record/{doc_id}")  # the page it came from still exists
    left = len(keys) - 1  # the page shows the split at once: one form fewer
    shown_forms = editor(app).get(location).get_data(as_text=True).count("merges/split")
    assert shown_forms == (left if left > 1 else 0)
    page = editor(app).get(f"/record/{shown}").get_data(as_text=True)
    assert html.escape(others[0]) in page


def test_same_title_as_merges_two_records_by_id_or_key(app, settings):
    (first, key_a), (second, key_b), (third, key_c), (_, key_d) = single_docs(settings)[:4]
    client = editor(app)
    token = token_on(client, f"/record/{first}")
    form = {"doc": first, "other": second, "reason": "same report", "csrf_token": token}
    response = client.post("/staff/merges/merge", data=form)
    assert response.status_code == 303
    joined = next(k for k in members(settings).values() if key_a in k)
    assert joined == {key_a, key_b}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merged with" in page
    form = {"doc": third, "other": key_d, "reason": "also the same", "csrf_token": token}
    client.post("/staff/merges/merge", data=form)
    assert next(k for k in members(settings).values() if key_c in k) == {key_c, key_d}
    actions = [e.action for e in audit.entries(settings.data_dir)]
    assert actions.count("merge.merge") == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"reason": ""}, "say why"),
        ({"other": "NOPE:123"}, "there is no record NOPE:123"),
        ({"other": ""}, "give the other record"),
    ],
)
def test_mistakes_change_nothing_and_are_shown_beside_the_form(app, settings, form, message):
    (first, _), (second, _) = single_docs(settings)[:2]
    before = members(settings)
    client = editor(app)
    data = {"doc": first, "other": second, "reason": "why", **form}
    data["csrf_token"] = token_on(client, f"/record/{first}")
    response = client.post("/staff/merges/merge", data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in html.unescape(page)
    assert 'id="merge-error"' in page and 'aria-describedby="merge-other-hint merge-error"' in page
    assert members(settings) == before
    assert not (settings.data_dir / "merge-overrides.toml").exists()
    assert not [e for e in audit.entries(settings.data_dir) if e.action.startswith("merge.")]


def test_a_running_load_gives_a_clear_message_not_a_crash(app, settings):
    doc_id, keys = merged_doc(settings)
    client = editor(app)
    token = token_on(client, f"/record/{doc_id}")
    form = {"key": sorted(keys)[-1], "doc": doc_id, "reason": "why", "csrf_token": token}
    with CatalogueWriter.open(settings):  # what a load holds
        response = client.post("/staff/merges/split", data=form)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "being loaded or changed by another process" in page
    assert next(k for k in members(settings).values() if sorted(keys)[-1] in k) == keys


def test_signed_out_viewer_and_missing_token_are_refused(app, settings):
    doc_id, keys = merged_doc(settings)
    key = sorted(keys)[-1]
    reader = app.test_client()
    assert reader.get("/staff/merges").status_code == 302
    assert "/staff/login" in reader.get("/staff/merges").headers["Location"]
    viewer = _viewer(app)
    (single, _), (other, other_key) = single_docs(settings)[:2]
    assert split(editor(app), doc_id, key, reason="kept apart").status_code == 303
    listing = viewer.get("/staff/merges")
    assert listing.status_code == 200 and "kept apart" in listing.get_data(as_text=True)
    assert 'action="/staff/merges/undo"' not in listing.get_data(as_text=True)
    before = members(settings)
    token = token_on(viewer, "/staff/merges")
    for path, form in [
        ("/staff/merges/split", {"key": key, "doc": doc_id, "reason": "r"}),
        ("/staff/merges/merge", {"doc": single, "other": other_key, "reason": "r"}),
        ("/staff/merges/undo", {"change": "c1"}),
    ]:
        assert viewer.post(path, data={**form, "csrf_token": token}).status_code == 403
        assert editor(app).post(path, data=form).status_code == 400  # no CSRF token
    assert members(settings) == before
    assert [e.action for e in audit.entries(settings.data_dir)].count("merge.split") == 1


def test_hostile_reasons_are_escaped_in_the_list(app, settings):
    doc_id, keys = merged_doc(settings)
    client = editor(app)
    split(client, doc_id, sorted(keys)[-1], reason="<script>alert(1)</script>")
    listing = client.get("/staff/merges").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_the_console_home_lists_merge_decisions(app):
    page = _viewer(app).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/merges"' in page


def test_hostile_text_in_an_error_is_escaped_on_the_record_page(app, settings):
    (first, _), _ = single_docs(settings)[:2]
    client = editor(app)
    hostile = "X:<script>alert(1)</script>"
    form = {"doc": first, "other": hostile, "reason": "why"}
    form["csrf_token"] = token_on(client, f"/record/{first}")
    response = client.post("/staff/merges/merge", data=form)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "X:&lt;script&gt;alert(1)&lt;/script&gt;" in page
