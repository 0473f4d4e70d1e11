"""What the libraries file says about visiting and reaching a library or site: the keys a
library's page shows, and the errors a librarian sees when one is wrong."""

from __future__ import annotations

import pytest

from indexer.errors import ConfigError
from indexer.libraries import load_consortium
from tests.holdings.test_libraries_file import EXAMPLE, write

DETAILED = """
[[library]]
code = "RDE"
name = "Royal Devon and Exeter Healthcare Library"
opac_link = "https://opac.rde.example.nhs.uk/record/{record_id}"
address = ["Wonford Hospital, Barrack Road", "Exeter EX2 5DW"]
hours = ["Staffed Monday to Friday, 8:30 to 17:00", "Open 24 hours with an NHS ID badge"]
phone = "01632 960101 ext. 4"
email = "library@rde.example.nhs.uk"
website = "https://library.rde.example.nhs.uk/"
request_url = "https://library.rde.example.nhs.uk/request"
ask_url = "mailto:library@rde.example.nhs.uk"
[library.sites]
RDEWON = "Wonford Library"
[library.sites.RDENDD]
name = "North Devon District Hospital Library"
address = "Raleigh Park\\nBarnstaple EX31 4JB"
hours = { "Monday to Thursday" = "9:00 to 17:00", "Friday" = "9:00 to 16:30" }
"""


def test_a_library_and_its_sites_say_where_they_are_and_how_to_reach_them(tmp_path):
    rde = load_consortium(write(tmp_path, DETAILED)).libraries["RDE"]
    assert rde.details.address == ("Wonford Hospital, Barrack Road", "Exeter EX2 5DW")
    assert rde.details.hours[0] == ("", "Staffed Monday to Friday, 8:30 to 17:00")
    assert not rde.details.hours_table
    assert rde.details.phone_link == "tel:01632960101"
    assert rde.details.ask_url == "mailto:library@rde.example.nhs.uk"
    # No `catalogue` key: its own catalogue is the site of its record links.
    assert rde.catalogue_home == "https://opac.rde.example.nhs.uk/"
    assert rde.sites == {
        "RDEWON": "Wonford Library",
        "RDENDD": "North Devon District Hospital Library",
    }
    north = rde.details_of("RDENDD")
    assert north.address == ("Raleigh Park", "Barnstaple EX31 4JB")
    assert north.hours_table and north.hours[1] == ("Friday", "9:00 to 16:30")
    assert rde.details_of("RDEWON") == rde.details  # no details of its own: the library's


def test_old_files_stay_valid_with_no_details(tmp_path):
    consortium = load_consortium(write(tmp_path, EXAMPLE))
    rde = consortium.libraries["RDE"]
    assert not rde.details and rde.site_details == {}
    assert rde.catalogue_home == "https://koha.example.nhs.uk/"
    assert consortium.libraries["TSD"].catalogue_home is None


def test_sites_are_found_by_code_across_the_consortium(tmp_path):
    consortium = load_consortium(write(tmp_path, DETAILED))
    assert [(lib.code, site) for lib, site in consortium.sites_named("rdendd")] == [
        ("RDE", "RDENDD")
    ]
    assert consortium.sites_named("NOPE") == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('phone = "call us"', r"\(RDE\): phone 'call us' must be a telephone number"),
        ('email = "library at rde"', r"\(RDE\): email 'library at rde' must be an email"),
        ('website = "library.example.nhs.uk"', r"\(RDE\): website must be an http\(s\) URL"),
        ('ask_url = "mailto:nobody"', r"ask_url must be an http\(s\) URL or a mailto: address"),
        ('catalogue = "mailto:a@b.uk"', r"catalogue must be an http\(s\) URL$"),
        ("address = []", r"address must have 1 to 12 non-empty lines"),
        ("address = 12", r"address must be a string or a list of strings"),
        ('hours = { "Monday" = 9 }', r"hours: 'Monday' needs its times as text"),
        ('sites = { W = { address = "x" } }', r"site 'W' needs a code .* and a name"),
        ('sites = { W = { name = "W", fax = "1" } }', r"site W: unknown key\(s\) fax"),
        ('sites = { W = { name = "W", phone = "x" } }', r"\(RDE\): site W: phone 'x' must be"),
    ],
)
def test_wrong_details_name_the_library_and_key(tmp_path, entry, message):
    path = write(tmp_path, f'[[library]]\ncode = "RDE"\nname = "x"\n{entry}\n')
    with pytest.raises(ConfigError, match=message) as caught:
        load_consortium(path)
    assert str(path) in str(caught.value)


def test_every_key_of_the_libraries_file_is_documented_in_the_readme():
    from pathlib import Path

    from indexer.libraries import _LIBRARY_KEYS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Loading your own library's export", 1)[1].split("2. Load", 1)[0]
    written = {key for key in _LIBRARY_KEYS if f"\n   {key} = " in example}
    tables = {"sites", "locations", "availability", "fulltext"}
    assert _LIBRARY_KEYS - written == tables
    assert all(f"[library.{table}]" in example for table in tables)
