"""Starter sets built by our own code from a catalogue loaded from shared real records."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer.relevance.health_topics import Topic
from indexer.relevance.judgements import JudgementStore
from indexer.relevance.starter import known_item_queries, topic_grade
from lantern.cli import main
from lantern.exits import EXIT_OK
from tests.conftest import shared, write_libraries

ASTHMA_IN_CHILDREN = Topic("asthma in children", ("asthma",), ("child", "children"))


def test_topic_grades_from_subject_headings():
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Asthma -- in infancy and childhood", "Child"]) == 3
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Child", "Asthma -- therapy"]) == 2
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Pediatrics -- Asthma", "Children"]) == 3
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Children", "Pediatrics -- Asthma"]) == 2
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Asthma"]) == 1  # the group is not named
    assert topic_grade(ASTHMA_IN_CHILDREN, ["Asthmatic bronchitis", "Children"]) is None
    older = Topic("care of older people", ("-- care",), ("older people",))
    assert topic_grade(older, ["Older people -- Care -- Great Britain"]) == 3
    assert topic_grade(older, ["Child care", "Older people"]) is None
    anaemia = Topic("anaemia", ("anemia", "anaemia"))
    assert topic_grade(anaemia, ["Anemia, Sickle Cell"]) == 3
    assert topic_grade(anaemia, ["Hematology", "ANAEMIA -- diagnosis"]) == 2


def test_known_item_queries_are_title_isbn_and_title_with_surname():
    display = {
        "title": "Empire  of the sun",
        "isbn_display": ["9780814731178"],
        "authors": [{"name": "Gribbin, John R.", "type": "personal"}],
    }
    assert known_item_queries(display) == [
        "Empire of the sun",
        "9780814731178",
        "Empire of the sun Gribbin",
    ]
    corporate = {
        "title": "Annual report",
        "authors": [{"name": "NHS, England", "type": "corporate"}],
    }
    assert known_item_queries(corporate) == ["Annual report"]
    assert known_item_queries({"title": "Art"}) == []


@pytest.fixture
def runner(settings, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LANTERN_WORKERS", "1")
    return CliRunner()


def run(runner, *args):
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    return result


def test_starter_sets_from_real_records_and_their_scores(runner, settings):
    write_libraries(settings.libraries, "UVA", "NLNZ")
    run(
        runner,
        "load",
        "--quiet",
        "--each",
        "UVA",
        str(shared("marc", "solrmarc__uva_001-200.mrc")),
        "--each",
        "NLNZ",
        str(shared("marc", "nlnz-pymarc_basics__NLNZ_100_example_marc.marc")),
    )
    output = run(runner, "relevance", "starter", "--known-items", "40").output
    assert "known-items: " in output and "health-topics: " in output
    store = JudgementStore(settings.relevance_dir)
    assert store.names() == ["health-topics", "known-items"]
    known = store.load("known-items")
    assert len(known.queries) >= 80  # 40 titles, most with an ISBN or an author too
    assert {g for graded in known.judgements.values() for g in graded.values()} == {3}
    topics = store.load("health-topics")
    assert topics.queries, "NLNZ's records have health subject headings"
    assert all(max(graded.values()) >= 2 for graded in topics.judgements.values())

    # Built the same way again: the same set (a fixed seed).
    run(runner, "relevance", "starter", "--known-items", "40", "--no-topics")
    assert store.load("known-items").judgements == known.judgements

    body = json.loads(run(runner, "relevance", "eval", "--json").stdout)
    scores = {s["set"]: s for s in body["sets"]}
    # Known items are found first nearly always: exact titles and ISBNs.
    assert scores["known-items"]["mrr"] > 0.9
    assert 0 < scores["health-topics"]["ndcg@10"] <= 1
