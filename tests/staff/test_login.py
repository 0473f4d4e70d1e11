"""Signing in and out through real HTTP with a real session: the form, CSRF, wrong passwords,
the throttle, where a sign-in leads."""

from __future__ import annotations

from tests.staff.conftest import CSRF_FIELD, csrf_token, make_app, sign_in, signed_in


def test_the_login_page_is_a_form_with_a_csrf_token_and_is_never_cached_or_indexed(client):
    page = client.get("/staff/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert CSRF_FIELD.search(html)
    for field in ('name="username"', 'name="password"', 'type="password"', 'for="username"'):
        assert field in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_the_right_password_signs_in_and_leads_to_the_console(client):
    response = sign_in(client, "ed.editor")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"
    home = client.get("/staff/").get_data(as_text=True)
    assert "<strong>ed.editor</strong>" in home and "Your role is <strong>editor</strong>" in home


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client):
    wrong = sign_in(client, "ed.editor", "not the password at all")
    unknown = sign_in(client, "nobody.here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda r: CSRF_FIELD.sub("", r.get_data(as_text=True)).replace("nobody.here", "X")  # noqa: E731
    assert strip(wrong) == strip(unknown).replace("X", "ed.editor")
    assert "do not match an account" in wrong.get_data(as_text=True)
    assert "not the password at all" not in wrong.get_data(as_text=True)
    assert not signed_in(client)


def test_usernames_are_case_insensitive(client):
    assert sign_in(client, "Ed.Editor", "editor passphrase two").status_code == 303
    assert signed_in(client)


def test_a_post_without_or_with_a_forged_csrf_token_is_refused(client):
    form = {"username": "ed.editor", "password": "editor passphrase two"}
    assert client.post("/staff/login", data=form).status_code == 400
    client.get("/staff/login")  # the session now holds a token; a made-up one still fails
    forged = client.post("/staff/login", data={**form, "csrf_token": "made-up"})
    assert forged.status_code == 400
    assert not signed_in(client)


def test_a_token_from_another_browser_does_not_work(app):
    attacker, victim = app.test_client(), app.test_client()
    token = csrf_token(attacker)
    victim.get("/staff/login")
    form = {"username": "ed.editor", "password": "editor passphrase two", "csrf_token": token}
    assert victim.post("/staff/login", data=form).status_code == 400


def test_signing_out_needs_the_token_and_ends_the_session(client):
    sign_in(client, "vic.viewer")
    assert client.post("/staff/logout").status_code == 400
    assert signed_in(client)
    token = CSRF_FIELD.search(client.get("/staff/").get_data(as_text=True)).group(1)
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert "signed out" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert not signed_in(client)


def test_after_signing_in_the_librarian_goes_back_where_they_were_sent_from(client):
    first = client.get("/staff/audit")
    assert first.status_code == 302
    assert first.headers["Location"] == "/staff/login?next=/staff/audit"
    login = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/staff/audit"' in login
    response = sign_in(client, "ann.admin", form={"next": "/staff/audit"})
    assert response.headers["Location"] == "/staff/audit"


def test_next_never_leads_off_the_site(app):
    for target in (
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:x",
    ):
        client = app.test_client()
        response = sign_in(client, "ann.admin", form={"next": target})
        assert response.headers["Location"] == "/staff/", target


def _fail(client, username, address):
    return sign_in(
        client,
        username,
        "wrong password, again",
        environ_base={"REMOTE_ADDR": address},
    )


def test_failed_sign_ins_are_throttled_per_address_whatever_the_username(settings):
    app = make_app(settings, staff_login_limit="3 per minute")
    client = app.test_client()
    for name in ("ann.admin", "ed.editor", "someone.else"):
        assert _fail(client, name, "192.0.2.7").status_code == 200
    # The fourth try is refused even with the right password, and says when to come back.
    blocked = sign_in(client, "vic.viewer", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert not signed_in(client)
    # A librarian at another address is not locked out by someone else's failures.
    elsewhere = app.test_client()
    assert (
        sign_in(elsewhere, "vic.viewer", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code
        == 303
    )


def test_successful_sign_ins_are_not_counted(settings):
    app = make_app(settings, staff_login_limit="2 per minute")
    for _ in range(4):
        assert sign_in(app.test_client(), "vic.viewer").status_code == 303


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_forwarded_address(settings):
    app = make_app(settings, staff_login_limit="2 per minute", proxy_hops=1)
    client = app.test_client()
    for _ in range(2):
        _fail_forwarded = sign_in(
            client, "ann.admin", "wrong password, again", headers={"X-Forwarded-For": "203.0.113.5"}
        )
        assert _fail_forwarded.status_code == 200
    again = {"headers": {"X-Forwarded-For": "203.0.113.5"}}
    assert sign_in(client, "ann.admin", **again).status_code == 429
    other = {"headers": {"X-Forwarded-For": "203.0.113.6"}}
    assert sign_in(app.test_client(), "ann.admin", **other).status_code == 303


def test_next_may_be_any_page_of_this_site(app):
    client = app.test_client()
    response = sign_in(client, "vic.viewer", form={"next": "/search?q=asthma&page=2"})
    assert response.headers["Location"] == "/search?q=asthma&page=2"
