"""A generated consortium loaded once per module, an OPAC over it whose search log is written to
that data directory, and a way to read back every row the log holds."""

from __future__ import annotations

import sqlite3

import pytest

from indexer.settings import load_settings
from opac import create_app


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from lantern.demo import load_demo

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("log") / "instance")
    return load_demo(settings, records=400, libraries=3, log=lambda *a: None)


@pytest.fixture(scope="module")
def app(loaded):
    return create_app(settings=loaded)


@pytest.fixture
def client(app):
    """A reader's browser: real HTTP through Flask, and an empty log to start from."""
    app.extensions["lantern"].search_log.flush()
    path = app.config["LANTERN_SETTINGS"].search_log_path
    if path.exists():
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM searches")
        conn.commit()
        conn.close()
    return app.test_client()


def logged(app) -> list[dict]:
    """Every row of the search log, after writing what the OPAC still holds in memory."""
    app.extensions["lantern"].search_log.flush()
    conn = sqlite3.connect(app.config["LANTERN_SETTINGS"].search_log_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM searches ORDER BY id")]
    conn.close()
    return rows
