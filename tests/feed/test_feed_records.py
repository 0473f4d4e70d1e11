"""Feed records from real catalogue records: MARCXML and oai_dc valid, binary MARC re-readable,
and control characters from real exports never reach the XML."""

from __future__ import annotations

import dataclasses
import io

import pymarc
import pytest
from lxml import etree

from indexer.marc.from_document import record_from_document
from indexer.marc.writer import to_iso2709, to_marc_json, to_marcxml
from indexer.settings import load_settings
from tests.conftest import shared, write_libraries
from tests.feed.conftest import BASE_URL, quiet_load

OAI = "{http://www.openarchives.org/OAI/2.0/}"
MARC = "{http://www.loc.gov/MARC21/slim}"
HOSTILE = "Bad\x00 title\x1b with\x0b controls\x1f and\x1e delimiters\ud800\ufffe & <tags>"


@pytest.fixture(scope="module")
def real_catalogue(tmp_path_factory):
    """200 UVA records with Sirsi items and 100 Evergreen records (51 with 856 links)."""
    uva = shared("marc", "solrmarc__uva_001-200.mrc")
    concerto = shared("marc", "evergreen__concerto-bibs_concerto.extracted.xml")
    root = tmp_path_factory.mktemp("real")
    write_libraries(root / "libraries.toml", "UVA", "EVG")
    settings = load_settings(environ={}, data_dir=root, workers=0, base_url=BASE_URL)
    quiet_load(settings, "UVA", [uva])
    quiet_load(settings, "EVG", [concerto])
    return settings


def test_every_real_record_validates_in_both_formats_over_all_pages(real_catalogue, validate):
    from opac import create_app

    client = create_app(settings=real_catalogue, test_config={"TESTING": True}).test_client()
    for prefix in ("marc21", "oai_dc"):
        args = {"verb": "ListRecords", "metadataPrefix": prefix}
        count = 0
        while True:
            doc = validate(client.get("/oai", query_string=args).data)
            count += len(doc.findall(f".//{OAI}record"))
            token = doc.findtext(f".//{OAI}resumptionToken")
            if not token:
                break
            args = {"verb": "ListRecords", "resumptionToken": token}
        assert count >= 250
    doc = validate(
        client.get(
            "/oai",
            query_string={"verb": "ListRecords", "metadataPrefix": "marc21", "set": "library:EVG"},
        ).data
    )
    links = doc.findall(f".//{MARC}datafield[@tag='856']/{MARC}subfield[@code='u']")
    assert links and all(u.text.startswith("https://ezproxy.example.nhs.uk/") for u in links)
    doc = validate(
        client.get(
            "/oai",
            query_string={"verb": "ListRecords", "metadataPrefix": "marc21", "set": "library:UVA"},
        ).data
    )
    assert doc.findall(f".//{MARC}datafield[@tag='852']/{MARC}subfield[@code='h']")


def test_a_record_with_control_characters_stays_well_formed(real_catalogue, validate, tmp_path):
    """A real record whose title and a holding were given control characters, loaded for real."""
    from opac import create_app

    with open(shared("marc", "solrmarc__uva_001-200.mrc"), "rb") as fh:
        record = next(r for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True) if r)
    record["001"].data = "CTRL1"
    record["245"]["a"] = "Control\x0b characters\x1b[0m in\x07 the title"
    path = tmp_path / "ctrl.mrc"
    path.write_bytes(record.as_marc())
    settings = dataclasses.replace(real_catalogue)
    quiet_load(settings, "UVA", [path])
    client = create_app(settings=settings, test_config={"TESTING": True}).test_client()
    for prefix in ("marc21", "oai_dc"):
        response = client.get(
            "/oai",
            query_string={
                "verb": "GetRecord",
                "metadataPrefix": prefix,
                "identifier": "oai:hub.example.nhs.uk:UVA.CTRL1",
            },
        )
        doc = validate(response.data)
        text = "".join(doc.itertext())
        assert "Control characters[0m in the title" in text


def test_hostile_text_is_stripped_from_xml_and_binary_marc(validate):
    display = {
        "id": "LIB.1",
        "title": HOSTILE,
        "format": "Book",
        "year": 2020,
        "authors": [
            {"name": "Smith, Jo\x1b", "role": ["author"], "type": "personal", "main": True}
        ],
        "holdings": [
            {
                "library": "LIB",
                "site": "S\x1d1",
                "location": "GEN",
                "call_number": "WB\x1f 100",
                "item_id": "1",
                "status": "on_loan",
                "due_date": "2026-02-01",
            }
        ],
        "links": [
            {
                "url": "https://x.org/a?b=1&c=2",
                "label": "Online",
                "kind": "fulltext",
                "access": [{"library": "LIB", "url": "https://x.org/a?b=1&c=2"}],
            }
        ],
    }
    record = record_from_document(display, org_code="T", datestamp=1_700_000_000)
    xml = to_marcxml(record)
    parsed = etree.fromstring(xml.encode("utf-8"))
    title = parsed.findtext(f"{MARC}datafield[@tag='245']/{MARC}subfield[@code='a']")
    assert title == "Bad title with controls and delimiters & <tags>"
    binary = to_iso2709(record)
    reread = next(iter(pymarc.MARCReader(io.BytesIO(binary), to_unicode=True, force_utf8=True)))
    assert reread["245"]["a"] == title
    assert reread["852"]["h"] == "WB 100" and reread["852"]["z"] == "On loan, due 2026-02-01"
    assert reread["856"]["u"] == "https://x.org/a?b=1&c=2"
    assert int(reread.leader[:5]) == len(binary) and reread.leader[9] == "a"
    assert to_marc_json(record)["fields"][0] == {"001": "LIB.1"}


def test_binary_records_over_the_size_limits_still_reread(validate):
    holdings = [
        {
            "library": "BIG",
            "site": "MAIN",
            "location": "GEN",
            "call_number": "W" * 50,
            "item_id": f"{n:08d}",
            "status": "available",
        }
        for n in range(2000)
    ]
    display = {"id": "BIG.1", "title": "Long " * 4000, "format": "Book", "holdings": holdings}
    binary = to_iso2709(record_from_document(display, datestamp=0))
    assert len(binary) <= 99999
    reread = next(iter(pymarc.MARCReader(io.BytesIO(binary), to_unicode=True, force_utf8=True)))
    assert reread is not None and reread["001"].data == "BIG.1"
    assert len(reread["245"]["a"].encode()) < 9999
