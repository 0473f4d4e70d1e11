"""WSGI entry point for gunicorn: `gunicorn opac.wsgi:app` (settings from LANTERN_* variables)."""

import logging

from opac import create_app

app = create_app()
settings = app.config["LANTERN_SETTINGS"]
if not settings.base_url and not settings.allowed_hosts:
    # Said once per worker, in gunicorn's log: readers would otherwise only see 400s.
    logging.getLogger("gunicorn.error").warning(
        "LANTERN_BASE_URL is not set: only requests to localhost are answered (set it to the "
        "OPAC's public address, or LANTERN_ALLOWED_HOSTS to the host names readers use)"
    )
