"""Control characters in a library's export reach no output: a real record given a \\x01 in its
260 $b and a real KBART title given one are clean in the MARCXML and MARC downloads, RIS,
BibTeX, the record page, the API and the OAI-PMH feed (they are taken out once, as the records
are mapped)."""

from __future__ import annotations

import pymarc
import pytest
from click.testing import CliRunner
from lxml import etree

from lantern.cli import main
from tests.conftest import shared, write_libraries

BROKER = "openlibrary__diebrokeradical400poll_meta.mrc"  # 260 $b HarperBusiness
KBART = "ezpaarse-platforms__AIP_GLOBAL_ALLEBOOKS_2026-01-01.txt"
CONTROLS = ("\x01", "\x1b", "\x0b")


def _record_with_a_control_in_260b(path):
    with shared("marc", BROKER).open("rb") as fh:
        record = next(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
    field = record["260"]
    field["b"] = field["b"].replace("Harper", "Harper\x01")
    path.write_bytes(record.as_marc())
    return path


def _kbart_with_a_control_in_a_title(path):
    header, first, *_ = shared("kbart", KBART).read_text(encoding="utf-8").splitlines()
    cells = first.split("\t")
    cells[0] = cells[0].replace("Solar", "Solar\x01\x1b", 1)
    path.write_text(header + "\n" + "\t".join(cells) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("controls")
    write_libraries(root / "libraries.toml", "EXE", "TRU")
    marc = _record_with_a_control_in_260b(root / "broker.mrc")
    kbart = _kbart_with_a_control_in_a_title(root / "list.txt")
    runner = CliRunner()
    for args in (
        ["load", "-q", "--library", "EXE", str(marc)],
        ["load", "-q", "--library", "TRU", "--format", "kbart", str(kbart)],
    ):
        result = runner.invoke(main, ["--data-dir", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def client(loaded):
    from indexer.settings import load_settings
    from opac import create_app

    settings = load_settings(environ={}, data_dir=loaded, base_url="https://opac.example.nhs.uk")
    return create_app(settings=settings, test_config={"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def doc_ids(client):
    results = client.get("/api/v1/search?q=").get_json()["results"]
    assert len(results) == 2
    return sorted(r["id"] for r in results)


def _clean(data: bytes, where: str) -> None:
    text = data.decode("utf-8")
    found = [c for c in CONTROLS if c in text or f"\\u{ord(c):04x}" in text.lower()]
    assert not found, f"{where} carries {found!r}"


def test_the_marcxml_download_is_well_formed_and_clean(client, doc_ids):
    for doc_id in doc_ids:
        response = client.get(f"/record/{doc_id}/export/xml")
        assert response.status_code == 200
        record = etree.fromstring(response.data)  # raises when not well-formed
        _clean(response.data, f"{doc_id}.xml")
        assert record is not None
    publishers = [
        s.text
        for s in etree.fromstring(client.get(f"/record/{doc_ids[0]}/export/xml").data).iter(
            "{http://www.loc.gov/MARC21/slim}subfield"
        )
        if s.get("code") == "b" and s.getparent().get("tag") == "264"
    ]
    assert publishers in (["HarperBusiness"], [])


@pytest.mark.parametrize("fmt", ["mrc", "ris", "bib"])
def test_the_other_downloads_are_clean(client, doc_ids, fmt):
    for doc_id in doc_ids:
        response = client.get(f"/record/{doc_id}/export/{fmt}")
        assert response.status_code == 200
        _clean(response.data, f"{doc_id}.{fmt}")


def test_the_record_page_the_api_and_the_feed_are_clean(client, doc_ids):
    for doc_id in doc_ids:
        for url in (f"/record/{doc_id}", f"/api/v1/records/{doc_id}"):
            response = client.get(url)
            assert response.status_code == 200, url
            _clean(response.data, url)
    _clean(client.get("/api/v1/search?q=").data, "the search API")
    _clean(client.get("/search?q=").data, "the results page")
    harvest = client.get("/oai?verb=ListRecords&metadataPrefix=marc21")
    etree.fromstring(harvest.data)
    _clean(harvest.data, "the OAI-PMH harvest")


def test_the_record_keeps_its_words(client, doc_ids):
    """Only the control characters go: the title and publisher read as they should."""
    found = client.get("/api/v1/search?q=HarperBusiness").get_json()
    assert found["total"] == 1
    found = client.get("/api/v1/search", query_string={"q": "Synthetic Solar Irradiance"})
    assert found.get_json()["results"][0]["title"].startswith("Synthetic Solar Irradiance")
