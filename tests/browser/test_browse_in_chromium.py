"""The browse pages in a real browser: axe-core finds no WCAG 2.2 AA violation on the shelf, the
authors and subjects A to Z (everyone's and a library's) or a record's "near this on the
shelf", at 1280 and 320 px, none scrolls sideways on a phone, and a reader can browse the shelf
both ways, open a title and its whole shelf, and search a name, with the keyboard alone."""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from indexer.settings import load_settings
from opac import create_app
from opac.search.service import SearchParams
from tests.browser.test_pages_in_chromium import CHROMIUM, HERE, _tools_or_skip


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from lantern.demo import load_demo

    node = _tools_or_skip()
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("browse") / "inst")
    settings = load_demo(settings, records=600, libraries=6, log=lambda *a: None)
    app = create_app(settings=settings)
    service = app.extensions["lantern"]
    library = next(iter(service.consortium.libraries))
    shelved = next(
        r["id"]
        for r in service.search(SearchParams(q="", size=50))["results"]
        if service.browse.near(service.record(r["id"]))
    )
    pages = [
        "/browse/shelf?scheme=nlm&from=WG+120",
        f"/library/{library}/browse/shelf?scheme=nlm&from=W",
        "/browse/shelf?scheme=dewey",
        "/browse/shelf?scheme=lc&from=nothing+here",
        "/browse/author?from=smith",
        f"/library/{library}/browse/subject?from=h",
        "/browse/subject?from=zzzz",
        f"/record/{shelved}",
        f"/library/{library}/",  # its page links to its shelf and its names A to Z
    ]
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        shots = os.environ.get("LANTERN_SCREENSHOTS", "")
        done = subprocess.run(
            [node, str(HERE / "check_browse.mjs"), f"http://127.0.0.1:{httpd.server_port}"]
            + [json.dumps(pages)]
            + ([shots] if shots else []),
            capture_output=True,
            text=True,
            timeout=240,
            cwd=HERE,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    finally:
        httpd.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    return {**json.loads(done.stdout), "pages": pages}


def test_no_axe_violations_on_the_browse_pages_wide_and_on_a_phone(report):
    for width in ("1280", "320"):
        assert set(report["axe"][width]) == set(report["pages"])
    bad = {f"{w} {p}": v for w, found in report["axe"].items() for p, v in found.items() if v}
    assert not bad, json.dumps(bad, indent=1)


def test_no_browse_page_scrolls_sideways_on_a_phone(report):
    wider = {p: w for p, w in report["scrollWidth"]["320"].items() if w > 320}
    assert not wider, wider


def test_the_shelf_and_the_names_can_be_browsed_with_the_keyboard_alone(report):
    failed = [s for s in report["journey"] if not s["ok"]]
    assert len(report["journey"]) >= 10 and not failed, json.dumps(report["journey"], indent=1)
    assert not report["errors"], report["errors"]
