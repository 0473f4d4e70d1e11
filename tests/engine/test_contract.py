"""One contract for every engine, on the same hand-written catalogue.

Runs against Tantivy always; against OpenSearch when LANTERN_OPENSEARCH_URL is set (skipped
with that reason otherwise); and against osmem-server, an in-memory OpenSearch-compatible fake,
under the `osmem` mark (its passing says the client paths and DSL work, not that OpenSearch
ranks the same). Only engine-neutral facts are asserted: which ids match, known-item order,
counts, facet buckets, sort order, paging, writes after commit, scan order, batch reads,
rebuilds; never scores.
"""

import os
import uuid

import pytest

from indexer.engine import SearchRequest
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.engine.opensearch.lease import lease_index
from indexer.engine.tantivy.engine import TantivyEngine
from indexer.engine.tantivy.indexdir import ensure_live_index
from tests.engine.catalogue import CATALOGUE, by_id, make_doc

OPENSEARCH_URL = os.environ.get("LANTERN_OPENSEARCH_URL", "")
ENGINES = [
    "tantivy",
    pytest.param(
        "opensearch",
        marks=pytest.mark.skipif(
            not OPENSEARCH_URL, reason="LANTERN_OPENSEARCH_URL is not set: no OpenSearch here"
        ),
    ),
    pytest.param("osmem", marks=pytest.mark.osmem),
]


class Backend:
    """Opens writable engines of one kind and cleans up after them."""

    def __init__(self, kind: str, tmp_path_factory):
        self.kind = kind
        self.tmp = tmp_path_factory
        self.server = None
        self.aliases: list[str] = []
        if kind == "osmem":
            osmem_server = pytest.importorskip("osmem_server")
            self.server = osmem_server.OsmemServer.start()

    def writer(self):
        if self.kind == "tantivy":
            # The layout open_engine(settings) makes: a link to a directory beside it.
            path = ensure_live_index(self.tmp.mktemp("contract") / "index")
            return TantivyEngine(path, writer=True, heap_size=20_000_000, threads=1)
        alias = f"lantern-contract-{uuid.uuid4().hex[:8]}"
        self.aliases.append(alias)
        return OpenSearchEngine(self.url, writer=True, index=alias, batch_size=10)

    def reader(self, writer):
        """Another reader of the index `writer` writes, as a web process would open it."""
        if self.kind == "tantivy":
            return TantivyEngine(writer.path)
        return OpenSearchEngine(self.url, index=writer.alias)

    @property
    def url(self) -> str:
        return self.server.url if self.server else OPENSEARCH_URL

    def close(self, engine) -> None:
        if self.kind != "tantivy":
            for name in [*engine.indexes_behind_alias(), lease_index(engine.alias)]:
                engine.client.indices.delete(index=name, ignore_unavailable=True)
        engine.close()

    def stop(self) -> None:
        if self.server:
            self.server.close()


@pytest.fixture(scope="module", params=ENGINES)
def backend(request, tmp_path_factory):
    backend = Backend(request.param, tmp_path_factory)
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def loaded(backend):
    engine = backend.writer()
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    yield engine
    backend.close(engine)


def search(engine, text="", **kwargs):
    return engine.search(SearchRequest(text=text, **kwargs))


def ids(result):
    return [h.id for h in result.hits]


def counts(result, field):
    return {v.value: v.count for v in result.facets[field]}


# --- known items ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, first",
    [
        ("clinical medicine", "kumar"),
        ("medicine", "medicine"),
        ("oxford handbook of clinical medicine", "ohcm"),
        ("oxford handbook", "ohcm"),
        ("the lancet", "lancet"),
        ("gray's anatomy", "anatomy"),
        ("cafe society and public health", "cafe"),
        ("978-0-19-852663-6", "oxtext"),
        ("0198526636", "oxtext"),
        ("9780306406157", "pharmacy"),  # indexed as ISBN-10 only
        ("0140-6736", "lancet"),
    ],
)
def test_known_item_first(loaded, query, first):
    assert ids(search(loaded, query))[0] == first


def test_unstemmed_above_stemmed(loaded):
    nursing, nurse = ids(search(loaded, "nursing")), ids(search(loaded, "nurse"))
    assert nursing.index("hbnursing") < nursing.index("hbnurse")
    assert nurse.index("hbnurse") < nurse.index("hbnursing")


