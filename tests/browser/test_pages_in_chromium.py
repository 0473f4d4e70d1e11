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
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from indexer.settings import load_settings
from opac import create_app
from opac.search.service import SearchParams
from tests.availability.systems import System

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
    _with_mesh(settings)
    member = System("ilsdi")  # the last library's own system, asked for its copies now
    libraries = settings.data_dir / "libraries-live.toml"
    libraries.write_text(
        settings.libraries.read_text()
        + f'\n[library.availability]\nkind = "koha-ilsdi"\nurl = "{member.url}"\n'
    )
    app = create_app(settings=dataclasses.replace(settings, libraries=libraries))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    app.extensions["member_system"] = member
    yield node, f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    member.close()


def _with_mesh(settings) -> None:
    """Heart descriptors as NLM's MeSH has them, and the demo's headings linked to them."""
    from indexer.load.reindex import reindex
    from indexer.mesh.importer import import_mesh
    from tests.mesh.conftest import HEART

    import_mesh(HEART, settings.mesh_path)
    reindex(settings, log=lambda *a: None)


def _lent_copy(app) -> tuple[str, str, str]:
    """(record page, its library's results page, the copy's key) of a copy the export says is
    available and the library's system says was lent a minute ago."""
    service, member = app.extensions["lantern"], app.extensions["member_system"]
    asked = [c for c, lib in service.consortium.libraries.items() if lib.availability]
    # (from the index: asking the system first would keep its "nothing lent" for its ttl)
    for doc in service.search(SearchParams(size=50))["results"]:
        for h in doc["holdings"]:
            if h["library"] in asked and h.get("status") == "available" and h.get("item_id"):
                member.statuses[h["record_id"]] = [
                    {**h, "status": "on_loan", "due_date": "2026-12-21"}
                ]
                key = f"{doc['id']}|{h['library']}|{h['record_id']}|{h['item_id']}"
                return (
                    f"/record/{doc['id']}",
                    f"/library/{h['library']}/?q={quote(doc['title'])}",
                    key,
                )
    pytest.skip("no available item of the library with a system")


STAFF = ("axe.admin", "a passphrase for the browser")
STAFF_PAGES = [
    "/staff/",
    "/staff/audit",
    "/staff/synonyms",
    "/staff/synonyms/health.txt",
    "/staff/boosts",
    "/staff/synonyms/health.txt/history",
    "/staff/merges",
    "/staff/collections",
    "/staff/searches",
    "/staff/relevance",
    "/staff/relevance/sets/browser-set",
    "/staff/relevance/explain?q=nursing&set=browser-set",
    "/search?q=nursing+care",  # as an editor: with the "rate this result" controls
]


def _staff_session(app) -> str:
    """An admin account, and the session cookie of its sign-in through the app's own form."""
    from indexer.staff import accounts
    from tests.staff.conftest import sign_in

    data_dir = app.config["LANTERN_SETTINGS"].data_dir
    accounts.add(data_dir, STAFF[0], "admin", STAFF[1], actor="cli")
    client = app.test_client()
    assert sign_in(client, *STAFF).status_code == 303
    return client.get_cookie("lantern_session").value


