"""Who is signed in, and the checks every staff view makes: the interface of opac.staff."""

from __future__ import annotations

import time
from functools import wraps

from flask import abort, current_app, g, jsonify, redirect, request, session, url_for

from indexer.staff import accounts, audit
from indexer.staff.accounts import Account
from opac.responses import wants_json

SESSION_KEY = "staff"
_REFRESH_SECONDS = 15  # the idle clock is re-set at most this often (each re-set is a cookie)


def _settings():
    return current_app.config["LANTERN_SETTINGS"]


def current_staff() -> Account | None:
    """The signed-in staff account of this request, or None. Looked up once per request; an
    account removed, or whose password changed, or that signed out elsewhere, is None at once."""
    if "staff" not in g:
        g.staff = _from_proxy_header()
        g.staff_by_proxy = g.staff is not None  # signed in by the proxy: no sign-out here
        g.staff = g.staff or _from_session()
    return g.staff


def _from_proxy_header() -> Account | None:
    header = _settings().staff_trusted_header
    name = request.headers.get(header) if header else None
    # Only accounts that exist: the proxy proves who someone is, `lantern staff add` says
    # whether they are staff and with which role.
    return accounts.get(_settings().data_dir, name) if name else None


def _from_session() -> Account | None:
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    now = time.time()
    idle = now - float(held.get("seen", 0))
    account = accounts.get(_settings().data_dir, str(held.get("user", "")))
    if (
        idle > _settings().staff_idle_minutes * 60
        or account is None
        or account.session_epoch != held.get("epoch")
    ):
        session.pop(SESSION_KEY, None)
        g.staff_signed_out = True
        return None
    if idle >= _REFRESH_SECONDS:
        held["seen"] = now
        session.modified = True
    return account


def sign_in(account: Account) -> None:
    # A new session at sign-in (and with it a new CSRF token): a session id planted before
    # sign-in (session fixation) is worth nothing after it.
    session.clear()
    session[SESSION_KEY] = {
        "user": account.username,
        "epoch": account.session_epoch,
        "seen": time.time(),
    }
    g.staff = account


def sign_out() -> None:
    """End this account's sessions everywhere (a copied cookie stops working too)."""
    account = current_staff()
    if account is not None:
        accounts.end_sessions(_settings().data_dir, account.username)
    session.clear()
    g.staff = None


def staff_required(role: str | object = "viewer"):
    """`@staff_required("editor")` (or bare `@staff_required`, meaning viewer): signed out,
    a page redirects to the login page (then back), a JSON request gets 401; a role below
    `role` gets 403."""
    if callable(role):
        return staff_required("viewer")(role)
    accounts.check_role(role)

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            account = current_staff()
            if account is None:
                if wants_json():
                    body = {"ok": False, "status": 401, "error": "Sign in to the staff console."}
                    return jsonify(body), 401
                ended = 1 if g.get("staff_signed_out") else None  # the login page says why
                here = request.full_path.rstrip("?")
                return redirect(url_for("staff.login", next=here, ended=ended))
            if not account.may(role):
                abort(403, f"This needs the {role} role; you are signed in as {account.role}.")
            return view(*args, **kwargs)

        return checked

    return decorate


def record_change(action: str, target: str, diff: str = "") -> audit.AuditEntry:
    """Write an audit entry as the signed-in user (call it inside a staff_required view)."""
    account = current_staff()
    if account is None:
        raise RuntimeError("record_change needs a signed-in staff user")
    return audit.record(_settings().data_dir, account.username, action, target, diff)
