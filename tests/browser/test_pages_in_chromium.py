"""Real-browser checks: axe-core finds no WCAG 2.2 AA violations on each page type, and a reader
can search, filter, open a record and reach an e-book with the keyboard alone.

Needs Debian's chromium and node with this folder's npm packages (`.ci/run` installs them);
skips with the reason when they are missing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from indexer.settings import load_settings
from opac import create_app

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _tools_or_skip() -> str:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed (.ci/run installs it)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    for package in ("playwright-core", "axe-core"):
        if not (HERE / "node_modules" / package).exists():
            pytest.skip(f"npm package {package} missing: run `npm ci` in {HERE}")
    return node


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from lantern.demo import load_demo

    node = _tools_or_skip()
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("browser") / "inst")
    settings = load_demo(settings, records=600, libraries=6, log=lambda *a: None)
    app = create_app(settings=dataclasses.replace(settings))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield node, f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()


@pytest.fixture(scope="module")
def report(server):
    node, base, app = server
    service = app.extensions["lantern"]
    record = service.search(
        dataclasses.replace(
            __import__("opac.search.service", fromlist=["SearchParams"]).SearchParams(q="", size=1),
        )
    )["results"][0]["id"]
    library = next(iter(service.consortium.libraries))
    pages = [
        "/",
        "/search?q=nursing",
        "/search?q=zzqqxxy",
        f"/record/{record}",
        f"/library/{library}/?q=nursing",
        f"/library/{library}/",
        "/accessibility",
    ]
    done = subprocess.run(
        [node, str(HERE / "check_pages.mjs"), base, json.dumps(pages)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=HERE,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_no_axe_violations_on_any_page_type(report):
    assert len(report["axe"]) == 7
    bad = {path: v for path, v in report["axe"].items() if v}
    assert not bad, json.dumps(bad, indent=1)


def test_keyboard_only_journey_from_search_to_ebook(report):
    failed = [s for s in report["journey"] if not s["ok"]]
    assert report["journey"] and not failed, json.dumps(report["journey"], indent=1)
    assert not report["errors"], report["errors"]
