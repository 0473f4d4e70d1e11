"""The log's store, its retention and its reports, on a real SQLite file."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
import time

import pytest

from indexer.errors import ConfigError
from indexer.searchlog import store
from indexer.searchlog.buffer import SearchEvent, SearchLog
from indexer.searchlog.reports import overview, report, scopes, write_csv

UTC = datetime.UTC
# Two ISO weeks: Monday 2026-11-23 is 2026-W48, Monday 2026-11-30 is 2026-W49.
W48 = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
W49 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def entry(query, at=W49, hits=5, scope="", suggestion="", from_suggestion=False):
    return store.LoggedSearch(at, query, scope, (), hits, suggestion, from_suggestion, 3.0, "page")


@pytest.fixture
def log_path(tmp_path):
    path = tmp_path / "searchlog.sqlite"
    conn = store.connect(path)
    store.write(
        conn,
        [entry("asthma", W48)] * 2
        + [entry("diabetes", W48, scope="EXE")]
        + [entry("diabetes", W49)] * 3
        + [entry("asthma", W49)]
        + [entry("diabetis", W49, hits=0, suggestion="diabetes")] * 2
        + [entry("diabetes", W49, hits=7, from_suggestion=True)] * 2
        + [entry("sepsis bundle", W49, hits=0, scope="EXE")]
        + [entry("qwzx", W48, hits=0)],
    )
    conn.close()
    return path


def test_top_searches_by_iso_week_newest_first_with_counts(log_path):
    rows = report(log_path, "top")
    assert [(r["week"], r["query"], r["searches"]) for r in rows] == [
        ("2026-W49", "diabetes", 5),
        ("2026-W49", "diabetis", 2),
        ("2026-W49", "asthma", 1),
        ("2026-W49", "sepsis bundle", 1),
        ("2026-W48", "asthma", 2),
        ("2026-W48", "diabetes", 1),
        ("2026-W48", "qwzx", 1),
    ]
    assert rows[0]["hits"] == 7 and rows[1]["zero_hits"] == 2
    assert [r["query"] for r in report(log_path, "top", limit=1)] == ["diabetes", "asthma"]


def test_zero_result_searches_and_the_suggestion_they_were_offered(log_path):
    rows = report(log_path, "zero")
    assert rows == [
        {
            "week": "2026-W49",
            "query": "diabetis",
            "searches": 2,
            "offered": 2,
            "suggestion": "diabetes",
        },
        {
            "week": "2026-W49",
            "query": "sepsis bundle",
            "searches": 1,
            "offered": 0,
            "suggestion": "",
        },
        {"week": "2026-W48", "query": "qwzx", "searches": 1, "offered": 0, "suggestion": ""},
    ]


def test_suggestions_taken_name_the_search_they_replaced(log_path):
    assert report(log_path, "suggested") == [
        {"week": "2026-W49", "query": "diabetes", "taken": 2, "hits": 7, "instead_of": "diabetis"}
    ]


def test_reports_since_a_date_and_within_a_scope(log_path):
    since = datetime.date(2026, 11, 30)
    assert {r["week"] for r in report(log_path, "top", since=since)} == {"2026-W49"}
    assert [r["query"] for r in report(log_path, "top", scope="exe")] == [
        "sepsis bundle",
        "diabetes",
    ]
    assert [r["query"] for r in report(log_path, "zero", scope="EXE", since=since)] == [
        "sepsis bundle"
    ]
    assert scopes(log_path) == [{"scope": "", "searches": 11}, {"scope": "EXE", "searches": 2}]
    page = overview(log_path, since=since, scope="exe", limit=5)
    assert page["scope"] == "EXE" and page["since"] == "2026-11-30"
    assert [r["query"] for r in page["top"]] == ["sepsis bundle"]
    assert page["suggested"] == []


def test_no_log_yet_is_no_rows_and_an_unknown_report_is_an_error(tmp_path):
    assert report(tmp_path / "none.sqlite", "top") == []
    assert overview(tmp_path / "none.sqlite")["zero"] == []
    with pytest.raises(ConfigError):
        report(tmp_path / "none.sqlite", "bottom")


def test_csv_has_a_header_and_a_query_cannot_become_a_spreadsheet_formula(tmp_path):
    out = io.StringIO()
    rows = [
        {
            "week": "2026-W49",
            "query": '=HYPERLINK("http://x.example","click")',
            "searches": 2,
            "offered": 0,
            "suggestion": "",
        },
        {
            "week": "2026-W49",
            "query": "-nursing +care",
            "searches": 1,
            "offered": 1,
            "suggestion": "@home",
        },
        {
            "week": "2026-W49",
            "query": "asthma, in children",
            "searches": 1,
            "offered": 0,
            "suggestion": "",
        },
    ]
    write_csv("zero", rows, out)
    assert out.getvalue().splitlines() == [
        "week,query,searches,offered,suggestion",
        '2026-W49,"\'=HYPERLINK(""http://x.example"",""click"")",2,0,',
        "2026-W49,'-nursing +care,1,1,'@home",
        '2026-W49,"asthma, in children",1,0,',
    ]


def test_entries_older_than_the_retention_are_purged_on_write(tmp_path):
    path = tmp_path / "searchlog.sqlite"
    now = datetime.datetime.now(UTC)
    conn = store.connect(path)
    store.write(conn, [entry("old", now - datetime.timedelta(days=31)), entry("recent", now)])
    conn.close()
    log = SearchLog(path, days=30)
    log.record(SearchEvent("New  Search", "", (), 1, None, False, 2.0, "api", now))
    assert log.flush() == 1
    assert [r["query"] for r in report(path, "top")] == ["new search", "recent"]
    assert store.purge(store.connect(path), 0) == 2  # 0 days: the log is off, nothing kept


def test_the_background_writer_flushes_without_being_asked(tmp_path):
    path = tmp_path / "searchlog.sqlite"
    log = SearchLog(path, days=90)
    log.record(
        SearchEvent("asthma", "", (), 3, None, False, 2.0, "page", datetime.datetime.now(UTC))
    )
    deadline = time.monotonic() + 10
    while store.count(path) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.count(path) == 1


def test_what_is_waiting_is_written_when_the_process_exits(tmp_path):
    path = tmp_path / "searchlog.sqlite"
    script = (
        "import datetime, pathlib\n"
        "from indexer.searchlog.buffer import SearchEvent, SearchLog\n"
        f"log = SearchLog(pathlib.Path({str(path)!r}), 90)\n"
        "for q in ('a', 'b', 'c'):\n"
        "    log.record(SearchEvent(q, '', (), 1, None, False, 1.0, 'api',"
        " datetime.datetime.now(datetime.UTC)))\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert store.count(path) == 3
