"""E-journal coverage from KBART, in the words a reader sees on the record page."""

import pytest

from indexer.fulltext.coverage import coverage_span, coverage_words
from indexer.sources.kbart import read_kbart
from tests.conftest import shared


def test_a_real_list_gives_a_span_per_journal_with_its_provider():
    path = shared("kbart", "ezpaarse-platforms__JLE_COUPERIN_ALLJOURNALS_2022-03-24.txt")
    spans = [r.mapped["coverage"] for r in read_kbart(path) if r.mapped]
    assert all(len(s) == 1 for s in spans)
    words = [coverage_words(s[0]) for s in spans]
    assert (
        "Online 1997 to present, via John Libbey Eurotext; only the latest 12 months online"
        in words
    )


def test_a_book_list_gives_no_coverage():
    path = shared("kbart", "ezpaarse-platforms__AIP_GLOBAL_ALLEBOOKS_2026-01-01.txt")
    assert not any(r.mapped["coverage"] for r in read_kbart(path) if r.mapped)


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        ({"date_first_issue_online": "1998", "embargo_info": "P1Y"},
         "Online 1998 to present; latest 12 months embargoed"),
        ({"date_first_issue_online": "1998-01-01", "embargo_info": "P6M",
          "publisher_name": "BMJ"},
         "Online 1998 to present, via BMJ; latest 6 months embargoed"),
        ({"date_first_issue_online": "2001-05-01", "date_last_issue_online": "2010-12-31",
          "title_url": "https://www.tandfonline.com/toc/x/current"},
         "Online May 2001 to 2010, via tandfonline.com"),
        ({"num_first_vol_online": "13", "embargo_info": "R2Y"},
         "Online vol. 13 to present; only the latest 2 years online"),
        ({"date_last_issue_online": "1996"}, "Online up to 1996"),
    ],
)  # fmt: skip
def test_coverage_in_words(cells, words):
    assert coverage_words(coverage_span(cells)) == words


def test_a_row_without_coverage_has_no_span():
    assert coverage_span({"publisher_name": "BMJ", "title_url": "https://bmj.com/"}) is None
