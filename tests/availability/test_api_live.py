"""The demo consortium with one member's system played by a real server: a copy its export says
is on the shelf but that was lent a minute ago is on loan, with its due date and the time it
was read, in the JSON API and in the ILS-DI answer the Hub asks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from indexer.settings import load_settings
from opac import create_app
from tests.availability.systems import System


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from lantern.demo import load_demo

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("live") / "instance")
    return load_demo(settings, records=200, libraries=2, log=lambda *a: None)


@pytest.fixture(scope="module")
def member():
    system = System("ilsdi")
    yield system
    system.close()


def _last_library(text: str) -> str:
    return text.rsplit("[[library]]", 1)[1].split('code = "', 1)[1].split('"', 1)[0]


@pytest.fixture(scope="module")
def lent(demo, member, tmp_path_factory):
    """(client, document id, item) for a copy the export says is available, which the
    member's system says was lent."""
    text = demo.libraries.read_text()
    code = _last_library(text)
    libraries = tmp_path_factory.mktemp("libs") / "libraries.toml"
    libraries.write_text(
        text + f'\n[library.availability]\nkind = "koha-ilsdi"\nurl = "{member.url}"\n'
    )
    settings = dataclasses.replace(demo, libraries=libraries)
    app = create_app(settings=settings)
    service = app.extensions["lantern"]
    for doc in service.engine.scan(None, 500):
        for h in doc.get("holdings") or []:
            if h["library"] == code and h.get("status") == "available" and h.get("item_id"):
                member.statuses[h["record_id"]] = [
                    {**h, "status": "on_loan", "due_date": "2026-12-21"}
                ]
                return app.test_client(), doc["id"], h
    pytest.skip("the demo has no available item of that library")


def test_the_api_says_on_loan_with_the_due_date_and_when_it_was_read(lent):
    client, doc_id, item = lent
    body = client.get(f"/api/v1/availability?id={doc_id}").get_json()
    [record] = body["records"]
    [copy] = [i for i in record["items"] if i["id"].endswith(":" + item["item_id"])]
    assert copy["status"] == "not available"
    assert copy["due_date"] == "2026-12-21"
    assert copy["source"] == "live" and copy["checked"] is True
    assert copy["as_of"].endswith("Z") and "T" in copy["as_of"]


def test_the_ilsdi_answer_for_the_hub_says_so_too(lent):
    client, doc_id, item = lent
    xml = client.get(f"/ilsdi?service=GetAvailability&id={doc_id}&id_type=bib").get_data(True)
    assert "2026-12-21" in xml and "On loan" in xml


def test_copies_of_a_library_without_a_system_keep_their_export_status_and_its_age(lent):
    client, _, item = lent
    service = client.application.extensions["lantern"]
    doc = next(
        d
        for d in service.engine.scan(None, 500)
        if any(h["library"] != item["library"] for h in d.get("holdings") or [])
    )
    body = client.get(f"/api/v1/availability?id={doc['id']}").get_json()
    others = [i for r in body["records"] for i in r["items"] if i["library"] != item["library"]]
    assert others
    for copy in others:
        assert copy["source"] == "index" and copy["checked"] is True
        assert copy["as_of"].endswith("Z")  # when the library's export was loaded


def test_the_pages_show_the_export_status_with_its_age_and_mark_copies_to_check(lent):
    client, doc_id, item = lent
    page = client.get(f"/record/{doc_id}").get_data(True)
    assert "as of the " in page and " export" in page
    assert f'data-copy="{doc_id}|{item["library"]}|{item["record_id"]}|{item["item_id"]}"' in page
    assert 'id="live-note"' in page and 'aria-live="polite"' in page


def test_availability_now_gives_the_page_each_copy_as_it_is_now(lent):
    client, doc_id, item = lent
    response = client.get(f"/availability/now?id={doc_id}")
    assert response.content_type == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(True).splitlines()]
    assert {line["library"] for line in lines} >= {item["library"]}  # one line per library
    copies = {key: now for line in lines for key, now in line["copies"].items()}
    now = copies[f"{doc_id}|{item['library']}|{item['record_id']}|{item['item_id']}"]
    assert now["status"] == "on_loan" and now["text"] == "On loan (due 2026-12-21)"
    assert now["age"].startswith("checked at ") and now["source"] == "live"
