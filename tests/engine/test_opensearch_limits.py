"""Long fields and cluster settings: a record with a huge field is still found and shown,
replicas as configured, facet ordinals built ahead, the BM25 the boosts were weighed against."""

import dataclasses

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.engine.fields import load_fields
from indexer.engine.opensearch.body import MAX_HIGHLIGHT_CHARS
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.engine.opensearch.mapping import index_body, similarity_for
from tests.engine.catalogue import CATALOGUE
from tests.engine.opensearch_wire import FakeCluster

LUCENE_MAX_TERM_BYTES = 32_766
INDEX_MAX_ANALYZED_OFFSET = 1_000_000  # index.highlight.max_analyzed_offset's default


def test_no_keyword_value_can_exceed_lucenes_term_limit_and_facets_load_ahead():
    fields = load_fields()
    mapped = index_body(fields)["mappings"]["properties"]
    for name, f in fields.items():
        if f.type == "keyword":
            assert mapped[name]["ignore_above"] * 4 <= LUCENE_MAX_TERM_BYTES, name
            assert mapped[name].get("eager_global_ordinals", False) == f.facet, name


def test_highlighting_is_capped_below_the_index_limit():
    assert 0 < MAX_HIGHLIGHT_CHARS < INDEX_MAX_ANALYZED_OFFSET
    cluster = FakeCluster()
    engine = OpenSearchEngine("http://fake:9200", client=cluster.client())
    engine.search(SearchRequest("medicine", highlight=True))
    body = cluster.of_kind("_search")[0].json()
    assert body["highlight"]["max_analyzer_offset"] == MAX_HIGHLIGHT_CHARS


@pytest.mark.parametrize(
    "version, pinned", [("2.19.1", None), ("3.0.0", "LegacyBM25"), ("3.2.0-SNAPSHOT", "LegacyBM25")]
)
def test_opensearch_3_keeps_the_bm25_the_boosts_were_weighed_against(version, pinned):
    assert similarity_for(version) == pinned
    body = index_body(load_fields(), similarity=similarity_for(version))
    assert body["settings"]["index"].get("similarity") == (
        {"default": {"type": pinned}} if pinned else None
    )


@pytest.mark.osmem
def test_replicas_come_from_the_setting_at_every_rebuild(osmem, settings):
    chosen = dataclasses.replace(
        settings, engine="opensearch", opensearch_url=osmem.url, opensearch_replicas=2
    )
    with open_engine(chosen, writer=True) as writer:
        writer.begin_rebuild()
        writer.upsert(CATALOGUE[:2], new=True)
        writer.finish_rebuild()
        (live,) = writer.indexes_behind_alias()
        got = writer.client.indices.get_settings(index=live)[live]["settings"]["index"]
        assert int(got["number_of_replicas"]) == 2
