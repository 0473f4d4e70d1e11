"""Every request the OpenSearch engine sends, checked without a server: the real opensearch-py
client serialises each one onto a recording connection (tests/engine/opensearch_wire.py), and
each body is validated against the OpenSearch REST API specification in ../shared/data."""

import copy
import dataclasses
import json

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.engine.opensearch.bulk import BulkWriter
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.engine.opensearch.query import MULTI_WORD_PREFIX_EXPANSIONS
from indexer.errors import EngineError, EngineUnavailableError, RequestError
from tests.conftest import shared
from tests.engine.catalogue import CATALOGUE
from tests.engine.openapi_spec import SPEC_NAME, ApiSpec, load_spec
from tests.engine.opensearch_wire import FakeCluster

QUERIES = [
    "clinical medicine",
    "9780198526636",
    "pharmac*",
    "callnumber:WB115*",
    '"clinical medicine" -oxford',
    "diabetes OR asthma year:2010-2020",
    "title:handbook author:kumar",
    "anaemia in children",  # a synonym rule widens it
    "covid-19",
    "",
]


@pytest.fixture(scope="module")
def api(request, tmp_path_factory):
    path = shared("schemas", SPEC_NAME)
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    folder = cache.mkdir("opensearch-openapi") if cache else tmp_path_factory.mktemp("spec")
    return ApiSpec(load_spec(path, folder))


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def writer(cluster):
    engine = OpenSearchEngine(
        "http://fake:9200", writer=True, client=cluster.client(), batch_size=12, backoff=0
    )
    yield engine
    engine.close()


def exercise(engine):
    """Every kind of request: index creation, bulk, refresh, searches, scans, rebuild."""
    engine.upsert(CATALOGUE, new=True)
    engine.delete(["lancet"])
    engine.commit()
    for text in QUERIES:
        engine.search(
            SearchRequest(
                text=text,
                filters=(("format", ("Book", "E-book")), ("year", ("2018",))),
                excludes=(("language", ("French",)),),
                year_from=2000,
                facets=("format", "library", "year"),
                facet_sizes=(("library", 5),),
                highlight=True,
                prefer_library="LIBA",
            )
        )
    for sort in ("year_desc", "year_asc", "title", "author"):
        engine.search(SearchRequest(sort=sort, offset=20, limit=10))
    engine.search(SearchRequest(text="medicine", limit=0, facets=("availability",)))
    engine.scan(None, 10)
    engine.scan("ohcm", 10)
    engine.count()
    engine.get("kumar")
    engine.get_many(["kumar", "ohcm", "not-there"])
    engine.suggest("oxford hand")
    engine.begin_rebuild()
    engine.upsert(CATALOGUE[:3], new=True)
    engine.finish_rebuild()
    engine.begin_rebuild()
    engine.abort_rebuild()
    engine.close()  # gives the writer lease up
    stalled = OpenSearchEngine(
        "http://fake:9200", writer=True, client=engine.client, lease_seconds=0
    )
    taker = OpenSearchEngine("http://fake:9200", writer=True, client=engine.client)  # takes over
    stalled.close()
    taker.close()


def test_every_request_conforms_to_the_api_spec(api, cluster, writer):
    exercise(writer)
    groups = set()
    problems = []
    for req in cluster.requests:
        op = api.operation(req.method, req.path)
        groups.add(op.group)
        body = req.ndjson() if op.ndjson else req.json()
        problems += [f"{req.method} {req.path}: {e}" for e in api.errors(op, body)]
    assert problems == []
    assert {
        "indices.create",
        "indices.update_aliases",
        "bulk",
        "indices.refresh",
        "search",
        "count",
        "indices.delete",
        "info",
        "create",
        "get",
        "index",
        "delete",
    } <= groups


