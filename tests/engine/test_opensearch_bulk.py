"""Bulk writes on a real network: requests capped by size, timeouts and lost connections
sent again (every action is idempotent), a request too large said plainly, and a missing
alias never papered over by auto-create. Against osmem-server behind a fault-injecting proxy."""

import pytest

from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.errors import EngineError, EngineUnavailableError
from tests.engine.catalogue import CATALOGUE, make_doc
from tests.engine.faulty_http import LOSE_ANSWER, REFUSE, SLOW

pytestmark = pytest.mark.osmem

BULK = "/lantern/_bulk"


def open_writer(url, **options):
    return OpenSearchEngine(url, writer=True, backoff=0.01, **options)


def test_requests_are_capped_by_bytes_as_well_as_documents(proxy):
    long_notes = [make_doc(f"n{i}", f"Notes {i}", notes="x " * 20_000) for i in range(12)]
    with open_writer(proxy.url, batch_size=500) as writer:
        writer._writer.max_bytes = 100_000  # the test's stand-in for 10 MB
        writer.upsert(long_notes)
        writer.commit()
        assert writer.count() == 12
    # No fault here: every request seen was passed on, so its body size is in `bodies`.
    bulks = [size for (_, p), size in zip(proxy.seen, proxy.bodies, strict=True) if p == BULK]
    assert len(bulks) >= 3 and max(bulks) <= 100_000


@pytest.mark.parametrize("fault", [LOSE_ANSWER, REFUSE, SLOW])
def test_a_bulk_that_timed_out_or_lost_its_connection_is_sent_again(proxy, fault):
    proxy.slow_seconds = 2.0
    with open_writer(proxy.url, timeout=1) as writer:
        proxy.spoil("POST", BULK, fault, times=2)  # past the transport's own one retry
        writer.upsert(CATALOGUE)
        writer.commit()
        assert writer.count() == len(CATALOGUE)


def test_a_request_too_large_for_the_cluster_is_a_plain_error(proxy):
    with open_writer(proxy.url) as writer:
        proxy.spoil("POST", BULK, 413)
        writer.upsert(CATALOGUE[:2])
        with pytest.raises(EngineError, match="too large"):
            writer.commit()


def test_writes_to_a_missing_alias_never_create_an_index_of_that_name(osmem):
    with open_writer(osmem.url) as writer:
        (index,) = writer.indexes_behind_alias()
        writer.client.indices.delete(index=index)  # the alias goes with it
        writer.upsert(CATALOGUE[:2])
        with pytest.raises(EngineUnavailableError, match="no index behind"):
            writer.commit()
        assert not writer.client.indices.exists(index="lantern")
