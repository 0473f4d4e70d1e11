"""The most frequent values of a facet are exact however they are found again after the first
count: one query per value in the running, an aggregation naming them, or every value."""

import random
from collections import Counter

import pytest
from tantivy import Query

from indexer.engine.fields import load_boosts
from indexer.engine.tantivy import topvalues
from indexer.engine.tantivy.engine import TantivyEngine
from tests.engine.catalogue import make_doc, values_of

SEGMENTS = 4


def _catalogue() -> list[dict]:
    """A few frequent authors over a flat crowd of others (the shape of a real author facet:
    the 30th author is barely ahead of hundreds more), a word in about half the records."""
    rng = random.Random(18)
    crowd = [f"Crowd {n:03d}" for n in range(300)]
    known = [f"Known {chr(65 + n)}" for n in range(8)]
    docs = []
    for n in range(1200):
        authors = rng.sample(crowd, rng.choice([1, 1, 2, 3]))
        if rng.random() < 0.3:
            authors.append(rng.choice(known))
        word = "heart" if rng.random() < 0.5 else "lung"
        docs.append(make_doc(f"d{n}", f"{word} volume {n}", authors=tuple(authors)))
    return docs


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    docs = _catalogue()
    path = tmp_path_factory.mktemp("top") / "index"
    with TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1) as writer:
        for part in range(SEGMENTS):  # one commit, one segment
            writer.upsert(docs[part::SEGMENTS], new=True)
            writer.commit()
    reader = TantivyEngine(path, facet_cache=0)
    assert reader._searcher().num_segments == SEGMENTS
    yield reader, docs
    reader.close()


def _truth(docs: list[dict], word: str | None, size: int) -> list[tuple[str, int]]:
    chosen = [d for d in docs if word is None or word in d["title"]]
    counts = Counter(a for d in chosen for a in values_of(d, "author_facet"))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]


@pytest.mark.parametrize(
    "way, limits",
    [
        ("one query per value", {"ONE_BY_ONE": 10**6, "NAMED": 10**6, "NAMED_FROM": 1}),
        ("named in an aggregation", {"ONE_BY_ONE": 0, "NAMED": 10**6, "NAMED_FROM": 10**6}),
        ("every value", {"ONE_BY_ONE": 0, "NAMED": 0}),
    ],
)
@pytest.mark.parametrize("word", [None, "heart"])
@pytest.mark.parametrize("size", [1, 5, 30])
def test_each_way_of_counting_again_is_exact(engine, monkeypatch, way, limits, word, size):
    reader, docs = engine
    for name, value in limits.items():
        monkeypatch.setattr(topvalues, name, value)
    monkeypatch.setattr(topvalues, "LONGER", 1)  # nor longer lists
    searcher = reader._searcher()
    schema = reader._schema
    query = Query.all_query() if word is None else Query.term_query(schema, "title", word)
    found, cut = topvalues.top_values(searcher, schema, query, {"author_facet": size}, 2)
    assert list(cut) == ["author_facet"], "the segments' lists were cut: the recount was needed"
    assert found["author_facet"] == _truth(docs, word, size), way


@pytest.mark.parametrize("word", [None, "heart"])
def test_lists_too_short_for_a_crowd_of_values_are_asked_again_longer(engine, word):
    reader, docs = engine
    searcher = reader._searcher()
    query = Query.all_query() if word is None else Query.term_query(reader._schema, "title", word)
    sizes = {"author_facet": 5}
    found, lengths = topvalues.top_values(searcher, reader._schema, query, sizes, 5)
    assert found["author_facet"] == _truth(docs, word, 5)
    assert lengths["author_facet"] > 5  # 5 was too short for the crowd
    again, learnt = topvalues.top_values(searcher, reader._schema, query, sizes, 5, lengths)
    assert again == found and learnt in ({}, lengths)  # started where it sufficed


def test_the_running_excludes_only_values_that_cannot_reach_the_top():
    buckets = [("a", 50), ("b", 40), ("c", 31), ("d", 20), ("e", 9)]
    # size 2: the floor is 40; with 10 missed at most, "c" (31 + 10) can reach it, "d" cannot
    assert topvalues.in_the_running(buckets, 2, 10) == ["a", "b", "c"]
    # a value no segment handed over may have up to 40 documents: anything could be on top
    assert topvalues.in_the_running(buckets, 2, 40) is None


def test_few_matching_documents_are_counted_in_one_pass(engine):
    reader, docs = engine
    searcher = reader._searcher()
    one = Query.term_query(reader._schema, "id", "d7")
    broad = topvalues.is_broad(searcher, one)
    found, cut = topvalues.top_values(
        searcher, reader._schema, one, {"author_facet": 30}, 2, broad=broad
    )
    assert found["author_facet"] == [(a, 1) for a in sorted(values_of(docs[7], "author_facet"))]
    assert cut == {}
    assert not topvalues.is_broad(searcher, one)
    assert topvalues.is_broad(searcher, Query.all_query())


def test_facets_with_many_values_are_then_counted_apart(engine):
    """A facet whose values the segments cut short is counted on a thread of its own."""
    reader, _ = engine
    boosts = {**load_boosts(), "facets": {"segment_size": 100}}
    fresh = TantivyEngine(reader.path, boosts=boosts, facet_cache=0)
    counter = fresh._facet_counter
    sizes = {"author_facet": 30, "format": 30, "language": 30}
    assert counter.apart(sizes) == [sizes]  # nothing known yet: one pass
    counter.count(fresh._searcher(), fresh._schema, Query.all_query(), sizes)
    assert counter.apart(sizes) == [{"author_facet": 30}, {"format": 30, "language": 30}]
    fresh.close()