@pytest.mark.parametrize(
    "path, value",
    [
        (("query", "bool", "must", 0, "bool", "must", 0, "multi_match", "type"), "cross_field"),
        (("query", "bool", "must", 0, "bool", "must", 0, "multi_match", "tie_breakr"), 0.2),
        (("aggs", "format", "aggs", "values", "terms", "size"), "twenty"),
        (("post_filter", "bool", "filter"), {"terms": "Book"}),
        (("sort", 0), {"year": {"order": "down"}}),
    ],
)
def test_the_spec_check_catches_a_wrong_search(api, cluster, writer, path, value):
    writer.search(
        SearchRequest(
            text="clinical medicine", filters=(("format", ("Book",)),), facets=("format",)
        )
    )
    req = cluster.of_kind("_search")[0]  # then the fuzzy and relaxed retries
    body = copy.deepcopy(req.json())
    assert api.errors(api.operation("POST", req.path), body) == []
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert api.errors(api.operation("POST", req.path), body)


def test_the_spec_check_catches_a_wrong_index_definition(api, cluster, writer):
    (create,) = [r for r in cluster.requests if r.path == "/lantern-v0"]
    body = create.json()
    body["mappings"]["properties"]["title"]["type"] = "txet"
    assert api.errors(api.operation("PUT", create.path), body)


def core_of(cluster, nth=0):
    return cluster.of_kind("_search")[nth].json()["query"]["bool"]["must"][0]


def test_each_word_is_a_dis_max_over_the_fields_and_their_twins_all_required(cluster, writer):
    """As Tantivy: per word the best field counts (plus tie_breaker of the others), stemmed
    fields and unstemmed twins alike; never cross_fields' blended, grouped statistics."""
    writer.search(SearchRequest(text="clinical medicine"))
    words = core_of(cluster)["bool"]["must"]
    assert [w["multi_match"]["query"] for w in words] == ["clinical", "medicine"]
    for word in words:
        match = word["multi_match"]
        assert match["type"] == "best_fields" and match["tie_breaker"] == 0.2
        assert "title^10" in match["fields"] and "title.unstemmed^15" in match["fields"]
    assert "cross_fields" not in json.dumps(cluster.of_kind("_search")[0].json())


def test_one_word_prefix_is_uncapped_and_several_words_have_a_larger_cap(cluster, writer):
    writer.search(SearchRequest(text="hist*"))
    (word,) = core_of(cluster)["bool"]["must"]
    per_field = word["dis_max"]["queries"]
    assert {"match_bool_prefix": {"title": {"query": "hist", "boost": 10.0}}} in per_field
    assert {"match_bool_prefix": {"title.unstemmed": {"query": "hist", "boost": 15.0}}} in (
        per_field
    )
    assert "max_expansions" not in json.dumps(word)
    asked = len(cluster.of_kind("_search"))
    writer.search(SearchRequest(text="heart-fail*"))  # one word of two tokens, then a star
    (words,) = core_of(cluster, asked)["bool"]["must"]
    assert words["multi_match"]["type"] == "phrase_prefix"
    assert words["multi_match"]["max_expansions"] == MULTI_WORD_PREFIX_EXPANSIONS > 50
    writer.suggest("hist")
    writer.suggest("history of nurs")
    one, author, _, several, _, _ = [r.json()["query"] for r in cluster.of_kind("_search")[-6:]]
    assert one["bool"]["must"] == [{"match_bool_prefix": {"title.unstemmed": {"query": "hist"}}}]
    assert author == {"match_bool_prefix": {"author": {"query": "hist"}}}
    (title,) = several["bool"]["must"]
    assert title["match_phrase_prefix"]["title.unstemmed"]["max_expansions"] > 50


@pytest.mark.parametrize("typed, edits", [("nursingg", 1), ("physiologgy", 2), ("cardiac", 1)])
def test_typos_allowed_are_worked_out_from_the_word_as_typed(cluster, writer, typed, edits):
    """ "nursingg" stems to "nursingg" but "nursing" to "nurs": OpenSearch's AUTO would allow
    no edit on a 4-letter stem; Tantivy counts the typed letters, and so does this."""
    writer.search(SearchRequest(text=typed))  # nothing found, no such word: typos allowed
    searches = [r.json() for r in cluster.of_kind("_search")]
    (fuzzy,) = [b for b in searches if "fuzziness" in json.dumps(b)]
    (word,) = fuzzy["query"]["bool"]["must"][0]["bool"]["must"]
    assert word["multi_match"]["fuzziness"] == edits
    assert "AUTO" not in json.dumps(searches)


