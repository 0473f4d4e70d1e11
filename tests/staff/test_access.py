"""Who may see what: signed-out visitors, roles, JSON callers; the interface other console parts
use (staff_required, current_staff, record_change, add_console_part), tried from a blueprint of
their own; the audit page; the public site unchanged."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify, request

from indexer.staff import audit
from opac.staff import add_console_part, current_staff, record_change, staff_required
from opac.staff.parts import PARTS
from tests.staff.conftest import CSRF_FIELD, make_app, sign_in

JSON = {"Accept": "application/json"}


def _probe_blueprint() -> Blueprint:
    """A console part as another part of the console would write one."""
    bp = Blueprint("probe", __name__)

    @bp.get("/staff/api/probe")
    @staff_required("editor")
    def probe():
        return jsonify({"ok": True, "user": current_staff().username})

    @bp.post("/staff/probe/change")
    @staff_required("editor")
    def change():
        entry = record_change("probe.change", request.form["target"], "- old\n+ new")
        return jsonify({"ok": True, "id": entry.id})

    @bp.get("/staff/probe")
    @staff_required
    def page():
        return "probe page"

    @bp.get("/probe-public")
    def public():  # a public page with staff-only controls, as the rating controls will be
        return "rate this result" if current_staff() else "a reader's page"

    return bp


@pytest.fixture(scope="module")
def probed(settings):
    app = make_app(settings)
    app.register_blueprint(_probe_blueprint())
    add_console_part("probe.page", "Probe part", "A part for the tests.", "editor")
    yield app
    PARTS.remove(next(p for p in PARTS if p.endpoint == "probe.page"))


def test_signed_out_pages_redirect_to_the_login_page(client):
    for path in ("/staff/", "/staff/audit", "/staff/audit?page=2"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/staff/login?next=/staff/")
        assert response.headers["Cache-Control"] == "no-store"


def test_signed_out_json_requests_get_401_json(probed):
    client = probed.test_client()
    for path, headers in (("/staff/api/probe", {}), ("/staff/audit", JSON), ("/staff/", JSON)):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.get_json() == {
            "ok": False,
            "status": 401,
            "error": "Sign in to the staff console.",
        }


def test_a_role_below_the_one_asked_for_gets_403(probed):
    viewer = probed.test_client()
    sign_in(viewer, "vic.viewer")
    assert viewer.get("/staff/audit").status_code == 403
    assert viewer.get("/staff/probe").status_code == 200
    refused = viewer.get("/staff/api/probe")
    assert refused.status_code == 403 and refused.get_json()["status"] == 403
    editor = probed.test_client()
    sign_in(editor, "ed.editor")
    assert editor.get("/staff/audit").status_code == 403
    assert editor.get("/staff/api/probe").get_json() == {"ok": True, "user": "ed.editor"}


def test_the_home_page_lists_the_parts_the_user_may_open(probed):
    viewer, admin = probed.test_client(), probed.test_client()
    sign_in(viewer, "vic.viewer")
    sign_in(admin, "ann.admin")
    seen_by_viewer = viewer.get("/staff/").get_data(as_text=True)
    seen_by_admin = admin.get("/staff/").get_data(as_text=True)
    assert "Probe part" not in seen_by_viewer and "/staff/audit" not in seen_by_viewer
    assert 'href="/staff/probe"' in seen_by_admin and 'href="/staff/audit"' in seen_by_admin


def test_a_part_not_built_is_not_listed(app):
    add_console_part("synonyms.not_built", "Synonyms", "Not in this app.", "viewer")
    try:
        client = app.test_client()
        sign_in(client, "ann.admin")
        # (the real tuning part, "Synonyms and boosts", is listed: it is built)
        assert "Not in this app." not in client.get("/staff/").get_data(as_text=True)
    finally:
        PARTS.pop()


def test_record_change_writes_the_audit_log_as_the_signed_in_user(probed, settings):
    client = probed.test_client()
    sign_in(client, "ed.editor")
    token = CSRF_FIELD.search(client.get("/staff/").get_data(as_text=True)).group(1)
    # another part's POST under /staff/ is CSRF-checked too
    assert client.post("/staff/probe/change", data={"target": "x"}).status_code == 400
    done = client.post("/staff/probe/change", data={"target": "health.txt", "csrf_token": token})
    entry_id = done.get_json()["id"]
    (entry,) = [e for e in audit.entries(settings.data_dir, limit=500) if e.id == entry_id]
    assert (entry.actor, entry.action, entry.target) == ("ed.editor", "probe.change", "health.txt")
    assert entry.diff == "- old\n+ new" and entry.at.endswith("Z")
    # the X-CSRFToken header a script sends works as the form field does
    by_script = client.post(
        "/staff/probe/change", data={"target": "boosts.toml"}, headers={"X-CSRFToken": token}
    )
    assert by_script.status_code == 200


def test_the_audit_page_shows_entries_escaped_newest_first(client, settings):
    audit.record(
        settings.data_dir,
        "ed.editor",
        "synonyms.publish",
        "<script>alert(1)</script>",
        "+ heart attack, <b>myocardial infarction</b>",
    )
    sign_in(client, "ann.admin")
    page = client.get("/staff/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<script>alert(1)</script>" not in html and "<b>myocardial" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;myocardial infarction&lt;/b&gt;" in html
    assert html.index("synonyms.publish") < html.index("account.add")


def test_the_audit_page_is_paged(settings):
    app = make_app(settings)
    for n in range(120):
        audit.record(settings.data_dir, "cli", "probe.paging", f"entry {n:03}")
    client = app.test_client()
    sign_in(client, "ann.admin")
    first = client.get("/staff/audit").get_data(as_text=True)
    assert "entry 119" in first and "entry 069" not in first and 'rel="next"' in first
    second = client.get("/staff/audit?page=2").get_data(as_text=True)
    assert "entry 069" in second and "entry 119" not in second and 'rel="prev"' in second
    past_the_end = client.get("/staff/audit?page=9999")
    assert past_the_end.status_code == 200


def test_a_trusted_proxy_header_signs_in_existing_accounts_only(settings):
    app = make_app(settings, staff_trusted_header="X-Remote-User")
    client = app.test_client()
    home = client.get("/staff/", headers={"X-Remote-User": "Ann.Admin"})
    assert home.status_code == 200 and "ann.admin" in home.get_data(as_text=True)
    # signed in by the organisation's sign-on: nothing to sign out of here
    assert "Sign out" not in home.get_data(as_text=True)
    assert "by your organisation" in home.get_data(as_text=True)
    assert client.get("/staff/", headers={"X-Remote-User": "mallory"}).status_code == 302
    assert client.get("/staff/").status_code == 302
    # off by default: the header means nothing
    plain = make_app(settings).test_client()
    assert plain.get("/staff/", headers={"X-Remote-User": "ann.admin"}).status_code == 302


def test_public_pages_are_unchanged_and_set_no_cookie(client):
    for path in ("/", "/search?q=health", "/api/v1/search?q=health"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert "X-Robots-Tag" not in response.headers, path


def test_a_harvester_still_posts_to_oai_without_a_token(client):
    identify = client.post("/oai", data={"verb": "Identify"})
    assert identify.status_code == 200 and "<Identify>" in identify.get_data(as_text=True)
    listed = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert listed.status_code == 200 and "<header>" in listed.get_data(as_text=True)


def test_a_public_page_that_shows_staff_controls_is_not_cached_for_staff(probed):
    client = probed.test_client()
    reader = client.get("/probe-public")
    assert reader.get_data(as_text=True) == "a reader's page"
    assert "Cache-Control" not in reader.headers and reader.headers.getlist("Set-Cookie") == []
    sign_in(client, "vic.viewer")
    staff = client.get("/probe-public")
    assert staff.get_data(as_text=True) == "rate this result"
    assert staff.headers["Cache-Control"] == "no-store"
    assert staff.headers["X-Robots-Tag"] == "noindex, nofollow"
