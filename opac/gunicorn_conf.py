"""gunicorn's configuration for the WSGI entry point, as the Dockerfile and docker-compose.yml
serve it: `gunicorn -c python:opac.gunicorn_conf opac.wsgi:app`.

gunicorn's master never imports the application (workers do, after the fork), so without this
hook a worker restarted while a librarian's file is broken would read the broken file, fail to
boot, and take the master and every other worker down with it. The master reads the files
first, so every worker it forks starts with their last good reading (indexer/lastgood.py), as
under `lantern serve` (opac/server.py).
"""

from __future__ import annotations


def on_starting(server) -> None:
    from indexer.errors import IndexerError
    from indexer.settings import load_settings
    from opac.server import read_configuration

    try:
        read_configuration(load_settings())
    except IndexerError as exc:  # never good: refuse to start, with the file, line and reason
        server.log.error("lantern: %s", exc)
        raise SystemExit(1) from exc
