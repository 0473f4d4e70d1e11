"""The record page's MARC downloads (.mrc, .xml) are the record OAI-PMH serves as marc21 for the
same document: same leader, same fields and subfields, the consortium's 003 and library codes."""

from __future__ import annotations

import io

import pymarc
import pytest
from lxml import etree

from tests.feed.conftest import HOST, holders_852

OAI = "{http://www.openarchives.org/OAI/2.0/}"
MARC = "{http://www.loc.gov/MARC21/slim}"


@pytest.fixture(scope="module")
def client(catalogue):
    from opac import create_app

    return create_app(settings=catalogue, test_config={"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def documents(catalogue):
    """A held title with the most copies, an e-book with proxied links, and a few others."""
    from indexer.engine import open_engine

    engine = open_engine(catalogue)
    try:
        docs = engine.scan(None, 1000)
    finally:
        engine.close()
    held = max(docs, key=lambda d: len(d["holdings"]))
    online = next(d for d in docs if d.get("links") and d["links"][0]["access"])
    return [held, online, *docs[:20]]


def _content(record: pymarc.Record) -> tuple:
    """Leader without its lengths (ISO 2709 computes them, XML leaves them as written) and every
    field with its indicators and subfields, in order."""
    leader = str(record.leader)
    fields = tuple(
        (f.tag, f.data)
        if f.is_control_field()
        else (f.tag, f.indicator1, f.indicator2, tuple((s.code, s.value) for s in f.subfields))
        for f in record.fields
    )
    return leader[5:12] + leader[17:], fields


def _oai_marc21(client, doc_id: str) -> pymarc.Record:
    response = client.get(
        "/oai",
        query_string={
            "verb": "GetRecord",
            "metadataPrefix": "marc21",
            "identifier": f"oai:{HOST}:{doc_id}",
        },
    )
    marc = etree.fromstring(response.data).find(
        f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{MARC}record"
    )
    return pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(marc)))[0]


def test_record_page_marc_downloads_are_the_oai_marc21_record(client, documents, catalogue):
    from indexer.libraries import load_consortium

    consortium = load_consortium(catalogue.libraries)
    for display in documents:
        doc_id = display["id"]
        mrc = client.get(f"/record/{doc_id}/export/mrc")
        xml = client.get(f"/record/{doc_id}/export/xml")
        assert mrc.status_code == xml.status_code == 200
        binary = next(pymarc.MARCReader(mrc.data, to_unicode=True, force_utf8=True))
        downloaded = pymarc.parse_xml_to_array(io.BytesIO(xml.data))[0]
        harvested = _oai_marc21(client, doc_id)
        assert _content(binary) == _content(downloaded) == _content(harvested)
        assert binary.leader[9] == "a" and int(binary.leader[:5]) == len(mrc.data)
        assert binary["001"].data == doc_id and binary["003"].data == consortium.code
        # Every copy at its library's code (not its name), as the Hub matches them.
        assert [f["a"] for f in binary.get_fields("852")] == holders_852(display)
