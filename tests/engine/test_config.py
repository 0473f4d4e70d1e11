"""The data files the engine reads, and the interface it promises."""

import re
from pathlib import Path

import pytest

from indexer.engine import ENGINES, Engine, open_engine
from indexer.engine.fields import load_boosts, load_fields, synonyms_dir
from indexer.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_boosts_name_only_real_fields():
    fields = load_fields()
    boosts = load_boosts()
    text = {n for n, f in fields.items() if f.type == "text"}
    assert set(boosts["fields"]) <= text
    for names in boosts["prefixes"].values():
        assert set(names) <= text
    assert set(boosts["highlight"]["fields"]) <= text
    assert boosts["fields"]["title"] > boosts["fields"]["subtitle"] > boosts["fields"]["author"]
    assert boosts["fields"]["author"] > boosts["fields"]["subject"] > boosts["fields"]["notes"]


def test_every_boost_setting_is_explained_in_the_file():
    lines = (synonyms_dir() / "boosts.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\[\w+\]", line):
            assert lines[i - 1].startswith("#"), f"section {line} has no comment above it"


def test_fields_file_errors_name_the_file(tmp_path, monkeypatch):
    bad = '[field.id]\ntype = "keyword"\n[field.x]\ntype = "blob"\n'
    (tmp_path / "fields.toml").write_text(bad)
    monkeypatch.setenv("LANTERN_SCHEMAS_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="fields.toml"):
        load_fields()


def test_the_tantivy_engine_implements_the_interface(tmp_path):
    assert "tantivy" in ENGINES
    with open_engine("tantivy", tmp_path, writer=True, heap_size=20_000_000, threads=1) as engine:
        assert isinstance(engine, Engine)
        assert engine.name == "tantivy"
        assert {"facets", "highlight", "sort", "scan", "relaxed"} <= engine.capabilities


def test_only_the_engine_package_imports_tantivy():
    for path in (REPO / "indexer").rglob("*.py"):
        if "engine" in path.relative_to(REPO / "indexer").parts[:1]:
            continue
        assert not re.search(r"^\s*(import|from) tantivy", path.read_text(), re.M), path