def test_facets_count_without_their_own_filter_and_hits_obey_all(cluster, writer):
    writer.search(
        SearchRequest(
            filters=(("format", ("Book",)), ("library", ("LIBA", "LIBB"))),
            facets=("format", "library", "language"),
        )
    )
    body = cluster.of_kind("_search")[0].json()
    book = {"terms": {"format": ["Book"]}}
    libs = {"terms": {"library": ["LIBA", "LIBB"]}}
    assert body["post_filter"] == {"bool": {"filter": [book, libs]}}
    assert body["aggs"]["format"]["filter"] == {"bool": {"filter": [libs]}}
    assert body["aggs"]["library"]["filter"] == {"bool": {"filter": [book]}}
    assert body["aggs"]["language"]["filter"] == {"bool": {"filter": [book, libs]}}
    assert body["track_total_hits"] is True


def test_a_view_scope_filters_the_query_so_every_facet_obeys_it(cluster, writer):
    writer.search(
        SearchRequest(
            within=(("library", ("LIBC",)),),
            filters=(("library", ("LIBB",)),),
            facets=("library",),
        )
    )
    body = cluster.of_kind("_search")[0].json()
    assert body["query"]["bool"]["filter"] == [{"terms": {"library": ["LIBC"]}}]
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"library": ["LIBB"]}}]}}


def test_bulk_batches_and_refresh_only_at_commit(cluster, writer):
    writer.upsert(CATALOGUE[:25])
    writer.delete(["kumar"])
    bulks = cluster.of_kind("_bulk")
    assert len(bulks) == 2  # 24 of 26 actions sent in batches of 12, the rest wait
    assert not cluster.of_kind("_refresh")
    writer.commit()
    bulks = cluster.of_kind("_bulk")
    assert [len(b.ndjson()) for b in bulks] == [24, 24, 3]
    assert bulks[-1].ndjson()[-1] == {"delete": {"_id": "kumar"}}
    assert all("refresh" not in b.params for b in bulks)
    assert cluster.requests[-1].kind == "_refresh"


def test_rebuild_moves_the_alias_in_one_call_and_drops_the_old_index_after(cluster, writer):
    (old,) = writer.indexes_behind_alias()
    new = writer.begin_rebuild()
    writer.upsert(CATALOGUE, new=True)
    assert cluster.indexes[old] == {"lantern"}  # readers still on the old index
    writer.finish_rebuild()
    swaps = [r for r in cluster.requests if r.path == "/_aliases"]
    assert swaps[-1].json() == {
        "actions": [
            {"remove": {"index": old, "alias": "lantern"}},
            {"add": {"index": new, "alias": "lantern"}},
        ]
    }
    order = [(r.method, r.path) for r in cluster.requests]
    assert order.index(("DELETE", f"/{old}")) > order.index(("POST", "/_aliases"), 1)
    assert set(cluster.indexes) == {new, "lantern-writer"} and new > old
    assert all(b.path == f"/{new}/_bulk" for b in cluster.of_kind("_bulk"))


def test_writes_to_the_alias_require_it_and_a_rebuild_writes_to_its_own_index(cluster, writer):
    writer.upsert(CATALOGUE[:2])
    writer.commit()
    new = writer.begin_rebuild()
    writer.upsert(CATALOGUE[:2], new=True)
    writer.finish_rebuild()
    to_alias, to_new = cluster.of_kind("_bulk")
    assert (to_alias.path, to_alias.params.get("require_alias")) == ("/lantern/_bulk", "true")
    assert to_new.path == f"/{new}/_bulk" and "require_alias" not in to_new.params


def test_bulk_retries_429_and_503_with_growing_backoff(cluster):
    waits = []
    bulk = BulkWriter(
        cluster.client(), "lantern", batch_size=100, retries=4, backoff=0.5, sleep=waits.append
    )
    cluster.fail_next("_bulk", 429)
    cluster.fail_next("_bulk", 503)
    cluster.fail_next("_bulk", ("items", 429))
    for doc in CATALOGUE[:3]:
        bulk.add({"index": {"_id": doc["id"]}}, {"id": doc["id"]})
    bulk.flush()
    assert waits == [0.5, 1.0, 2.0]
    assert len(cluster.of_kind("_bulk")) == 4


