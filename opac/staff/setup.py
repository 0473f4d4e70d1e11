"""Wiring the staff console into the app: the signing key, the session cookie's flags, CSRF
checks for the staff area, the sign-in throttle, the headers of staff responses, proxies."""

from __future__ import annotations

import importlib

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.staff.secret import persistent_secret
from indexer.staff.throttle import LoginThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# The console's parts, each a blueprint `bp` in its own module (see opac.staff's docstring).
CONSOLE_PARTS = (
    "opac.staff.searches",
    "opac.staff.tuning",
    "opac.staff.relevance",
    "opac.staff.merges",
    "opac.staff.collections",
)
csrf = CSRFProtect()  # checks only where staff_csrf asks (WTF_CSRF_CHECK_DEFAULT is off)


def in_staff_area() -> bool:
    return request.path == "/staff" or request.path.startswith("/staff/")


def staff_config(settings) -> dict:
    """Flask settings for the staff session. The cookie is the app's one session cookie; public
    pages never write to it, so a reader gets none."""
    return {
        # Shared by every gunicorn worker and kept across restarts (see indexer.staff.secret).
        "SECRET_KEY": settings.secret_key or persistent_secret(settings.data_dir),
        "SESSION_COOKIE_NAME": "lantern_session",
        "SESSION_COOKIE_HTTPONLY": True,
        # Lax, not Strict: a link to the console from an e-mail still finds the librarian signed
        # in; every change is a POST with a CSRF token, which Lax cookies do not carry cross-site.
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.base_url.lower().startswith("https://"),
        # CSRFProtect checks only what the staff blueprint asks it to (opac.staff.views): the
        # public site has no session to forge requests with, and /oai takes harvesters' POSTs.
        "WTF_CSRF_CHECK_DEFAULT": False,
        # A token lives as long as the session it belongs to (which idles out, and is replaced
        # at sign-in), so a long edit of a synonym file is not refused for an old token.
        "WTF_CSRF_TIME_LIMIT": None,
    }


def init_staff(app: Flask, settings) -> None:
    from opac.staff.auth import current_staff
    from opac.staff.views import bp

    if settings.proxy_hops:
        # request.remote_addr (the throttle's key) and is_secure from X-Forwarded-For/-Proto,
        # trusting that many proxies; without this every client behind a proxy is one address.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    csrf.init_app(app)
    app.extensions["lantern_staff_throttle"] = LoginThrottle(
        settings.staff_login_limit, settings.staff_limit_storage
    )
    app.register_blueprint(bp)
    for part in CONSOLE_PARTS:
        app.register_blueprint(importlib.import_module(part).bp)
    app.context_processor(lambda: {"current_staff": current_staff})

    @app.before_request
    def staff_csrf():
        # Every state-changing request under /staff/, whichever blueprint serves it (sign-in
        # included: a forged sign-in would put a librarian in an attacker's account), needs the
        # form's csrf_token or an X-CSRFToken header; flask-wtf answers 400 without one.
        if request.method not in SAFE_METHODS and in_staff_area():
            csrf.protect()

    @app.after_request
    def staff_headers(response):
        # Staff pages, and any public page shown to a signed-in librarian (it may carry staff
        # controls), are neither cached by browsers and proxies nor indexed.
        if in_staff_area() or g.get("staff"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
            response.vary.add("Cookie")
        return response
