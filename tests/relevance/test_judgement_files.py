"""Query set files (CSV), and their round trips through Quepid's CSV and _rank_eval JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.errors import JudgementError
from indexer.relevance import formats
from indexer.relevance.judgements import JudgementStore, QuerySet, read_csv, write_csv


def sample_set(name: str = "sample") -> QuerySet:
    qset = QuerySet(name)
    qset.judge("heart attack", "UVA:u1", 3, "the BHF guide")
    qset.judge("heart attack", "uvb:u2", 1)  # library codes are capitals, as the catalogue keys
    qset.judge('quotes "and", commas', "NLNZ:99,1", 2)
    qset.judge("  asthma   in children ", "EXE:000123", 0)
    return qset


def test_csv_round_trip_keeps_queries_keys_grades_and_notes(tmp_path):
    store = JudgementStore(tmp_path / "relevance")
    path = store.save(sample_set())
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "query,record_key,grade,note"
    assert "heart attack,UVA:u1,3,the BHF guide" in text
    again = store.load("sample")
    assert again.judgements == sample_set().judgements
    assert again.notes == {("heart attack", "UVA:u1"): "the BHF guide"}
    assert again.judgements["asthma in children"] == {"EXE:000123": 0}
    assert store.names() == ["sample"]


def test_rating_a_result_adds_to_a_set_and_the_newest_grade_wins(tmp_path):
    store = JudgementStore(tmp_path)
    store.judge("new-set", "anaemia", "UVA:u5", 2)
    store.judge("new-set", "anaemia", "UVA:u5", 3)
    store.judge("new-set", "anaemia", "UVB:u6", 1)
    assert store.load("new-set").judgements == {"anaemia": {"UVA:u5": 3, "UVB:u6": 1}}


@pytest.mark.parametrize(
    "row, problem",
    [
        ("asthma,UVA:u1,4", "grade '4'"),
        ("asthma,UVA:u1,good", "grade 'good'"),
        ("asthma,u1,3", "not LIB:CONTROLNUMBER"),
        (",UVA:u1,3", "needs a query"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(row, problem):
    with pytest.raises(JudgementError) as caught:
        read_csv("bad", f"query,record_key,grade\nfine,UVA:u9,2\n{row}\n", "bad.csv")
    assert "bad.csv line 3" in str(caught.value) and problem in str(caught.value)


@pytest.mark.parametrize("name", ["../etc", "a/b", "", ".hidden", "x" * 65])
def test_set_names_cannot_leave_the_relevance_directory(tmp_path, name):
    with pytest.raises(JudgementError):
        JudgementStore(tmp_path).path(name)


def test_quepid_round_trip():
    text = formats.export_quepid(sample_set())
    assert text.splitlines()[0] == "query,docid,rating"
    again = formats.import_quepid("sample", text)
    assert again.judgements == sample_set().judgements


def test_quepid_export_with_extra_columns_unrated_rows_and_document_ids():
    text = (
        "Team Name,Case Name,Case ID,query,docid,rating\n"
        "NHS,Heart,7,heart attack,UVA.u1,3\n"
        "NHS,Heart,7,heart attack,UVA.u2,\n"  # shown, never rated
        "NHS,Heart,7,heart attack,UVB:u3,1\n"
    )
    qset = formats.import_quepid("q", text)
    assert qset.judgements == {"heart attack": {"UVA:u1": 3, "UVB:u3": 1}}
    with pytest.raises(JudgementError, match="line 2: grade '7'"):
        formats.import_quepid("q", "query,docid,rating\nx,UVA:u1,7\n")
    with pytest.raises(JudgementError, match="no docid column"):
        formats.import_quepid("q", "query,doc,rating\n")


def test_rank_eval_round_trip_and_foreign_requests():
    qset = sample_set()

    def by_document(graded):  # documents named after their records, as the index names them
        return {key.replace(":", "."): grade for key, grade in graded.items()}

    body = formats.export_rank_eval(qset, "lantern", by_document, lambda q: {"match_all": {}})
    assert body["metric"] == {"dcg": {"k": 10, "normalize": True}}
    first = body["requests"][0]
    assert first["id"] == "heart attack"
    assert first["ratings"][0] == {"_index": "lantern", "_id": "UVA.u1", "rating": 3}
    again = formats.import_rank_eval("sample", json.loads(json.dumps(body)))
    assert again.judgements == qset.judgements

    foreign = {
        "requests": [
            {
                "id": "q1",
                "request": {"query": {"match": {"title": "asthma"}}},
                "ratings": [{"_index": "x", "_id": "EXE.9", "rating": 2}],
            }
        ]
    }
    assert formats.import_rank_eval("f", foreign).judgements == {"asthma": {"EXE:9": 2}}
    with pytest.raises(JudgementError, match="request 1 .* grade '5'"):
        foreign["requests"][0]["ratings"][0]["rating"] = 5
        formats.import_rank_eval("f", foreign)
    with pytest.raises(JudgementError, match='no "requests"'):
        formats.import_rank_eval("f", {"metric": {}})


def test_csv_text_survives_a_spreadsheet_bom():
    text = "\ufeff" + write_csv(sample_set())
    assert read_csv("sample", text).judgements == sample_set().judgements


def test_ratings_from_several_processes_at_once_are_all_kept(tmp_path):
    """The OPAC runs several worker processes: each rating is a read-change-write of the file."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    keys = [f"UVA:u{n}" for n in range(24)]
    with context.Pool(4) as pool:
        pool.starmap(_rate, [(str(tmp_path), key) for key in keys])
    assert JudgementStore(tmp_path).load("shared").judgements == {"anaemia": dict.fromkeys(keys, 2)}


def _rate(directory: str, key: str) -> None:
    JudgementStore(Path(directory)).judge("shared", "anaemia", key, 2)
