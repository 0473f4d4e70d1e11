"""The most asked searches are answered ahead of readers after each commit: once for every
process, only for the index version they were made for, and never at the cost of a search."""

from __future__ import annotations

import dataclasses
import fcntl
import time

import pytest

from indexer.engine.tantivy.engine import TantivyEngine
from indexer.engine.tantivy.warmed import WARMED_FILE
from indexer.settings import load_settings
from opac import create_app
from opac.search.service import SearchParams, open_search_service
from opac.search.warming import LOCK_FILE, warm_now, warm_requests

ASKED = ["asthma", "asthma", "asthma", "nursing", "nursing", "diabetes"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from lantern.demo import load_demo

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("warm") / "instance")
    settings = load_demo(settings, records=300, libraries=2, log=lambda *a: None)
    app = create_app(settings=settings)
    client = app.test_client()
    for q in ASKED:  # readers' searches, into the search log
        assert client.get("/search", query_string={"q": q}).status_code == 200
    client.get("/search", query_string={"q": "asthma", "filter": "format:Book"})  # filtered
    app.extensions["lantern"].search_log.flush()
    return settings


@pytest.fixture
def service(loaded):
    (loaded.data_dir / WARMED_FILE).unlink(missing_ok=True)
    return open_search_service(loaded)


def test_the_blank_search_and_the_most_asked_are_answered_ahead(loaded, service):
    kept, seconds = warm_now(service, loaded)
    assert kept == 4  # the blank search, asthma, nursing, diabetes (the filtered one is not)
    assert seconds >= 0
    engine = service.engine
    assert engine.warmed_version() == engine.version()
    for request in warm_requests(service, ["asthma", "nursing", "diabetes"]):
        answered = engine._warmed.get(engine.version(), request)
        assert answered == engine._search_now(request)  # the same answer as searched now
    assert warm_now(service, loaded) is None  # done for this version already


def test_most_asked_first_and_no_more_than_asked_for(loaded, service):
    fewer = dataclasses.replace(loaded, warm_searches=2)  # the blank search and one more
    assert warm_now(service, fewer)[0] == 2
    asthma = warm_requests(service, ["asthma"])[1]
    nursing = warm_requests(service, ["nursing"])[1]
    engine = service.engine
    assert engine._warmed.get(engine.version(), asthma) is not None
    assert engine._warmed.get(engine.version(), nursing) is None


def test_a_commit_makes_the_answers_out_of_date_until_answered_again(loaded, service):
    warm_now(service, loaded)
    engine = service.engine
    before = engine.version()
    request = warm_requests(service, ["asthma"])[1]
    total = engine.search(request).total
    writer = TantivyEngine(loaded.index_dir, writer=True, heap_size=50_000_000, threads=1)
    added = {**engine.search(request).hits[0].display, "id": "newasthma", "title": "Asthma now"}
    writer.upsert([{"id": "newasthma", "title": "Asthma now", "display": added}])
    writer.commit()
    try:
        assert engine.version() != before
        assert engine._warmed.get(engine.version(), request) is None
        assert engine.search(request).total == total + 1  # the commit shows at once
        kept, _ = warm_now(service, loaded)
        assert kept == 4 and engine.warmed_version() == engine.version()
        assert engine.search(request).total == total + 1
    finally:
        writer.delete(["newasthma"])
        writer.commit()
        writer.close()


def test_one_process_answers_them_while_it_holds_the_lock(loaded, service):
    with open(loaded.data_dir / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert warm_now(service, loaded) is None  # another process is at it
    assert warm_now(service, loaded) is not None


def test_a_damaged_file_of_answers_never_fails_a_search(loaded, service):
    (loaded.data_dir / WARMED_FILE).write_bytes(b"not a database at all" * 100)
    fresh = open_search_service(loaded)
    page = fresh.search(SearchParams(q="asthma"))
    assert page["total"] > 0
    kept, _ = warm_now(fresh, loaded)  # a lost head start: the file is started again
    assert kept == 4
    assert fresh.search(SearchParams(q="asthma"))["total"] == page["total"]
    asthma = warm_requests(fresh, ["asthma"])[1]
    assert fresh.engine._warmed.get(fresh.engine.version(), asthma) is not None


def test_warming_is_off_with_warm_searches_0(loaded):
    off = dataclasses.replace(loaded, warm_searches=0)
    service = open_search_service(off)
    assert warm_now(service, off) is None
    assert service.engine._warmed is None


def test_a_serving_process_answers_them_once_the_version_stays(loaded, monkeypatch):
    from opac.search import warming
    from opac.server import serving_app

    monkeypatch.setattr(warming, "POLL_S", 0.05)
    (loaded.data_dir / WARMED_FILE).unlink(missing_ok=True)
    app = serving_app(loaded)
    engine = app.extensions["lantern"].engine
    for _ in range(200):
        if engine.warmed_version() == engine.version():
            break
        time.sleep(0.05)
    app.extensions["lantern_warmer"].stop()
    assert engine.warmed_version() == engine.version()
    assert app.test_client().get("/search?q=asthma").status_code == 200
