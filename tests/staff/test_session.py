"""The staff session: cookie flags, idle expiry, a new session at sign-in, and sessions that end
when they should (sign-out everywhere, a password change, a removed account); one key for
every worker and across restarts."""

from __future__ import annotations

import os
import stat
import time

from click.testing import CliRunner

from indexer.staff import accounts
from lantern.cli import main
from tests.staff.conftest import CSRF_FIELD, make_app, sign_in, signed_in


def _cookie_header(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if "lantern_session=" in c]
    return cookie


def test_the_session_cookie_is_httponly_and_samesite_and_not_secure_over_http(client):
    cookie = _cookie_header(sign_in(client, "vic.viewer"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_the_cookie_is_secure_when_the_base_url_is_https(settings):
    app = make_app(settings, base_url="https://catalogue.example.nhs.uk")
    client = app.test_client()
    secure = {"base_url": "https://catalogue.example.nhs.uk"}
    token = CSRF_FIELD.search(client.get("/staff/login", **secure).get_data(as_text=True))
    form = {"username": "vic.viewer", "password": "viewer passphrase three"}
    response = client.post(
        "/staff/login",
        data={**form, "csrf_token": token.group(1)},
        headers={"Referer": "https://catalogue.example.nhs.uk/staff/login"},
        **secure,
    )
    assert response.status_code == 303
    cookie = _cookie_header(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _last_seen(client, seconds_ago: float) -> None:
    with client.session_transaction() as session:
        session["staff"] = {**session["staff"], "seen": time.time() - seconds_ago}


def test_a_session_ends_after_the_idle_time(client, settings):
    sign_in(client, "vic.viewer")
    idle = settings.staff_idle_minutes * 60
    _last_seen(client, idle - 60)  # active a minute before the limit
    assert signed_in(client)
    with client.session_transaction() as session:
        # the request just made re-set the idle clock
        assert time.time() - session["staff"]["seen"] < 5
    _last_seen(client, idle + 1)
    response = client.get("/staff/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have been signed out" in page
    assert not signed_in(client)


def test_the_idle_time_is_a_setting(settings):
    app = make_app(settings, staff_idle_minutes=0.02)  # 1.2 seconds
    client = app.test_client()
    sign_in(client, "vic.viewer")
    assert signed_in(client)
    time.sleep(1.5)
    assert not signed_in(client)


def test_signing_in_starts_a_new_session(client):
    client.get("/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        before = session["csrf_token"]
    sign_in(client, "vic.viewer")
    with client.session_transaction() as session:
        assert "planted" not in session and "csrf_token" not in session
    client.get("/staff/")
    with client.session_transaction() as session:
        assert session["csrf_token"] != before


def _stolen_cookie(client) -> str:
    return client.get_cookie("lantern_session").value


def test_signing_out_ends_a_copied_session_too(app):
    client = app.test_client()
    sign_in(client, "ed.editor")
    copy = _stolen_cookie(client)
    token = CSRF_FIELD.search(client.get("/staff/").get_data(as_text=True)).group(1)
    client.post("/staff/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("lantern_session", copy)
    assert not signed_in(thief)


def test_a_new_password_or_a_removed_account_ends_its_sessions(app, settings):
    accounts.add(settings.data_dir, "tess.temp", "editor", "temporary passphrase", actor="cli")
    client = app.test_client()
    sign_in(client, "tess.temp", "temporary passphrase")
    assert signed_in(client)
    cli = ["--data-dir", str(settings.data_dir), "staff"]
    changed = CliRunner().invoke(
        main, [*cli, "password", "tess.temp", "--password-stdin"], input="another passphrase\n"
    )
    assert changed.exit_code == 0, changed.output
    assert not signed_in(client)
    sign_in(client, "tess.temp", "another passphrase")
    assert signed_in(client)
    assert CliRunner().invoke(main, [*cli, "remove", "tess.temp"]).exit_code == 0
    assert not signed_in(client)


def test_every_worker_and_a_restarted_server_accept_the_session(settings):
    """Without LANTERN_SECRET_KEY, the processes share the key kept in the data directory."""
    assert settings.secret_key == ""
    worker_one, worker_two = make_app(settings), make_app(settings)
    assert worker_one.secret_key == worker_two.secret_key
    key_file = settings.data_dir / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    client = worker_one.test_client()
    sign_in(client, "vic.viewer")
    other = worker_two.test_client()
    other.set_cookie("lantern_session", _stolen_cookie(client))
    assert signed_in(other)


def test_a_set_secret_key_is_used_and_a_cookie_signed_with_another_is_refused(settings):
    one = make_app(settings, secret_key="one key for every host of this region")
    two = make_app(settings, secret_key="some other key")
    assert one.secret_key == "one key for every host of this region"
    client = one.test_client()
    sign_in(client, "vic.viewer")
    other = two.test_client()
    other.set_cookie("lantern_session", _stolen_cookie(client))
    assert not signed_in(other)