# --- which records match -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ('"clinical medicine"', {"kumar", "ohcm"}),
        ("diabetes OR asthma", {"diabetes", "asthma"}),
        ("author:kumar", {"kumar", "rheum", "pathology"}),
        ("title:kumar", {"festschrift"}),
        ("year:2018", {"davidson", "surgery", "psych"}),
        ("pharmac*", {"clinpharm", "pharmacy"}),
        ("callnumber:WB115*", {"ohcm"}),
        ("covid-19", {"covid"}),
        ("muller", {"cafe"}),
        ("issn:1357-3039", {"medicine"}),
        ("zebra", set()),
    ],
)
def test_matching_records(loaded, query, expected):
    assert set(ids(search(loaded, query, limit=50))) == expected


def test_all_words_must_match_somewhere(loaded):
    # "clinical" in the title, "kumar" in the author: one record has both, across fields.
    assert set(ids(search(loaded, "clinical kumar", limit=50))) == {"kumar"}
    assert "clinpharm" in ids(search(loaded, "clinical medicine", limit=50))


def test_exclusion_and_relaxed_fallback(loaded):
    result = search(loaded, "medicine -oxford", limit=50)
    assert result.total > 0 and not {"ohcm", "oxtext"} & set(ids(result))
    relaxed = search(loaded, "diabetes zebra")
    assert relaxed.relaxed and ids(relaxed) == ["diabetes"]


def test_prefer_library_first(loaded):
    scoped = ids(search(loaded, "medicine", limit=50, prefer_library="LIBC"))
    held = [i for i in scoped if "LIBC" in by_id(i)["library"]]
    assert held and scoped[: len(held)] == held


# --- facets, filters, sorting, paging ------------------------------------------------------


def test_facet_counts_match_the_catalogue(loaded):
    result = search(loaded, facets=("library", "format", "year"), limit=0, facet_size=50)
    expected = {}
    for doc in CATALOGUE:
        for lib in doc["library"]:
            expected[lib] = expected.get(lib, 0) + 1
    assert result.total == len(CATALOGUE)
    assert counts(result, "library") == expected
    assert [(v.value, v.count) for v in result.facets["format"]] == [
        ("Book", 22),
        ("Journal", 4),
        ("E-book", 3),
        ("Leaflet", 1),
    ]
    assert counts(result, "year")["2018"] == 3


@pytest.mark.parametrize("text", ["", "medicine", "clinical OR nursing"])
def test_facet_counts_equal_filtered_totals(loaded, text):
    result = search(loaded, text, facets=("format", "library", "availability"), limit=0)
    for field in ("format", "library", "availability"):
        for value in result.facets[field]:
            narrowed = search(loaded, text, filters=((field, (value.value,)),), limit=0)
            assert narrowed.total == value.count, (field, value)


def test_multi_select_facets(loaded):
    unfiltered = search(loaded, "medicine", facets=("format", "language"), limit=0)
    filtered = search(
        loaded,
        "medicine",
        filters=(("format", ("Journal",)),),
        facets=("format", "language"),
        limit=50,
    )
    assert counts(filtered, "format") == counts(unfiltered, "format")
    assert sum(counts(filtered, "language").values()) == filtered.total
    assert all(by_id(h.id)["format"] == "Journal" for h in filtered.hits)


def test_or_within_and_across_filters(loaded):
    both = search(
        loaded, filters=(("format", ("Book", "E-book")), ("library", ("LIBC",))), limit=50
    )
    expected = {
        d["id"] for d in CATALOGUE if d["format"] in ("Book", "E-book") and "LIBC" in d["library"]
    }
    assert set(ids(both)) == expected and both.total == len(expected)
    result = search(
        loaded, excludes=(("library", ("LIBB",)),), year_from=2015, year_to=2018, limit=50
    )
    assert set(ids(result)) == {
        d["id"]
        for d in CATALOGUE
        if "LIBB" not in d["library"] and 2015 <= d.get("year", 0) <= 2018
    }


@pytest.mark.parametrize("sort, reverse", [("year_desc", True), ("year_asc", False)])
def test_sort_by_year(loaded, sort, reverse):
    years = [h.display.get("year") for h in search(loaded, sort=sort, limit=50).hits]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated, reverse=reverse) and len(dated) == len(CATALOGUE) - 1
    assert years[-1] is None


def test_paging(loaded):
    whole = ids(search(loaded, sort="title", limit=50))
    pages = []
    for offset in range(0, 35, 7):
        pages += ids(search(loaded, sort="title", offset=offset, limit=7))
    assert pages == whole and len(whole) == len(CATALOGUE)
    relevance = ids(search(loaded, "medicine", limit=50))
    assert ids(search(loaded, "medicine", offset=3, limit=4)) == relevance[3:7]


