"""Engine.browse_terms on both engines: a shelf and an index of names read in order from any
point, both ways, live documents only, within a view; the same answers from Tantivy and from
the OpenSearch engine (against osmem-server, a fake, under the `osmem` mark)."""

from __future__ import annotations

import pytest

from indexer.shelf.callnumber import shelf_key
from indexer.shelf.terms import (
    author_terms,
    heading,
    shelf_entry,
    shelf_scope,
    shelf_terms,
)
from tests.engine.catalogue import make_doc
from tests.engine.test_contract import ENGINES, Backend

CLASSES = ("QS", "QV", "W", "WB", "WG", "WM", "WZ")


def _doc(n: int) -> dict:
    """Title n: at RDE under one class mark, at TRU (every third title) under another."""
    rde = f"{CLASSES[n % len(CLASSES)]} {n * 7 % 900 + 1} .A{n}"
    places = [("RDE", rde)] + ([("TRU", f"WX {n}")] if n % 3 == 0 else [])
    doc = make_doc(
        f"d{n:04d}",
        f"Title {n}",
        authors=(f"Author {n % 40:02d}, Ann",),
        libraries=tuple(lib for lib, _ in places),
    )
    doc["shelf"] = shelf_terms(doc["id"], places)
    doc["author_browse"] = author_terms(doc["author"])
    return doc


DOCS = [_doc(n) for n in range(400)]


def _expected_shelf(library: str) -> list[tuple[str, str]]:
    places = []
    for doc in DOCS:
        for term in doc["shelf"]:
            entry = shelf_entry(term)
            if entry.library == library and entry.scheme == "nlm":
                places.append((entry.key, entry.doc_id))
    return sorted(places)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    backend = Backend(request.param, tmp_path_factory)
    writer = backend.writer()
    writer.upsert(DOCS, new=True)
    writer.commit()
    yield writer
    backend.close(writer)
    backend.stop()


def _page(engine, library, start, size, before=False):
    terms = engine.browse_terms("shelf", shelf_scope(library, "nlm"), start, size, before=before)
    assert all(count == 1 for _, count in terms)
    return [(e.key, e.doc_id) for e in (shelf_entry(t) for t, _ in terms)]


@pytest.mark.parametrize("library", ["RDE", "TRU", None])
def test_a_shelf_reads_in_call_number_order_from_any_point_both_ways(engine, library):
    shelf = _expected_shelf(library or "*")
    start = shelf_key("WG 120")
    at = next(i for i, (key, _) in enumerate(shelf) if key >= start)
    assert _page(engine, library, start, 15) == shelf[at : at + 15]
    assert _page(engine, library, start, 15, before=True) == shelf[max(0, at - 15) : at]
    assert _page(engine, library, "", 1000) == shelf  # the whole shelf, across every block
    assert _page(engine, library, "~", 5) == []  # past the end
    assert _page(engine, library, "", 5, before=True) == []  # before the start


def test_a_title_stands_on_each_library_shelf_at_that_library_call_number(engine):
    assert (shelf_key("WX 3"), "d0003") in _page(engine, "TRU", shelf_key("WX 3"), 1)
    rde = _page(engine, "RDE", shelf_key("WB 22 .A3"), 1)
    assert rde == [(shelf_key("WB 22 .A3"), "d0003")]


def test_names_are_counted_within_a_view(engine):
    names = engine.browse_terms("author_browse", "", "author 05", 3)
    assert [(heading(t).text, n) for t, n in names] == [
        ("Author 05, Ann", 10),
        ("Author 06, Ann", 10),
        ("Author 07, Ann", 10),
    ]
    at_tru = engine.browse_terms("author_browse", "", "author 05", 2, within=(("library", "TRU"),))
    held = [d["author"][0] for d in DOCS if "TRU" in d["library"]]
    assert [(heading(t).text, n) for t, n in at_tru] == [
        ("Author 05, Ann", held.count("Author 05, Ann")),
        ("Author 06, Ann", held.count("Author 06, Ann")),
    ]
    before = engine.browse_terms("author_browse", "", "author 05", 2, before=True)
    assert [heading(t).text for t, _ in before] == ["Author 03, Ann", "Author 04, Ann"]


def test_a_changed_or_deleted_title_leaves_the_shelf_at_once(engine):
    moved = dict(DOCS[7], shelf=shelf_terms("d0007", [("RDE", "QS 1")]))
    engine.upsert([moved])
    engine.delete(["d0014"])
    engine.commit()
    try:
        page = _page(engine, "RDE", "", 1000)
        assert (shelf_key("QS 1"), "d0007") in page
        assert not [doc for _, doc in page if doc == "d0014"]
        assert len([doc for _, doc in page if doc == "d0007"]) == 1
    finally:
        engine.upsert([DOCS[7], DOCS[14]])
        engine.commit()


@pytest.mark.parametrize("start", ["", "\x00", "\x1e\x1f", "~~~", "é" * 300, "WG 00120\x1f"])
def test_any_starting_point_is_answered(engine, start):
    for before in (False, True):
        assert isinstance(_page(engine, "RDE", start, 5, before), list)
