"""Wire tests of the OpenSearch engine against osmem-server 0.1.6, an in-memory
OpenSearch-compatible FAKE (not OpenSearch): bulk lines, alias swaps, search_after scans,
commit, and outages. It cannot show a missing refresh (it shows writes at once) and its
scores and analysers are not Lucene's, so nothing here asserts ranking."""

import pytest

from indexer.engine import SearchRequest
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.errors import EngineUnavailableError
from tests.engine.catalogue import CATALOGUE, make_doc

osmem_server = pytest.importorskip("osmem_server")
pytestmark = pytest.mark.osmem


@pytest.fixture
def server():
    running = osmem_server.OsmemServer.start()
    yield running
    running.close()


@pytest.fixture
def writer(server):
    engine = OpenSearchEngine(server.url, writer=True, batch_size=7, backoff=0.01)
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    yield engine
    engine.close()


def test_bulk_load_in_batches_then_upsert_and_delete(writer, server):
    reader = OpenSearchEngine(server.url)
    assert reader.count() == len(CATALOGUE)
    writer.upsert([make_doc("kumar", "Clinical medicine, tenth edition", year=2024)])
    writer.delete(["lancet", "not-there"])
    writer.commit()
    assert reader.count() == len(CATALOGUE) - 1
    assert reader.get("lancet") is None
    assert reader.get("kumar")["year"] == 2024
    assert reader.get("ohcm") == {"id": "ohcm", **CATALOGUE[0]["display"]}


def test_scan_walks_every_document_in_id_order(writer):
    seen, after = [], None
    while batch := writer.scan(after, 4):
        seen += [d["id"] for d in batch]
        after = seen[-1]
    assert seen == sorted(d["id"] for d in CATALOGUE)
    assert writer.scan("zzz", 4) == []


def test_rebuild_swaps_the_alias_and_drops_the_old_index(writer, server):
    reader = OpenSearchEngine(server.url)
    (old,) = writer.indexes_behind_alias()
    new = writer.begin_rebuild()
    writer.upsert(CATALOGUE[:5], new=True)
    writer.commit()
    assert reader.count() == len(CATALOGUE)  # readers keep the old index until the swap
    writer.finish_rebuild()
    assert writer.indexes_behind_alias() == [new]
    assert reader.count() == 5
    assert not writer.client.indices.exists(index=old)


def test_abort_rebuild_leaves_the_live_index(writer):
    (old,) = writer.indexes_behind_alias()
    new = writer.begin_rebuild()
    writer.upsert(CATALOGUE[:2], new=True)
    writer.abort_rebuild()
    assert writer.indexes_behind_alias() == [old]
    assert not writer.client.indices.exists(index=new)
    assert writer.count() == len(CATALOGUE)


def test_search_facets_and_paging_over_the_wire(writer):
    result = writer.search(SearchRequest(facets=("format",), limit=0))
    assert result.total == len(CATALOGUE)
    assert {v.value: v.count for v in result.facets["format"]} == {
        "Book": 22,
        "Journal": 4,
        "E-book": 3,
        "Leaflet": 1,
    }
    whole = [h.id for h in writer.search(SearchRequest(sort="title", limit=50)).hits]
    pages = []
    for offset in range(0, 35, 7):
        pages += [
            h.id for h in writer.search(SearchRequest(sort="title", offset=offset, limit=7)).hits
        ]
    assert pages == whole and len(whole) == len(CATALOGUE)


def test_a_missing_index_is_an_outage(server):
    with pytest.raises(EngineUnavailableError):
        OpenSearchEngine(server.url, index="nothing").search(SearchRequest("x"))


def test_a_killed_server_is_an_outage_not_zero_results(writer, server):
    reader = OpenSearchEngine(server.url, timeout=2)
    assert reader.search(SearchRequest("medicine")).total > 0
    server.process.kill()
    server.process.wait()
    with pytest.raises(EngineUnavailableError):
        reader.search(SearchRequest("medicine"))
    with pytest.raises(EngineUnavailableError):
        reader.scan(None, 10)
    writer.upsert(CATALOGUE[:1])
    with pytest.raises(EngineUnavailableError):
        writer.commit()
