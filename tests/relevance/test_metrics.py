"""The metric functions against values computed by hand, and scoring by member record keys."""

from __future__ import annotations

import math

import pytest

from indexer.relevance import metrics
from indexer.relevance.evaluate import Result, evaluate, score_query
from indexer.relevance.judgements import QuerySet


def test_ndcg_by_hand():
    # Ranked grades 3, unjudged, 2, 0; judged for the query: 3, 2, 2, 1.
    # DCG = (2^3-1)/log2(2) + 0 + (2^2-1)/log2(4) + 0 = 7 + 1.5 = 8.5
    # IDCG = 7/1 + 3/log2(3) + 3/log2(4) + 1/log2(5) = 7 + 1.892789 + 1.5 + 0.430677 = 10.823466
    assert metrics.dcg([3, None, 2, 0]) == pytest.approx(8.5)
    assert metrics.ndcg([3, None, 2, 0], [3, 2, 2, 1]) == pytest.approx(8.5 / 10.823466, abs=1e-6)
    assert metrics.ndcg([3, 2, 2, 1], [1, 2, 3, 2]) == pytest.approx(1.0)
    assert metrics.ndcg([None, None], []) == 0.0  # nothing judged: nothing to reach


def test_ndcg_counts_only_the_top_ten_but_the_ideal_from_every_judgement():
    ranked = [0] * 10 + [3]  # the perfect record at rank 11
    assert metrics.ndcg(ranked, [3]) == 0.0
    # The one relevant record at rank 2: (2^3-1)/log2(3) / 7 = 1/log2(3)
    assert metrics.ndcg([None, 3], [3]) == pytest.approx(1 / math.log2(3))


def test_reciprocal_rank_counts_grade_two_and_up_as_relevant():
    assert metrics.reciprocal_rank([1, None, 2, 3]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([3]) == 1.0
    assert metrics.reciprocal_rank([1, 1, 0, None]) == 0.0
    assert metrics.reciprocal_rank([0] * 10 + [3]) == 0.0  # beyond the top 10


def test_precision_and_unjudged_at_ten():
    assert metrics.precision([3, None, 2, 0, 1]) == pytest.approx(0.2)
    assert metrics.precision([2] * 12) == pytest.approx(1.0)
    assert metrics.unjudged([3, None, 2, None, 0]) == 2
    assert metrics.unjudged([None] * 12) == 10


def test_a_document_takes_the_best_grade_of_its_members():
    graded = {"UVA:u1": 1, "UVB:u9": 3}
    assert metrics.document_grade(["UVA:u1", "UVB:u9"], graded) == 3
    assert metrics.document_grade(["UVA:u1"], graded) == 1
    assert metrics.document_grade(["NLNZ:7"], graded) is None


def test_scores_and_means_over_a_set():
    qset = QuerySet("hand")
    qset.judge("anaemia", "UVA:u1", 3)
    qset.judge("anaemia", "UVB:u2", 2)
    qset.judge("asthma", "UVA:u3", 3)
    results = {
        # The perfect record merged with another library's: judged through its UVA member.
        "anaemia": [
            Result("X.1", "Other", ("EXE:9",)),
            Result("UVA.u1", "A", ("UVB:u7", "UVA:u1")),
        ],
        "asthma": [Result("UVA.u3", "B", ("UVA:u3",))],
    }
    report = evaluate(qset, lambda q: results[q])
    anaemia, asthma = report.scores
    # anaemia: DCG = 7/log2(3) = 4.416508; IDCG = 7 + 3/log2(3) = 8.892789
    assert anaemia.ndcg == pytest.approx(4.416508 / 8.892789, abs=1e-6)
    assert anaemia.reciprocal_rank == 0.5 and anaemia.unjudged == 1 and anaemia.judged == 2
    assert asthma.ndcg == 1.0 and asthma.precision == pytest.approx(0.1)
    assert report.ndcg == pytest.approx((anaemia.ndcg + 1.0) / 2)
    assert report.mrr == pytest.approx(0.75)
    assert report.summary()["unjudged@10"] == 1


def test_a_query_with_no_results_scores_zero():
    score = score_query("zzz", {"UVA:u1": 3}, [])
    assert (score.ndcg, score.reciprocal_rank, score.precision, score.unjudged) == (0, 0, 0, 0)
