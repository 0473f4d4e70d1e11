"""/staff/: sign in and out, the console's home page, the audit log."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from indexer.staff import accounts, audit
from opac.staff.auth import current_staff, sign_in, sign_out, staff_required
from opac.staff.parts import visible_parts

bp = Blueprint("staff", __name__, url_prefix="/staff")
AUDIT_PAGE = 50


def _data_dir():
    return current_app.config["LANTERN_SETTINGS"].data_dir


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only: never //host or a scheme, and no
    space, control character or backslash (browsers drop tabs and read \\ as /, so "/<tab>/host"
    or "/\\host" would lead to another site)."""
    target = target or ""
    plain = target.isascii() and target.isprintable() and " " not in target
    parts = urlsplit(target)
    if plain and target.startswith("/") and not parts.scheme and not parts.netloc:
        if not target.startswith("//") and "\\" not in target:
            return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(target)
        notice = None
        if request.args.get("ended") or g.get("staff_signed_out"):
            notice = "You have been signed out: your session ended. Please sign in again."
        if request.args.get("signed_out"):
            notice = "You have signed out."
        return render_template("staff/login.html", next=target, notice=notice)
    throttle = current_app.extensions["lantern_staff_throttle"]
    client = request.remote_addr or "unknown"
    username = request.form.get("username", "")
    wait = throttle.retry_after(client)
    if wait:
        minutes = max(1, round(wait / 60))
        error = (
            "Too many failed sign-ins from your network. "
            f"Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again."
        )
        page = render_template("staff/login.html", next=target, error=error, username=username)
        return page, 429, {"Retry-After": str(wait)}
    account = accounts.authenticate(_data_dir(), username, request.form.get("password", ""))
    if account is None:
        throttle.failed(client)
        current_app.logger.warning("staff sign-in failed from %s", client)
        # One message whether the username exists or not.
        error = "That username and password do not match an account."
        return render_template("staff/login.html", next=target, error=error, username=username)
    sign_in(account)
    current_app.logger.info("staff sign-in: %s from %s", account.username, client)
    return redirect(target, 303)


@bp.post("/logout")
@staff_required
def logout():
    sign_out()
    return redirect(url_for("staff.login", signed_out=1), 303)


@bp.get("/")
@staff_required
def home():
    account = current_staff()
    return render_template(
        "staff/home.html",
        account=account,
        parts=visible_parts(account),
        role_meaning=accounts.ROLE_MEANINGS[account.role],
    )


@bp.get("/audit", endpoint="audit")
@staff_required("admin")
def audit_log():
    total = audit.count(_data_dir())
    pages = max(1, -(-total // AUDIT_PAGE))
    page = min(max(1, request.args.get("page", default=1, type=int)), pages)
    entries = audit.entries(_data_dir(), limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    return render_template("staff/audit.html", entries=entries, page=page, pages=pages, total=total)
