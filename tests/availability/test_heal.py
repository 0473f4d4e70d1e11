"""The index heals: after a member's system says a copy the export calls available was lent, the
availability facet and filter agree once the healing has run, readers never wait for it, a load
holding the writer only delays it, and `lantern status` counts it."""

from __future__ import annotations

import dataclasses
import time

import pytest
from click.testing import CliRunner

from indexer.availability.heal import wait_for
from indexer.catalogue.writer import CatalogueWriter
from indexer.engine import SearchRequest, open_engine
from indexer.settings import load_settings
from lantern.cli import main
from opac import create_app
from tests.availability.systems import System


@pytest.fixture
def member():
    system = System("ilsdi")
    yield system
    system.close()


@pytest.fixture
def opac(tmp_path, member):
    """(app, settings, library code): the demo consortium, its last library's system played by
    `member`."""
    from lantern.demo import load_demo

    demo = load_settings(environ={}, data_dir=tmp_path / "instance")
    demo = load_demo(demo, records=200, libraries=2, log=lambda *a: None)
    text = demo.libraries.read_text()
    code = text.rsplit("[[library]]", 1)[1].split('code = "', 1)[1].split('"', 1)[0]
    libraries = tmp_path / "libraries.toml"
    libraries.write_text(
        text + f'\n[library.availability]\nkind = "koha-ilsdi"\nurl = "{member.url}"\n'
    )
    settings = dataclasses.replace(demo, libraries=libraries)
    app = create_app(settings=settings)
    app.extensions["lantern"].healer.every_s = 0.05
    return app, settings, code


def lend_lone_copy(app, member, code: str) -> tuple[str, dict]:
    """(document id, copy): the document's only available copy, of `code`, which the member's
    system now says was lent."""
    for doc in app.extensions["lantern"].engine.scan(None, 1000):
        available = [h for h in doc.get("holdings") or [] if h["status"] == "available"]
        if len(available) == 1 and available[0]["library"] == code and not doc.get("links"):
            copy = available[0]
            if copy.get("item_id"):
                member.statuses[copy["record_id"]] = [
                    {**copy, "status": "on_loan", "due_date": "2026-12-21"}
                ]
                return doc["id"], copy
    pytest.skip("the demo has no document whose only available copy is of that library")


def found(settings, doc_id: str, availability: str) -> bool:
    engine = open_engine(settings)
    try:
        request = SearchRequest(
            filters=(("id", (doc_id,)), ("availability", (availability,))), limit=1
        )
        return engine.search(request).total == 1
    finally:
        engine.close()


def test_the_available_filter_agrees_with_the_live_answer_once_healed(opac, member):
    app, settings, code = opac
    doc_id, _ = lend_lone_copy(app, member, code)
    assert found(settings, doc_id, "available")  # the export's word, before anyone looked
    client = app.test_client()
    assert client.get(f"/api/v1/availability?id={doc_id}").status_code == 200
    healer = app.extensions["lantern"].healer
    assert wait_for(healer, 1)
    assert not found(settings, doc_id, "available")
    assert found(settings, doc_id, "on_loan")
    body = client.get(f"/api/v1/availability?id={doc_id}").get_json()
    assert healer.corrected == 1  # the index agrees now: nothing more to correct
    copies = [i for r in body["records"] for i in r["items"] if i["library"] == code]
    assert any(c["due_date"] == "2026-12-21" for c in copies)
    status = CliRunner().invoke(main, ["status"], env={"LANTERN_DATA_DIR": str(settings.data_dir)})
    assert "Healing: 1 copies corrected in the index from live answers." in status.output
    assert f"{code}: " in status.output and "the export was wrong for 1 " in status.output


def test_a_load_holding_the_writer_delays_the_healing_and_never_a_page(opac, member):
    app, settings, code = opac
    doc_id, _ = lend_lone_copy(app, member, code)
    client = app.test_client()
    healer = app.extensions["lantern"].healer
    with CatalogueWriter.open(settings):  # a load is running
        assert client.get(f"/api/v1/availability?id={doc_id}").status_code == 200
        assert client.get(f"/record/{doc_id}").status_code == 200
        deadline = time.monotonic() + 30
        while healer.busy_turns < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # its turns come and find the writer taken
        assert healer.busy_turns >= 2
        assert healer.corrected == 0
    assert wait_for(healer, 1)  # the next turn after the load writes it
    assert found(settings, doc_id, "on_loan") and not found(settings, doc_id, "available")


def test_an_answer_that_agrees_with_the_index_is_no_correction(opac, member):
    app, settings, code = opac
    doc_id, copy = lend_lone_copy(app, member, code)
    member.statuses[copy["record_id"]] = [copy]  # the system says what the export said
    app.test_client().get(f"/api/v1/availability?id={doc_id}")
    healer = app.extensions["lantern"].healer
    assert healer._pending == {} and healer.corrected == 0
    assert found(settings, doc_id, "available")
