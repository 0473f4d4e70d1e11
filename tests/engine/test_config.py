"""The data files the engine reads, and the interface it promises."""

import dataclasses
import re
from pathlib import Path

import pytest

from indexer.engine import ENGINES, Engine, open_engine
from indexer.engine.fields import SHIPPED_SYNONYMS, Ranking, load_boosts, load_fields
from indexer.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_boosts_name_only_real_fields():
    fields = load_fields()
    boosts = load_boosts()
    text = {n for n, f in fields.items() if f.type == "text"}
    assert set(boosts["fields"]) <= text
    assert "prefixes" not in boosts  # the schema's, not the librarian's (issue 21)
    assert set(boosts["highlight"]["fields"]) <= text
    assert boosts["fields"]["title"] > boosts["fields"]["subtitle"] > boosts["fields"]["author"]
    assert boosts["fields"]["author"] > boosts["fields"]["subject"] > boosts["fields"]["notes"]


def test_search_prefixes_come_from_the_schema_whatever_boosts_toml_holds():
    fields = load_fields()
    for boosts in ({}, {"fields": {"title": 9.0}}, {"prefixes": {"title": ["notes"]}}):
        prefixes = Ranking.build(fields, boosts).prefixes
        assert set(prefixes["title"]) == {"title", "subtitle", "title_alt"}
        assert set(prefixes["author"]) == {"author", "responsibility"}
        assert prefixes["subject"] == ("subject",) and prefixes["series"] == ("series",)
        assert prefixes["callnumber"] == ("callnumber_text",)


def test_every_boost_setting_is_explained_in_the_file():
    lines = (SHIPPED_SYNONYMS / "boosts.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\[\w+\]", line):
            assert lines[i - 1].startswith("#"), f"section {line} has no comment above it"


def test_fields_file_errors_name_the_file(tmp_path, monkeypatch):
    bad = '[field.id]\ntype = "keyword"\n[field.x]\ntype = "blob"\n'
    (tmp_path / "fields.toml").write_text(bad)
    with pytest.raises(ConfigError, match="fields.toml"):
        load_fields(tmp_path)


def test_the_tantivy_engine_implements_the_interface(settings):
    assert "tantivy" in ENGINES
    settings = dataclasses.replace(settings, writer_threads=1, writer_heap_mb=20)
    with open_engine(settings, writer=True) as engine:
        assert isinstance(engine, Engine)
        assert engine.name == "tantivy"
        assert {"facets", "highlight", "sort", "scan", "relaxed"} <= engine.capabilities
    assert settings.index_dir.is_symlink()  # the link a rebuild swaps


@pytest.mark.parametrize(
    "library, package", [("tantivy", "tantivy"), ("opensearchpy", "opensearch")]
)
def test_only_its_engines_subpackage_imports_an_engine_library(library, package):
    for folder in ("indexer", "opac", "lantern"):
        for path in (REPO / folder).rglob("*.py"):
            if path.is_relative_to(REPO / "indexer" / "engine" / package):
                continue
            pattern = rf"^\s*(import|from) {library}\b"
            assert not re.search(pattern, path.read_text(), re.M), path


def test_a_librarian_asking_to_highlight_another_field_never_breaks_the_index(tmp_path):
    """Highlighting needs a stored field, and which fields are stored is fixed when an index is
    built: a field added to boosts.toml's [highlight] list is marked from the next reindex on,
    and until then an index that does not store it answers as before."""
    from indexer.engine import SearchRequest
    from indexer.engine.tantivy.engine import TantivyEngine
    from tests.engine.catalogue import CATALOGUE

    boosts = load_boosts()
    assert "series" not in boosts["highlight"]["fields"]
    asked = {
        **boosts,
        "highlight": {**boosts["highlight"], "fields": [*boosts["highlight"]["fields"], "series"]},
    }
    request = SearchRequest(text="oxford medical handbooks", highlight=True)
    built = {}
    for name, config in (("before", boosts), ("after", asked)):
        with TantivyEngine(
            tmp_path / name, writer=True, boosts=config, heap_size=50_000_000, threads=1
        ) as writer:
            writer.upsert(CATALOGUE, new=True)
            writer.commit()
        built[name] = tmp_path / name
    with TantivyEngine(built["before"], boosts=asked) as old_index:
        marks = old_index.search(request).hits[0].highlights
    assert marks and "series" not in marks
    with TantivyEngine(built["after"], boosts=asked) as rebuilt:
        marks = rebuilt.search(request).hits[0].highlights
    assert marks["series"] == "<mark>Oxford</mark> <mark>medical</mark> <mark>handbooks</mark>"


def test_facets_and_sorts_readers_see_come_from_the_fields_file():
    from indexer.engine import SORTS
    from indexer.engine.fields import load_facets, load_sorts
    from opac.search.facets import FACET_LABELS, FACETS
    from opac.search.service import SORT_LABELS

    facets = load_facets()
    fields = load_fields()
    assert all(fields[f.field].facet for f in facets.values())
    assert FACETS == {name: f.field for name, f in facets.items()}
    assert FACET_LABELS["mesh"] == "Subject (MeSH)" and list(FACETS)[0] == "library"
    assert SORTS == tuple(load_sorts()) == tuple(SORT_LABELS) and SORTS[0] == "relevance"
    assert SORT_LABELS["year_desc"] == "Newest first"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[facet.mesh]\nfield = "title"\nlabel = "MeSH"\n', "not a field with facet = true"),
        ('[facet.mesh]\nfield = "format"\n', "needs field and label"),
    ],
)
def test_a_facet_must_count_a_facet_field_and_have_a_label(tmp_path, table, message):
    from indexer.engine.fields import load_facets

    shipped = (REPO / "schemas" / "fields.toml").read_text()
    (tmp_path / "fields.toml").write_text(shipped.split("[facet.library]")[0] + table)
    with pytest.raises(ConfigError, match=message):
        load_facets(tmp_path)
