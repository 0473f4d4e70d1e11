"""A generated demo consortium (6 libraries, print and e-books), loaded once per module."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from indexer.settings import load_settings
from opac import create_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synonyms_dir(tmp_path_factory):
    """A copy of synonyms/ that a test may edit, as a librarian would."""
    path = tmp_path_factory.mktemp("synonyms")
    for name in ("boosts.toml", "health.txt"):
        shutil.copyfile(REPO / "synonyms" / name, path / name)
    return path


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, synonyms_dir):
    from lantern.demo import load_demo

    settings = load_settings(
        environ={}, data_dir=tmp_path_factory.mktemp("demo") / "instance", synonyms_dir=synonyms_dir
    )
    settings = load_demo(settings, records=1500, libraries=6, log=lambda *a: None)
    app = create_app(settings=dataclasses.replace(settings))
    return app


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app.test_client()
