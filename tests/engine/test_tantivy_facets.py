"""Facet counts stay exact when the index has several segments and each segment hands over
only a few values (Tantivy's terms aggregation cuts every segment's list at segment_size)."""

from collections import Counter

import pytest

from indexer.engine import SearchRequest
from indexer.engine.fields import load_boosts
from indexer.engine.tantivy_engine import TantivyEngine
from tests.engine.catalogue import CATALOGUE, values_of

FACETS = ("library", "format", "language", "availability", "year")


@pytest.fixture(scope="module")
def three_segments(tmp_path_factory):
    path = tmp_path_factory.mktemp("segments") / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        for part in range(3):  # one commit, one segment
            writer.upsert(CATALOGUE[part::3], new=True)
            writer.commit()
    # Each segment hands over its most frequent value only.
    boosts = {**load_boosts(), "facets": {"segment_size": 1}}
    reader = TantivyEngine(path, boosts=boosts)
    yield reader
    reader.close()


def test_the_index_really_has_several_segments(three_segments):
    assert three_segments._searcher().num_segments == 3


@pytest.mark.parametrize("text", ["", "medicine"])
def test_counts_are_exact_across_segments(three_segments, text):
    result = three_segments.search(
        SearchRequest(text=text, facets=FACETS, facet_size=2, limit=0)
    )
    for field in FACETS:
        assert result.facets[field], field
        for value in result.facets[field]:
            narrowed = three_segments.search(
                SearchRequest(text=text, filters=((field, (value.value,)),), limit=0)
            )
            assert narrowed.total == value.count, (field, value)


def test_top_values_are_the_catalogue_top_values(three_segments):
    result = three_segments.search(SearchRequest(facets=("library",), facet_size=2, limit=0))
    expected = Counter(lib for doc in CATALOGUE for lib in values_of(doc, "library"))
    shown = [(v.value, v.count) for v in result.facets["library"]]
    assert [count for _, count in shown] == sorted(expected.values(), reverse=True)[:2]
    assert all(expected[value] == count for value, count in shown)


def test_landing_page_counts_follow_every_commit(tmp_path):
    """The blank search's counts are kept per index version: a commit shows at once."""
    path = tmp_path / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        writer.upsert(CATALOGUE[:10], new=True)
        writer.commit()
        reader = TantivyEngine(path)
        landing = SearchRequest(facets=("format",), limit=0)
        first = reader.search(landing).facets["format"]
        assert reader.search(landing).facets["format"] == first
        writer.upsert(CATALOGUE[10:], new=True)
        writer.commit()
        after = {v.value: v.count for v in reader.search(landing).facets["format"]}
        reader.close()
    assert after == dict(Counter(doc["format"] for doc in CATALOGUE))
    assert sum(v.count for v in first) == 10
