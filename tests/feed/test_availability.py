"""ILS-DI GetAvailability in Koha's DLF 1.1 shape, and its JSON twin, for a whole results page."""

from __future__ import annotations

import pytest
from lxml import etree

from indexer.engine import open_engine

DLF = "{http://diglib.org/ilsdi/1.1}"


@pytest.fixture(scope="module")
def client(catalogue):
    from opac import create_app

    return create_app(settings=catalogue, test_config={"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def docs(catalogue) -> list[dict]:
    return open_engine(catalogue).scan(None, 2000)


def pick(docs, wanted: str) -> dict:
    """A document whose copies are all in one state (or an e-book with no copies)."""
    for d in docs:
        states = {h["status"] for h in d["holdings"]}
        if wanted == "online" and not d["holdings"] and d.get("links"):
            return d
        if states == {wanted}:
            return d
    raise AssertionError(f"no document with copies all {wanted}")


def test_get_availability_answers_a_results_page_in_one_request(client, docs):
    available, on_loan, online = (
        pick(docs, "available"),
        pick(docs, "on_loan"),
        pick(docs, "online"),
    )
    ids = [available["id"], on_loan["id"], online["id"], "NOPE.404"]
    response = client.get(
        "/ilsdi", query_string={"service": "GetAvailability", "id": " ".join(ids), "id_type": "bib"}
    )
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{DLF}collection"
    records = root.findall(f"{DLF}record")
    assert [r.find(f"{DLF}bibliographic").get("id") for r in records] == ids
    status = {
        r.find(f"{DLF}bibliographic").get("id"): r.findtext(
            f"{DLF}simpleavailability/{DLF}availabilitystatus"
        )
        for r in records
    }
    assert status == {
        available["id"]: "available",
        on_loan["id"]: "not available",
        online["id"]: "available",
        "NOPE.404": "unknown",
    }
    first = records[0]
    items = first.findall(f"{DLF}items/{DLF}item")
    assert len(items) == len(available["holdings"])
    simple = items[0].find(f"{DLF}simpleavailability")
    assert simple.findtext(f"{DLF}availabilitystatus") == "available"
    holding = available["holdings"][0]
    assert simple.findtext(f"{DLF}location").startswith(holding["site_name"])
    loaned = records[1].find(f"{DLF}items/{DLF}item/{DLF}simpleavailability")
    assert loaned.findtext(f"{DLF}availabilitymsg").startswith("On loan")


def test_item_ids_from_the_bib_answer_can_be_asked_for_directly(client, docs):
    doc = pick(docs, "on_loan")
    item_id = f"{doc['id']}:{doc['holdings'][0]['item_id']}"
    response = client.get(
        "/ilsdi",
        query_string={
            "service": "GetAvailability",
            "id": f"{item_id}+{doc['id']}:nope",
            "id_type": "item",
        },
    )
    root = etree.fromstring(response.data)
    found = [
        i.findtext(f"{DLF}simpleavailability/{DLF}availabilitystatus")
        for i in root.iter(f"{DLF}item")
    ]
    assert found == ["not available", "unknown"]


def test_json_twin_says_the_same(client, docs):
    doc = pick(docs, "available")
    body = client.get("/api/v1/availability", query_string={"id": doc["id"]}).get_json()
    assert body["ok"] and body["records"][0]["status"] == "available"
    assert len(body["records"][0]["items"]) == len(doc["holdings"])
    assert body["records"][0]["items"][0]["call_number"] == doc["holdings"][0]["call_number"]


@pytest.mark.parametrize(
    "query",
    [
        {"service": "GetRecords", "id": "X.1"},
        {"service": "GetAvailability", "id": ""},
        {"service": "GetAvailability", "id": "X.1", "id_type": "isbn"},
        {"service": "GetAvailability", "id": " ".join(f"X.{n}" for n in range(201))},
    ],
)
def test_bad_requests_are_refused_with_a_reason(client, query):
    response = client.get("/ilsdi", query_string=query)
    assert response.status_code == 400
    assert etree.fromstring(response.data).tag == "error"
    if query.get("service") == "GetAvailability":
        json = client.get("/api/v1/availability", query_string=query)
        assert json.status_code == 400 and json.get_json()["ok"] is False
