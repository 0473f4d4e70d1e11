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
