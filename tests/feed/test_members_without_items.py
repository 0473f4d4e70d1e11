"""Who holds a title, in the MARC the Hub maps locations from: a member record without items (a
library whose export carries none) still gives one 852 ($a library, $b its site where the
libraries file names one), in the OAI-PMH marc21 harvest and in `lantern export`."""

from __future__ import annotations

import io
from collections import Counter

import pymarc
import pytest
from click.testing import CliRunner
from lxml import etree

from lantern.cli import main
from tests.conftest import libraries_toml, shared

OAI = "{http://www.openarchives.org/OAI/2.0/}"
MARC = "{http://www.loc.gov/MARC21/slim}"
FILES = {  # Sirsi 999 items on most records; the NLNZ records carry no item fields at all
    "UVA": "solrmarc__uva_001-200.mrc",
    "NLNZ": "nlnz-pymarc_basics__NLNZ_100_example_marc.marc",
}


def run(root, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("members")
    paths = {code: shared("marc", name) for code, name in FILES.items()}
    # NLNZ is the file's last library: its one site belongs to it
    toml = libraries_toml("UVA", "NLNZ") + '[library.sites]\nNLNZWEL = "Wellington"\n'
    (root / "libraries.toml").write_text(toml)
    for code, path in paths.items():
        run(root, "load", "-q", "--library", code, str(path))
    return root


@pytest.fixture(scope="module")
def harvested(root) -> list[pymarc.Record]:
    from indexer.settings import load_settings
    from opac import create_app

    settings = load_settings(environ={}, data_dir=root, base_url="https://hub.example.nhs.uk")
    client = create_app(settings=settings, test_config={"TESTING": True}).test_client()
    records, args = [], {"verb": "ListRecords", "metadataPrefix": "marc21"}
    while True:
        doc = etree.fromstring(client.get("/oai", query_string=args).data)
        for marc in doc.iter(f"{MARC}record"):
            records += pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(marc)))
        token = doc.findtext(f".//{OAI}resumptionToken")
        if not token:
            return records
        args = {"verb": "ListRecords", "resumptionToken": token}


def _holders(record: pymarc.Record) -> Counter:
    """Member records by library, from the 035s "(LIB)record_id" the feed writes per member."""
    found = Counter()
    for field in record.get_fields("035"):
        value = field.get("a") or ""
        if value.startswith("(") and not value.startswith("(OCoLC)"):
            found[value[1 : value.index(")")]] += 1
    return found


def _check(records: list[pymarc.Record]) -> None:
    assert len(records) > 250
    without_items = 0
    for record in records:
        libraries = {f.get("a") for f in record.get_fields("852")}
        assert libraries == set(_holders(record)), record["001"]
        for field in record.get_fields("852"):
            if field.get("a") == "NLNZ":
                assert field.get("b") == "NLNZWEL" and field.get("p") is None
                without_items += 1
            elif len(field.subfields) == 2:  # a UVA record without items: no site known
                assert field.get("b") is None
    assert without_items >= 90


def test_every_harvested_record_names_every_library_holding_it(harvested):
    _check(harvested)


def test_the_export_names_them_too(root, tmp_path):
    out = tmp_path / "hub.mrc"
    run(root, "export", "--format", "marc21", str(out))
    with out.open("rb") as fh:
        _check(list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True)))