def test_scan_in_id_order(loaded):
    seen, after = [], None
    while batch := loaded.scan(after, 8):
        seen += [d["id"] for d in batch]
        after = seen[-1]
    assert seen == sorted(d["id"] for d in CATALOGUE)
    assert loaded.get("lancet")["title"] == "The Lancet"


# --- writes ------------------------------------------------------------------------------


def test_upserts_and_deletes_visible_after_commit(backend):
    engine = backend.writer()
    try:
        engine.upsert(CATALOGUE, new=True)
        engine.commit()
        engine.upsert([make_doc("kumar", "Zoology for clinicians", year=2024)])
        engine.delete(["lancet"])
        engine.commit()
        assert engine.count() == len(CATALOGUE) - 1
        assert ids(search(engine, "lancet")) == []
        assert ids(search(engine, "zoology")) == ["kumar"]
        assert "kumar" not in ids(search(engine, '"clinical medicine"'))
    finally:
        backend.close(engine)


def test_get_many_is_get_for_many_ids(loaded):
    found = loaded.get_many(["lancet", "ohcm", "not-there", "lancet"])
    assert found == {"lancet": loaded.get("lancet"), "ohcm": loaded.get("ohcm")}
    assert loaded.get_many([]) == {}


# --- rebuilds ----------------------------------------------------------------------------


def written(backend):
    engine = backend.writer()
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    return engine, backend.reader(engine)


def test_a_rebuild_is_seen_only_when_it_is_finished(backend):
    engine, reader = written(backend)
    try:
        engine.begin_rebuild()
        engine.upsert([*CATALOGUE[:5], make_doc("zoo", "Zoology for clinicians")], new=True)
        engine.commit()
        for view in (engine, reader):  # searches keep the live index until the swap
            assert view.count() == len(CATALOGUE)
            assert ids(search(view, "zoology")) == [] and view.get("lancet") is not None
        engine.finish_rebuild()
        for view in (engine, reader):
            assert view.count() == 6
            assert ids(search(view, "zoology")) == ["zoo"] and view.get("lancet") is None
        engine.upsert([make_doc("later", "Tropical medicine")])
        engine.commit()  # writes after the rebuild go to the new live index
        assert reader.get("later")["title"] == "Tropical medicine"
    finally:
        reader.close()
        backend.close(engine)


def test_an_aborted_rebuild_leaves_the_live_index_untouched(backend):
    engine, reader = written(backend)
    try:
        engine.begin_rebuild()
        engine.upsert([make_doc("zoo", "Zoology for clinicians")], new=True)
        engine.commit()
        engine.abort_rebuild()
        for view in (engine, reader):
            assert view.count() == len(CATALOGUE) and ids(search(view, "zoology")) == []
        engine.upsert([make_doc("kumar", "Zoology for clinicians")])
        engine.commit()  # the live index takes writes again
        assert ids(search(reader, "zoology")) == ["kumar"]
    finally:
        reader.close()
        backend.close(engine)


def test_a_record_with_huge_fields_is_indexed_found_and_highlighted(backend):
    """Notes concatenated across a cluster's members can pass a million characters (over
    OpenSearch's index.highlight.max_analyzed_offset), a garbled facet value Lucene's
    32,766-byte term limit: the record is still indexed, found and shown."""
    huge = make_doc(
        "huge", "Proceedings of the anaesthesia congress", notes="anaesthesia " * 100_000
    )
    huge["subject_facet"] = ["y" * 40_000]
    engine, reader = written(backend)
    try:
        engine.upsert([huge])
        engine.commit()
        found = reader.search(SearchRequest("anaesthesia congress", highlight=True))
        assert ids(found) == ["huge"]
        assert "<mark>" in found.hits[0].highlights.get("title", "")
    finally:
        reader.close()
        backend.close(engine)


def test_explain_says_why_each_result_scored(loaded):
    """Engines with EXPLAIN: an explanation per result found, with the result's score and the
    field that matched; ids not found are left out. Others: skipped."""
    from indexer.engine.base import EXPLAIN

    if EXPLAIN not in loaded.capabilities:
        pytest.skip(f"{loaded.name} does not offer EXPLAIN")
    request = SearchRequest(text="clinical medicine")
    result = loaded.search(request)
    why = loaded.explain(request, [*ids(result), "no-such-id"])
    assert set(why) == set(ids(result))
    for hit in result.hits:
        assert why[hit.id].matched
        assert why[hit.id].score == pytest.approx(hit.score, rel=1e-3)
        assert any("matched 'clinical'" in line for line in why[hit.id].lines)
