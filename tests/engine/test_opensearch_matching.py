"""What OpenSearch finds, against osmem-server: prefixes that start many words find every
record, as Tantivy's do."""

import itertools

import pytest

from indexer.engine import SearchRequest
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.engine.tantivy.engine import TantivyEngine
from tests.engine.catalogue import make_doc

pytestmark = pytest.mark.osmem

# 120 different words starting "hist": more than the 50 terms phrase_prefix expands to.
WORDS = ["hist" + a + b for a, b in itertools.product("abcdefghijkl", "mnopqrstuv")]
DOCS = [make_doc(f"h{i}", f"The {word} of medicine") for i, word in enumerate(WORDS)]


@pytest.fixture
def engines(osmem, tmp_path):
    cluster = OpenSearchEngine(osmem.url, writer=True)
    embedded = TantivyEngine(tmp_path / "index", writer=True, heap_size=50_000_000, threads=1)
    for engine in (cluster, embedded):
        engine.upsert(DOCS, new=True)
        engine.commit()
    yield cluster, embedded
    cluster.close()
    embedded.close()


@pytest.mark.parametrize("text", ["hist*", "title:hist*", "hista*"])
def test_a_prefix_finds_every_word_it_starts(engines, text):
    cluster, embedded = engines
    found = cluster.search(SearchRequest(text, limit=0)).total
    assert found == embedded.search(SearchRequest(text, limit=0)).total
    assert found == sum(w.startswith(text.split(":")[-1].rstrip("*")) for w in WORDS)


def test_words_the_index_holds_are_no_typos_to_allow_for(osmem, tmp_path):
    """ "cursing homes": both words are in the catalogue, never together. Like Tantivy,
    OpenSearch then finds either word (relaxed), not "nursing homes" by allowing a typo."""
    docs = [make_doc("nh", "Nursing homes"), make_doc("ch", "Cursing history")]
    cluster = OpenSearchEngine(osmem.url, writer=True)
    embedded = TantivyEngine(tmp_path / "index", writer=True, heap_size=50_000_000, threads=1)
    results = []
    for engine in (cluster, embedded):
        engine.upsert(docs, new=True)
        engine.commit()
        found = engine.search(SearchRequest("cursing homes"))
        results.append((found.relaxed, found.fuzzy, sorted(h.id for h in found.hits)))
        engine.close()
    assert results[0] == results[1] == (True, False, ["ch", "nh"])