def test_bulk_gives_up_as_an_outage_and_reports_bad_documents(cluster):
    bulk = BulkWriter(cluster.client(), "lantern", retries=2, backoff=0, sleep=lambda s: None)
    for _ in range(3):
        cluster.fail_next("_bulk", ("items", 429))
    bulk.add({"index": {"_id": "a"}}, {"id": "a"})
    with pytest.raises(EngineUnavailableError, match="overloaded"):
        bulk.flush()
    cluster.fail_next("_bulk", ("items", 400))
    bulk.add({"index": {"_id": "b"}}, {"id": "b"})
    with pytest.raises(EngineError, match="refused 1 documents"):
        bulk.flush()


@pytest.mark.parametrize(
    "failure, error",
    [
        ("connection", EngineUnavailableError),
        (503, EngineUnavailableError),
        (500, EngineUnavailableError),
        (404, EngineUnavailableError),
        (400, EngineError),  # a body we built wrong: ours to fix, not the caller's
    ],
)
def test_an_outage_is_an_error_never_zero_results(cluster, failure, error):
    engine = OpenSearchEngine("http://fake:9200", client=cluster.client())
    cluster.fail_next("_search", failure)
    with pytest.raises(error) as raised:
        engine.search(SearchRequest(text="medicine"))
    assert not isinstance(raised.value, RequestError)
    cluster.fail_next("_count", failure)
    with pytest.raises(error):
        engine.count()


def test_a_reader_cannot_write(cluster):
    engine = OpenSearchEngine("http://fake:9200", client=cluster.client())
    with pytest.raises(EngineError, match="read-only"):
        engine.upsert(CATALOGUE[:1])


def test_open_engine_reads_the_opensearch_settings_only(settings):
    """LANTERN_ENGINE=opensearch opens the cluster at LANTERN_OPENSEARCH_URL; Tantivy's
    writer threads, memory and facet cache are no options of this engine."""
    from indexer.errors import ConfigError

    chosen = dataclasses.replace(
        settings, engine="opensearch", opensearch_url="http://search.example:9200"
    )
    engine = open_engine(chosen)
    assert (engine.name, engine.url, engine.alias) == (
        "opensearch",
        chosen.opensearch_url,
        "lantern",
    )
    engine.close()
    with pytest.raises(TypeError):
        OpenSearchEngine(chosen.opensearch_url, threads=2)
    with pytest.raises(ConfigError, match="LANTERN_OPENSEARCH_URL"):
        open_engine(dataclasses.replace(chosen, opensearch_url=""))


def test_mesh_searches_conform_to_the_api_spec(api, cluster, tmp_path):
    """mesh:"X", its explode and an entry term widened to its heading, with a vocabulary."""
    from indexer.mesh.importer import import_mesh
    from tests.mesh.conftest import HEART

    import_mesh(HEART, tmp_path / "mesh.sqlite")
    engine = OpenSearchEngine(
        "http://fake:9200", writer=True, client=cluster.client(), mesh_path=tmp_path / "mesh.sqlite"
    )
    for text in ('mesh:"Heart Diseases"', 'mesh:"Heart Diseases"+', "heart attack nursing"):
        engine.search(SearchRequest(text=text, facets=("subject_mesh_facet",)))
    engine.search(SearchRequest(text='mesh:"heart disorders"', explode=True))
    engine.close()
    searches = [r for r in cluster.requests if r.path.endswith("/_search")]
    bodies = [str(r.json()) for r in searches]
    assert any("'terms': {'mesh_tree': ['C14.280']}" in b for b in bodies)
    assert any("'term': {'mesh_id': 'D006331'}" in b for b in bodies)
    assert any("'term': {'mesh_id': 'D009203'}" in b for b in bodies)  # heart attack
    problems = []
    for req in searches:
        problems += api.errors(api.operation(req.method, req.path), req.json())
    assert problems == []
