"""Facet counts stay exact when the index has several segments and each segment hands over
only a few values (Tantivy's terms aggregation cuts every segment's list at segment_size)."""

import dataclasses
from collections import Counter

import pytest

from bench.tantivy_work import tantivy_work
from indexer.engine import SearchRequest
from indexer.engine.fields import load_boosts
from indexer.engine.tantivy.engine import TantivyEngine
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
    result = three_segments.search(SearchRequest(text=text, facets=FACETS, facet_size=2, limit=0))
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


@pytest.mark.parametrize("text", ["", "medicine"])
def test_counts_are_kept_per_index_version_and_follow_every_commit(tmp_path, text):
    """Counts are kept for the index version they were made for: the next page of a search
    is not counted again, and a commit shows at once."""
    path = tmp_path / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        writer.upsert(CATALOGUE[:10], new=True)
        writer.commit()
        reader = TantivyEngine(path)
        page = SearchRequest(text=text, facets=("format",), limit=2)
        first = reader.search(page).facets["format"]
        kept = dict(reader._facet_counter._kept)
        assert len(kept) == 1
        second_page = reader.search(dataclasses.replace(page, offset=2))
        assert second_page.facets["format"] == first
        assert reader._facet_counter._kept == kept  # answered from what was kept
        narrowed = reader.search(dataclasses.replace(page, filters=(("library", ("LIBB",)),)))
        assert len(reader._facet_counter._kept) == 2  # other documents: counted, kept apart
        assert sum(v.count for v in narrowed.facets["format"]) == narrowed.total
        writer.upsert(CATALOGUE[10:], new=True)
        writer.commit()
        after = reader.search(page)
        reader.close()
    fresh = TantivyEngine(path)  # nothing kept: counts made now
    expected = fresh.search(page)
    fresh.close()
    assert after.facets["format"] == expected.facets["format"]
    assert sum(v.count for v in after.facets["format"]) == after.total
    assert after.total > sum(v.count for v in first)


def test_facet_cache_0_keeps_nothing(tmp_path):
    path = tmp_path / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        writer.upsert(CATALOGUE, new=True)
        writer.commit()
    reader = TantivyEngine(path, facet_cache=0)
    page = SearchRequest(text="medicine", facets=("format",), limit=2)
    assert reader.search(page).facets == reader.search(page).facets
    assert not reader._facet_counter._kept
    reader.close()


def test_tantivy_work_makes_the_attempts_the_search_makes(tmp_path):
    """The bare Tantivy calls the search bench times alone follow the search: one attempt
    when the words are found, then typos, then any of the words, stopping where it stops."""
    path = tmp_path / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        writer.upsert(CATALOGUE, new=True)
        writer.commit()
    engine = TantivyEngine(path, facet_cache=0)
    for text, attempts in [
        ("medicine", [{}]),
        ("medicnie", [{}, {"fuzzy": True}]),  # a typo, found the second time
        ("medicine zzzzqqq", [{}, {"fuzzy": True}, {"relaxed": True}]),
        # words the index holds, never together: no typo to allow for, any of them next
        ("lancet washing", [{}, {"relaxed": True}]),
        ("zzzzqqq", [{}, {"fuzzy": True}]),  # found nowhere
    ]:
        request = SearchRequest(text=text, facets=FACETS, limit=5)
        result = engine.search(request)
        seconds, made = tantivy_work(engine, request)
        assert [options for options, _ in made] == attempts, text
        assert seconds >= 0
        last, found = made[-1]
        assert found == result.total, text
        # The flags say how the records shown matched: none when nothing was found.
        shown = last if found else {}
        assert result.fuzzy == ("fuzzy" in shown) and result.relaxed == ("relaxed" in shown)
    engine.close()


# --- records with many values in one facet ---


def _many_valued_catalogue() -> list[dict]:
    """Records with none to seven libraries and up to four authors each."""
    import random

    from tests.engine.catalogue import make_doc

    rng = random.Random(11)
    libraries = [f"LIB{n}" for n in range(10)]
    authors = [f"Author {chr(65 + n)}" for n in range(15)]
    return [
        make_doc(
            f"m{n}",
            f"Medicine volume {n}",
            libraries=tuple(rng.sample(libraries, rng.choice([0, 1, 1, 2, 3, 7]))),
            authors=tuple(rng.sample(authors, rng.choice([0, 1, 2, 4]))),
        )
        for n in range(120)
    ]


@pytest.fixture(scope="module", params=[1, 3], ids=["one segment", "three segments"])
def many_valued(request, tmp_path_factory):
    """The records in one segment, or three that each hand over only two values per facet."""
    docs = _many_valued_catalogue()
    path = tmp_path_factory.mktemp("slots") / "index"
    parts = request.param
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        for part in range(parts):
            writer.upsert(docs[part::parts], new=True)
            writer.commit()
    boosts = {**load_boosts(), "facets": {"segment_size": 2}}
    reader = TantivyEngine(path, boosts=boosts, facet_cache=0)
    yield reader, docs
    reader.close()


@pytest.mark.parametrize("size", [1, 3, 100])
@pytest.mark.parametrize("field", ["library", "author_facet"])
def test_many_valued_counts_are_the_exact_top_values(many_valued, field, size):
    engine, docs = many_valued
    truth = Counter(v for doc in docs for v in values_of(doc, field))
    expected = sorted(truth.items(), key=lambda item: (-item[1], item[0]))[:size]
    for text in ["", "volume"]:
        result = engine.search(SearchRequest(text=text, facets=(field,), facet_size=size, limit=0))
        assert [(v.value, v.count) for v in result.facets[field]] == expected, text


def test_many_valued_counts_follow_a_filter_on_another_facet(many_valued):
    engine, docs = many_valued
    chosen = [d for d in docs if "Author C" in values_of(d, "author_facet")]
    truth = Counter(v for doc in chosen for v in values_of(doc, "library"))
    result = engine.search(
        SearchRequest(
            filters=(("author_facet", ("Author C",)),), facets=("library",), facet_size=100, limit=0
        )
    )
    assert result.total == len(chosen)
    assert {v.value: v.count for v in result.facets["library"]} == dict(truth)
