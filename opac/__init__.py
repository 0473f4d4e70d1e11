"""Lantern's OPAC: a Flask application factory with one blueprint per concern."""

from __future__ import annotations

from flask import Flask, Response

from indexer.errors import EngineError, EngineUnavailableError, RequestError
from indexer.settings import load_settings
from opac.responses import error_response, wants_json
from opac.urls import external_url, trusted_hosts

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(settings=None, test_config: dict | None = None) -> Flask:
    from opac.search.service import open_search_service
    from opac.staff.setup import init_staff, staff_config

    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        JSON_SORT_KEYS=False,
        LANTERN_SETTINGS=settings,
        TRUSTED_HOSTS=trusted_hosts(settings),  # any other Host header: 400
        **staff_config(settings),  # the secret key and session cookie flags
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["lantern"] = open_search_service(settings, log_searches=True)

    from opac.api.views import bp as api_bp
    from opac.feeds.views import bp as feeds_bp
    from opac.records.views import bp as records_bp
    from opac.ui.views import bp as ui_bp

    for blueprint in (ui_bp, api_bp, records_bp, feeds_bp):
        app.register_blueprint(blueprint)
    from opac.ilsdi.views import bp as ilsdi_bp
    from opac.mesh.views import bp as mesh_bp
    from opac.oai.views import bp as oai_bp
    from opac.shelf.views import bp as browse_bp

    app.register_blueprint(oai_bp)
    app.register_blueprint(browse_bp)
    app.register_blueprint(ilsdi_bp)
    app.register_blueprint(mesh_bp)
    init_staff(app, settings)
    app.add_template_global(external_url)
    register_error_handlers(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "interest-cohort=()")
        return response

    return app


def register_error_handlers(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException, SecurityError

    @app.errorhandler(SecurityError)
    def host_not_served(exc: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        if wants_json():
            return error_response(400, "This server does not answer to that host name.")
        return Response(
            "400 Bad Request: this server does not answer to that host name.\n",
            status=400,
            mimetype="text/plain",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(RequestError)
    def bad_request(exc):  # an unknown facet or field: the caller's mistake
        return error_response(400, str(exc))

    @app.errorhandler(EngineUnavailableError)
    def engine_down(exc):
        app.logger.error("search engine unavailable: %s", exc)
        return error_response(503, "The catalogue is not available just now. Please try again.")

    @app.errorhandler(EngineError)
    def engine_error(exc):
        app.logger.exception("search engine error")
        return error_response(503, "The catalogue could not answer that search just now.")

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unexpected error")
        return error_response(500, "Something went wrong on our side. Please try again.")
