"""/staff/searches: what readers search for, through the test client with a real session, over
a real search log on disk."""

from __future__ import annotations

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from indexer.searchlog import store
from indexer.staff import audit
from tests.staff.conftest import csrf_token, sign_in

UTC = datetime.UTC
W48 = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
W49 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


def entry(query, at=W49, hits=5, scope="", suggestion="", from_suggestion=False):
    return store.LoggedSearch(at, query, scope, (), hits, suggestion, from_suggestion, 3.0, "page")


@pytest.fixture(scope="module", autouse=True)
def search_log(settings):
    conn = store.connect(settings.search_log_path)
    store.write(
        conn,
        [entry("asthma", W48)] * 2
        + [entry("diabetes", W49)] * 3
        + [entry("diabetis", W49, hits=0, suggestion="diabetes")] * 2
        + [entry("diabetes", W49, hits=7, from_suggestion=True)] * 2
        + [entry("sepsis bundle", W49, hits=0, scope="EXE")]
        + [entry(HOSTILE, W49, hits=0)]
        + [entry("=cmd|' /C calc'!A0", W48, hits=0)],
    )
    conn.close()
    return settings.search_log_path


def signed_in_as(client, username):
    assert sign_in(client, username).status_code == 303
    return client


def test_signed_out_the_page_and_its_csv_redirect_to_the_login(client):
    for path in ("/staff/searches", "/staff/searches/zero.csv"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login?next=")


def test_a_viewer_sees_the_three_reports_by_week_without_the_editing_controls(client):
    page = signed_in_as(client, "vic.viewer").get("/staff/searches")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert html.count("<h1>") == 1
    for title in ("Top searches", "Searches that found nothing", "Suggestions readers took"):
        assert title in html
    assert "2026-W49" in html and "2026-W48" in html
    assert ">diabetis</th>" in html and ">sepsis bundle</th>" in html
    assert "Add a synonym" not in html and "Add to the set" not in html


def test_queries_are_escaped_everywhere_they_are_shown(client):
    html = signed_in_as(client, "ed.editor").get("/staff/searches").get_data(as_text=True)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the synonym editor's link carries the query URL-encoded
    links = re.findall(r'href="(/staff/synonyms/health\.txt\?add=[^"]*)"', html)
    added = {parse_qs(urlsplit(unescape(link)).query)["add"][0] for link in links}
    assert HOSTILE in added and all("<" not in link for link in links)


def test_since_and_scope_filter_the_reports(client):
    signed_in_as(client, "vic.viewer")
    html = client.get("/staff/searches?since=2026-11-30").get_data(as_text=True)
    assert ">asthma</th>" not in html and ">diabetes</th>" in html
    html = client.get("/staff/searches?scope=exe").get_data(as_text=True)
    assert ">sepsis bundle</th>" in html and ">diabetes</th>" not in html
    assert '<option value="EXE" selected>' in html


def test_a_bad_date_is_named_at_its_field_not_a_crash(client):
    page = signed_in_as(client, "vic.viewer").get("/staff/searches?since=last+week")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'aria-describedby="since-error"' in html and 'id="since-error"' in html


def test_each_report_downloads_as_csv_with_formulas_defused(client):
    signed_in_as(client, "vic.viewer")
    response = client.get("/staff/searches/zero.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "week,query,searches,offered,suggestion"
    assert "2026-W49,diabetis,2,2,diabetes" in lines
    assert any(line.startswith("2026-W48,'=cmd") for line in lines)
    top = client.get("/staff/searches/top.csv?since=2026-11-30&scope=EXE")
    assert top.get_data(as_text=True).splitlines()[1:] == ["2026-W49,sepsis bundle,1,0,1"]
    assert client.get("/staff/searches/nothing.csv").status_code == 404


def test_from_a_zero_result_search_an_editor_adds_it_to_a_query_set(client, settings):
    html = signed_in_as(client, "ed.editor").get("/staff/searches").get_data(as_text=True)
    row = html[html.index(">diabetis</th>") :]
    assert f'href="/staff/synonyms/health.txt?add={quote("diabetis")}"' in row
    form = re.search(r'<form method="post" action="([^"]+)"', row).group(1)
    assert form == "/staff/relevance/queries"
    token = csrf_token(client, "/staff/searches")
    done = client.post(form, data={"csrf_token": token, "set": "zero-results", "query": "diabetis"})
    assert done.status_code == 303
    assert done.headers["Location"].startswith("/staff/relevance/sets/zero-results")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Queries to rate" in page and 'href="/search?q=diabetis">diabetis</a>' in page
    last = audit.entries(settings.data_dir, limit=1)[0]
    assert (last.actor, last.action, last.target) == (
        "ed.editor",
        "relevance.add_query",
        "zero-results.csv",
    )
    assert "diabetis" in last.diff
    assert (settings.relevance_dir / "zero-results.queries.txt").read_text() == "diabetis\n"


def test_adding_a_query_needs_an_editor_and_the_csrf_token(client):
    signed_in_as(client, "vic.viewer")
    token = csrf_token(client, "/staff/searches")
    data = {"set": "zero-results", "query": "qwzx"}
    refused = client.post("/staff/relevance/queries", data={**data, "csrf_token": token})
    assert refused.status_code == 403
    assert client.post("/staff/relevance/queries", data=data).status_code == 400


def test_the_console_home_lists_the_page(client):
    html = signed_in_as(client, "vic.viewer").get("/staff/").get_data(as_text=True)
    assert 'href="/staff/searches"' in html and "What readers search for" in html
