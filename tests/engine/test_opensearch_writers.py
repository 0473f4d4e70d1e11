"""One writer per alias, as Tantivy has one per directory: the cluster refuses a second writer
(a lease document created with op_type=create), a dead writer's lease expires, and two first
writers make one index. Against osmem-server, through a fault-injecting proxy where needed."""

import pytest

from indexer.engine import SearchRequest
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.engine.opensearch.lease import lease_index
from indexer.errors import IndexLockedError
from tests.engine.catalogue import CATALOGUE

pytestmark = pytest.mark.osmem


def test_a_second_writer_is_refused_naming_the_first(osmem):
    first = OpenSearchEngine(osmem.url, writer=True)
    with pytest.raises(IndexLockedError, match="already open for writing by .* pid"):
        OpenSearchEngine(osmem.url, writer=True)
    first.close()
    second = OpenSearchEngine(osmem.url, writer=True)  # once released, the next may write
    second.upsert(CATALOGUE[:2])
    second.commit()
    second.close()


def test_a_reindex_beside_a_load_is_refused_rather_than_losing_the_loads_writes(osmem):
    rebuilding = OpenSearchEngine(osmem.url, writer=True)
    rebuilding.begin_rebuild()
    with pytest.raises(IndexLockedError):
        OpenSearchEngine(osmem.url, writer=True)  # the load's writer, while the rebuild runs
    rebuilding.abort_rebuild()
    rebuilding.close()


def test_an_expired_lease_is_taken_over_and_its_old_holder_writes_nothing_more(osmem):
    stalled = OpenSearchEngine(osmem.url, writer=True, lease_seconds=0)  # expired at once
    stalled.upsert(CATALOGUE[:3])
    taker = OpenSearchEngine(osmem.url, writer=True)
    with pytest.raises(IndexLockedError, match="another writer took it"):
        stalled.commit()
    taker.upsert(CATALOGUE[:5])
    taker.commit()
    assert taker.count() == 5
    stalled.close()  # its release leaves the taker's lease alone
    with pytest.raises(IndexLockedError):
        OpenSearchEngine(osmem.url, writer=True)
    taker.close()


def test_two_first_writers_make_one_index(osmem, proxy):
    OpenSearchEngine(osmem.url, writer=True).close()  # the first writer bootstraps
    # The second looked before the first had made it: it sees no alias and creates.
    proxy.spoil("HEAD", "/_alias/lantern", 404)
    late = OpenSearchEngine(proxy.url, writer=True)
    late.upsert(CATALOGUE)
    late.commit()
    (only,) = late.indexes_behind_alias()
    reader = OpenSearchEngine(osmem.url)
    assert reader.count() == len(CATALOGUE)
    assert reader.search(SearchRequest("medicine")).total == (
        late.search(SearchRequest("medicine")).total
    )
    names = set(reader.client.indices.get(index="lantern*"))
    assert names == {only, lease_index("lantern")}
    late.close()
