"""WSGI entry point for gunicorn: `gunicorn opac.wsgi:app` (settings from LANTERN_* variables)."""

from opac import create_app

app = create_app()
