"""A small generated catalogue with staff accounts, and helpers that sign in as a browser does:
fetch the form, take its csrf_token, post it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from indexer.settings import load_settings
from indexer.staff import accounts
from opac import create_app

PASSWORDS = {
    "ann.admin": "admin passphrase one",
    "ed.editor": "editor passphrase two",
    "vic.viewer": "viewer passphrase three",
}
ROLES = {"ann.admin": "admin", "ed.editor": "editor", "vic.viewer": "viewer"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    """A catalogue of 60 generated records with three staff accounts, one per role. Module
    scoped: each test module signs in against its own accounts and audit log."""
    from lantern.demo import load_demo

    base = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("staff") / "instance")
    loaded = load_demo(base, records=60, libraries=2, log=lambda *a: None)
    for name, password in PASSWORDS.items():
        accounts.add(loaded.data_dir, name, ROLES[name], password, actor="cli")
    # Generous, so that only the throttle tests (which make their own app) are throttled.
    return dataclasses.replace(loaded, staff_login_limit="1000 per minute")


def make_app(settings, **changes):
    return create_app(settings=dataclasses.replace(settings, **changes))


@pytest.fixture(scope="module")
def app(settings):
    return make_app(settings)


@pytest.fixture()
def client(app):
    """A fresh browser: its own cookie jar."""
    return app.test_client()


def csrf_token(client, path: str = "/staff/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return CSRF_FIELD.search(page.get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str | None = None, **extra):
    """POST the login form with the token the form carried; returns the response."""
    token = csrf_token(client)
    form = {"username": username, "password": password or PASSWORDS[username]}
    form.update({"csrf_token": token, **extra.pop("form", {})})
    return client.post("/staff/login", data=form, **extra)


def signed_in(client) -> bool:
    response = client.get("/staff/")
    return response.status_code == 200
