"""`lantern searches` end to end: a data directory whose log the OPAC wrote, read back by the
command as a table, JSON and CSV, and purged."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from click.testing import CliRunner

from indexer.searchlog import store
from lantern.cli import main

NOW = datetime.datetime.now(datetime.UTC)
OLD = NOW - datetime.timedelta(days=200)


def _entry(query, at=NOW, hits=4, scope="", suggestion="", taken=False):
    return store.LoggedSearch(at, query, scope, (), hits, suggestion, taken, 2.5, "api")


@pytest.fixture
def data_dir(tmp_path):
    conn = store.connect(tmp_path / "searchlog.sqlite")
    store.write(
        conn,
        [_entry("heart failure")] * 3
        + [_entry("hart failure", hits=0, suggestion="heart failure")]
        + [_entry("heart failure", hits=9, taken=True)]
        + [_entry("falls", scope="TRU")] * 2
        + [_entry("ancient search", at=OLD, hits=0)],
    )
    conn.close()
    return tmp_path


def run(data_dir, *args, env=None):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "searches", *args], env=env)


def test_top_prints_a_table_of_this_weeks_searches(data_dir):
    result = run(data_dir, "top", "--since", (NOW - datetime.timedelta(days=3)).date().isoformat())
    assert result.exit_code == 0, result.output
    header, first, *rest = result.output.splitlines()
    assert header.split() == ["week", "query", "searches", "hits", "zero_hits"]
    assert first.split()[1:] == ["heart", "failure", "4", "9", "0"]
    assert "ancient search" not in result.output


def test_zero_as_json_and_within_a_scope(data_dir):
    rows = json.loads(run(data_dir, "zero", "--json").output)
    assert [(r["query"], r["suggestion"]) for r in rows] == [
        ("hart failure", "heart failure"),
        ("ancient search", ""),
    ]
    assert json.loads(run(data_dir, "zero", "--json", "--scope", "tru").output) == []
    top = json.loads(run(data_dir, "top", "--json", "--scope", "TRU").output)
    assert [(r["query"], r["searches"]) for r in top] == [("falls", 2)]


def test_suggested_as_csv(data_dir):
    result = run(data_dir, "suggested", "--csv", "--limit", "5")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows == [
        {
            "week": rows[0]["week"],
            "query": "heart failure",
            "taken": "1",
            "hits": "9",
            "instead_of": "hart failure",
        }
    ]


def test_bad_options_are_usage_errors(data_dir):
    assert run(data_dir, "top", "--since", "last tuesday").exit_code == 2
    assert run(data_dir, "top", "--json", "--csv").exit_code == 2


def test_purge_keeps_the_retention_and_an_empty_log_says_so(data_dir, tmp_path_factory):
    result = run(data_dir, "purge", env={"LANTERN_SEARCH_LOG_DAYS": "90"})
    assert result.exit_code == 0 and "1 searches removed (older than 90 days)" in result.output
    assert store.count(data_dir / "searchlog.sqlite") == 7
    result = run(data_dir, "purge", env={"LANTERN_SEARCH_LOG_DAYS": "0"})
    assert "7 searches removed" in result.output
    assert store.count(data_dir / "searchlog.sqlite") == 0
    empty = tmp_path_factory.mktemp("empty")
    assert "No search log yet" in run(empty, "purge").output
    assert run(empty, "top").output.strip() == "No searches logged."
