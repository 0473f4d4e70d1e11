"""A real library's shelf: the University of Virginia records (Sirsi 999 items, LC call numbers)
loaded as they come; its LC shelf, read page after page, is every copy's call number in shelf
order, and each title's neighbours on its record page are the ones beside it on that shelf."""

from __future__ import annotations

import pytest

from indexer.load.runner import load_library
from indexer.shelf.callnumber import scheme_of, shelf_key
from opac.search.browse import shelf_places
from opac.search.service import open_search_service
from tests.conftest import shared


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from indexer.settings import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("uva") / "instance")
    records = shared("marc", "solrmarc__uva_001-200.mrc")
    load_library(settings, "UVA", [records], workers=0, progress=False, log=lambda *a: None)
    return open_search_service(settings)


def _records(service) -> list[dict]:
    found, after = [], None
    while batch := service.engine.scan(after, 100):
        found += batch
        after = batch[-1]["id"]
    return found


def _walk(service, scheme: str) -> list[tuple[str, str]]:
    seen, page = [], service.browse.shelf(scheme, library="UVA")
    while True:
        seen += [(e["call_number"], e["id"]) for e in page.entries]
        if not page.next:
            return seen
        page = service.browse.shelf(scheme, library="UVA", after=page.next)


def test_a_real_lc_shelf_walks_every_copy_in_shelf_order(service):
    # Copies of one title whose call numbers differ only in spacing ("PS3507 .U6228 Z465 1984",
    # "PS3507 U6228Z465 1984") stand at one place on the shelf.
    places = sorted(
        {
            (shelf_key(cn, "lc"), r["id"])
            for r in _records(service)
            for _, cn in shelf_places(r)
            if scheme_of(cn) == "lc"
        }
    )
    assert len(places) > 100
    assert [(shelf_key(cn, "lc"), doc) for cn, doc in _walk(service, "lc")] == places


def test_a_real_record_shows_the_titles_beside_it(service):
    shelf = _walk(service, "lc")
    doc_id = shelf[len(shelf) // 2][1]
    (near,) = [s for s in service.browse.near(service.record(doc_id)) if s["scheme"] == "lc"][:1]
    at = next(i for i, (_, d) in enumerate(shelf) if d == doc_id)
    ids = [e["id"] for e in near["entries"]]
    assert ids == [d for _, d in shelf[at - 3 : at + 4]]


def test_an_engine_outage_is_a_503_on_every_browse_page_not_an_empty_shelf(tmp_path):
    import shutil

    from indexer.settings import load_settings
    from opac import create_app

    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    records = shared("marc", "solrmarc__uva_001-200.mrc")
    load_library(settings, "UVA", [records], workers=0, progress=False, log=lambda *a: None)
    client = create_app(settings=settings).test_client()
    assert client.get("/browse/shelf?scheme=lc").status_code == 200
    shutil.rmtree(settings.index_dir.resolve())
    for path in ("/browse/shelf?scheme=lc", "/browse/author", "/api/v1/browse/subject"):
        assert client.get(path).status_code == 503, path
