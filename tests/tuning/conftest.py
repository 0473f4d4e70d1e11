"""A real index of 200 shared MARC records, with its own copy of synonyms/ to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.settings import load_settings
from tests.conftest import shared, write_libraries

REPO = Path(__file__).resolve().parents[2]


def fresh_synonyms(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name in ("boosts.toml", "health.txt"):
        shutil.copyfile(REPO / "synonyms" / name, path / name)
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Settings of a data dir with the UVA records loaded (shared by the module: read only)."""
    from indexer.load.runner import load_library

    root = tmp_path_factory.mktemp("tuning")
    write_libraries(root / "libraries.toml", "UVA")
    settings = load_settings(environ={}, data_dir=root, workers=0)
    marc = shared("marc", "solrmarc__uva_001-200.mrc")
    load_library(settings, "UVA", [marc], progress=False, log=lambda *a: None)
    return settings


@pytest.fixture
def tuned(loaded, tmp_path):
    """The loaded index (through a link) in a data dir, with synonyms, of this test's own: its
    history and edits start empty."""
    import dataclasses

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "index").symlink_to(loaded.index_dir.resolve(), target_is_directory=True)
    return dataclasses.replace(
        loaded, data_dir=data_dir, synonyms_dir=fresh_synonyms(tmp_path / "synonyms")
    )


def search(settings, text: str, limit: int = 20):
    engine = open_engine(settings)
    try:
        return engine.search(SearchRequest(text=text, limit=limit))
    finally:
        engine.close()
