"""A rebuild on a real network: once the alias has moved, the rebuild is done, whatever fails
after; the live index is never deleted. Against osmem-server behind a fault-injecting proxy."""

import logging

import pytest

from indexer.engine import SearchRequest
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.errors import EngineError
from tests.engine.catalogue import CATALOGUE
from tests.engine.faulty_http import LOSE_ANSWER

pytestmark = pytest.mark.osmem


@pytest.fixture
def writer(proxy):
    engine = OpenSearchEngine(proxy.url, writer=True, backoff=0.01, timeout=5)
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    yield engine
    engine.close()


def rebuild(engine, docs):
    """What `lantern reindex` does (indexer/load/reindex.py)."""
    engine.begin_rebuild()
    try:
        engine.upsert(docs, new=True)
        engine.finish_rebuild()
    except BaseException:
        engine.abort_rebuild()
        raise


def test_a_lost_answer_to_the_alias_swap_still_finishes_the_rebuild(writer, proxy, osmem):
    (old,) = writer.indexes_behind_alias()
    proxy.spoil("POST", "/_aliases", LOSE_ANSWER, times=2)  # and the client's one retry
    rebuild(writer, CATALOGUE[:5])
    reader = OpenSearchEngine(osmem.url)
    assert reader.count() == 5
    assert reader.search(SearchRequest("medicine")).total >= 0
    assert old not in reader.indexes_behind_alias()


def test_an_old_index_that_cannot_be_dropped_is_logged_not_raised(writer, proxy, osmem, caplog):
    (old,) = writer.indexes_behind_alias()
    proxy.spoil("DELETE", f"/{old}", 500, times=2)
    with caplog.at_level(logging.WARNING):
        rebuild(writer, CATALOGUE[:4])
    reader = OpenSearchEngine(osmem.url)
    assert reader.count() == 4  # the new index is live and searched
    assert reader.client.indices.exists(index=old)  # left for an operator
    assert old in caplog.text
    writer.upsert(CATALOGUE[:6])
    writer.commit()  # writes go on to the new index
    assert reader.count() == 6


def test_abort_never_drops_an_index_behind_the_alias(writer, osmem):
    new = writer.begin_rebuild()
    writer.upsert(CATALOGUE[:3], new=True)
    writer.commit()
    # Someone (or a swap whose answer was lost before anything could check) put it live.
    writer.client.indices.update_aliases(
        body={"actions": [{"add": {"index": new, "alias": writer.alias}}]}
    )
    writer.abort_rebuild()
    assert new in OpenSearchEngine(osmem.url).indexes_behind_alias()


def test_a_swap_refused_before_it_happened_aborts_cleanly(writer, proxy, osmem):
    (old,) = writer.indexes_behind_alias()
    proxy.spoil("POST", "/_aliases", 400)
    with pytest.raises(EngineError):
        rebuild(writer, CATALOGUE[:2])
    reader = OpenSearchEngine(osmem.url)
    assert reader.indexes_behind_alias() == [old]
    assert reader.count() == len(CATALOGUE)
    assert sorted(reader.client.indices.get(index="lantern-v*")) == [old]