def _staff_data(app) -> None:
    """Readers' searches in the search log and a rated query set, for the staff pages."""
    import datetime

    from indexer.relevance.judgements import JudgementStore
    from indexer.searchlog import store

    settings = app.config["LANTERN_SETTINGS"]
    now = datetime.datetime.now(datetime.UTC)
    logged = [("nursing", 12), ("diabetis", 0), ("<b>sepsis</b> bundle", 0), ("asthma", 4)]
    conn = store.connect(settings.search_log_path)
    rows = [store.LoggedSearch(now, q, "", (), n, "", False, 2.0, "page") for q, n in logged]
    store.write(conn, rows * 2)
    conn.close()
    service = app.extensions["lantern"]
    params = __import__("opac.search.service", fromlist=["SearchParams"]).SearchParams
    for hit in service.search(params(q="nursing", size=3))["results"]:
        member = hit["members"][0]
        key = f"{member['library']}:{member['record_id']}"
        JudgementStore(settings.relevance_dir).judge("browser-set", "nursing", key, 2)


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
    region = next(lib.region for lib in service.consortium.libraries.values() if lib.region)
    # a record opened from a results list (back, previous and next) with the most copies
    nursing = service.search(
        __import__("opac.search.service", fromlist=["SearchParams"]).SearchParams(q="nursing")
    )["results"]
    many = max(range(len(nursing)), key=lambda i: nursing[i]["holdings_total"])
    staff_cookie = _staff_session(app)
    staff_pages = [*STAFF_PAGES, _merged_record_with_a_decision(app)]
    _staff_data(app)
    pages = [
        "/",
        "/search?q=nursing",
        "/search?q=nursing&filter=format:Book&exclude=availability:on_loan&year_from=2000&page=2",
        "/search?q=&more=author",
        "/search?q=zzqqxxy",
        f"/record/{record}",
        f"/record/{nursing[many]['id']}?q=nursing&n={many + 1}",
        f"/library/{library}/?q=nursing",
        f"/library/{library}/",
        "/site/RDENDD/",
        "/site/RDENDD/?q=nursing",
        f"/region/{region}/",
        f"/region/{region}/?q=nursing",
        "/accessibility",
        "/staff/login",
        *_fulltext_pages(service),
        "/browse/mesh/D006331",
        f"/browse/mesh/D006331?library={library}",
        "/browse/mesh/D000000",  # not a heading: the 404 page
        '/search?q=mesh:"Heart Diseases"',  # the tree and "include narrower headings"
    ]
    staff_env = {"STAFF_COOKIE": staff_cookie, "STAFF_USER": STAFF[0], "STAFF_PASSWORD": STAFF[1]}
    lent_record, lent_results, lent_key = _lent_copy(app)
    staff_env |= {"LIVE_PATHS": json.dumps([lent_record, lent_results]), "LIVE_KEY": lent_key}
    done = subprocess.run(
        [node, str(HERE / "check_pages.mjs"), base, json.dumps(pages), json.dumps(staff_pages)],
        capture_output=True,
        text=True,
        timeout=480,  # a guard, not a measure: the machine may be busy
        cwd=HERE,
        env={**os.environ, "CHROMIUM": CHROMIUM, **staff_env},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {**json.loads(done.stdout), "pages": pages, "staff_pages": staff_pages}


def _fulltext_pages(service) -> list[str]:
    """A record with "Full text via" links (an e-book whose link carries a DOI, held by a
    library naming a resolver), on its own and opened from its library's results."""
    from opac.search.service import SearchParams

    found = service.search(SearchParams(q="", filters=(("format", "E-book"),), size=100))
    hit = next((r for r in found["results"] if r["fulltext"]), None)
    if hit is None:
        pytest.fail("the demo catalogue has no e-book with a full-text link")
    library = hit["fulltext"][0]["library"]
    return [f"/record/{hit['id']}", f"/record/{hit['id']}?in=library:{library}&n=1&q="]


def _merged_record_with_a_decision(app) -> str:
    """The record page of a merged title (seen signed in: with its merge controls), after one
    merge decision that changes no document (two records that were apart, kept apart), so the
    merge decisions page has a row."""
    from indexer.catalogue import merges
    from opac.search.service import SearchParams

    service = app.extensions["lantern"]
    found = service.search(SearchParams(q="", size=100))["results"]
    docs = [service.record(r["id"]) for r in found]
    merged = next(d for d in docs if len(d["members"]) > 1)
    single = [d for d in docs if len(d["members"]) == 1][:2]
    keys = [f"{d['members'][0]['library']}:{d['members'][0]['record_id']}" for d in single]
    settings = app.config["LANTERN_SETTINGS"]
    merges.never_merge(settings, keys, "two titles, kept apart", STAFF[0])
    # a query string of its own, so it is checked signed in even when it is also the record
    # page checked signed out (the report keys pages by path); the page ignores it
    return f"/record/{merged['id']}?signed=in"


def test_no_axe_violations_on_any_page_type(report):
    staff_pages = report["staff_pages"]
    assert set(report["axe"]) == {*report["pages"], *staff_pages}
    # the staff pages were checked signed in, not as the login page they redirect to
    landed = {path: report["landed"][path] for path in staff_pages}
    assert landed == {p: p.split("?")[0] for p in staff_pages}


def test_the_staff_pages_fit_a_320_pixel_screen(report):
    # The console's own pages; the record page (checked signed in for its merge controls) has
    # the readers' copies tables, which are wider than 320 px for readers too.
    console = [path for path in report["staff_pages"] if path.startswith("/staff/")]
    assert {path: report["widthAt320"][path] for path in console} == {p: 320 for p in console}
    bad = {path: v for path, v in report["axe"].items() if v}
    assert not bad, json.dumps(bad, indent=1)


def test_no_axe_violations_on_a_phone(report):
    """Every reader's page at 390 and 320 px: axe finds nothing there either."""
    bad = {
        f"{width} {path}": v
        for width, found in report["narrow"].items()
        for path, v in found.items()
        if v
    }
    assert set(report["narrow"]["320"]) == set(report["pages"])
    assert not bad, json.dumps(bad, indent=1)
    # the results pages' filters, opened on a 320 px phone: they fit and pass axe as well
    opened = report["filtersOpen"]
    results = {p for p in report["pages"] if "?q=" in p and not p.startswith("/record/")}
    assert results - {"/search?q=zzqqxxy"} <= set(opened)
    assert {p: o for p, o in opened.items() if o["violations"] or o["scrollWidth"] > 320} == {}


def test_no_reader_page_scrolls_sideways_on_a_phone(report):
    """WCAG 1.4.10 reflow: at 390 and 320 px every reader's page fits its screen."""
    widths = {int(w): found for w, found in report["scrollWidth"].items()}
    assert set(widths) == {390, 320} and set(widths[320]) == set(report["pages"])
    wider = {
        f"{w} {path}": sw for w, found in widths.items() for path, sw in found.items() if sw > w
    }
    assert not wider, wider


def test_the_keyboard_journey_takes_at_most_15_tab_presses(report):
    """Search, filter by format, open a record and its e-book, and go back to the results, with
    the skip links: every Tab press counted."""
    assert any(s["what"] == "back at the filtered results" for s in report["journey"])
    assert report["tabsAt"]["back"] <= 15, report["tabsAt"]


def test_keyboard_only_journey_from_search_to_ebook_and_through_the_staff_sign_in(report):
    assert any(s["what"] == "signed out" for s in report["journey"])
    assert any(s["what"] == "result rated, back at it" for s in report["journey"])
    failed = [s for s in report["journey"] if not s["ok"]]
    assert report["journey"] and not failed, json.dumps(report["journey"], indent=1)
    assert not report["errors"], report["errors"]


def test_a_copy_lent_a_minute_ago_shows_on_loan_in_place_on_both_pages(report):
    assert report["live"], report["errors"]
    for path, live in report["live"].items():
        assert live["shown"] == "On loan (due 2026-12-21)", (path, live)
        assert live["age"].startswith("checked at "), (path, live)
        assert "changed since the libraries' last exports" in live["note"], (path, live)
        for on_the_shelf, badge_hidden in live["tables"]:  # the record page's libraries
            assert badge_hidden == (not on_the_shelf), (path, live)
