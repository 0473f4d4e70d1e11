"""A small hand-written catalogue, shaped like schemas/fields.toml, in a real index on disk."""

from __future__ import annotations

import pytest

from indexer.engine import SearchRequest
from indexer.engine.tantivy.engine import TantivyEngine
from tests.engine.catalogue import CATALOGUE


@pytest.fixture(scope="session")
def catalogue_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalogue") / "index"
    engine = TantivyEngine(path, writer=True, heap_size=50_000_000, threads=1)
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    engine.close()
    return path


@pytest.fixture(scope="session")
def engine(catalogue_dir):
    reader = TantivyEngine(catalogue_dir)
    yield reader
    reader.close()


@pytest.fixture
def search(engine):
    def run(text: str = "", **kwargs):
        return engine.search(SearchRequest(text=text, **kwargs))

    return run


@pytest.fixture
def osmem():
    """A fresh osmem-server (an in-memory OpenSearch-compatible fake, not OpenSearch)."""
    osmem_server = pytest.importorskip("osmem_server")
    running = osmem_server.OsmemServer.start(japanese=False)
    yield running
    running.close()


@pytest.fixture
def proxy(osmem):
    """A fault-injecting HTTP server in front of `osmem` (tests/engine/faulty_http.py)."""
    from tests.engine.faulty_http import FaultyProxy

    running = FaultyProxy.start(osmem.url)
    yield running
    running.close()
