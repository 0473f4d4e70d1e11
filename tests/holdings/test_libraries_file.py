"""The consortium's libraries file: loading, validation errors, unknown codes, links."""

from __future__ import annotations

import pytest

from indexer.errors import ConfigError, LibraryCodeError
from indexer.libraries import ADHOC_PRIORITY, Library, load_consortium

EXAMPLE = """
[consortium]
name = "NHS South West Libraries"
code = "SW"

[[library]]
code = "RDE"
name = "Royal Devon and Exeter NHS Foundation Trust Library"
region = "SW"
holdings = "koha952"
encoding = "MARC-8"
opac_link = "https://koha.example.nhs.uk/cgi-bin/koha/opac-detail.pl?biblionumber={record_id}"
proxy = "https://go.openathens.net/redirector/nhs?url="
priority = 1
[library.sites]
RDE-WON = "Wonford Library"

[[library]]
code = "tsd"
name = "Torbay and South Devon Library"
"""


def write(tmp_path, text: str | bytes):
    path = tmp_path / "libraries.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_example_file_loads(tmp_path):
    consortium = load_consortium(write(tmp_path, EXAMPLE))
    assert (consortium.name, consortium.code) == ("NHS South West Libraries", "SW")
    assert list(consortium.libraries) == ["RDE", "TSD"]
    rde = consortium.libraries["RDE"]
    assert (rde.holdings, rde.encoding, rde.priority, rde.region) == ("koha952", "marc-8", 1, "SW")
    assert rde.site_name("RDE-WON") == "Wonford Library"
    assert rde.site_name("RDE-XYZ") == "RDE-XYZ"
    tsd = consortium.libraries["TSD"]  # codes compare in upper case; defaults filled in
    assert (tsd.holdings, tsd.encoding, tsd.opac_link, tsd.proxy) == ("auto", "auto", None, None)


def test_known_and_unknown_codes_resolve(tmp_path):
    consortium = load_consortium(write(tmp_path, EXAMPLE))
    library, known = consortium.resolve("rde")
    assert known and library.name.startswith("Royal Devon")
    stranger, known = consortium.resolve("NDD")
    assert not known
    assert (stranger.code, stranger.holdings, stranger.adhoc) == ("NDD", "auto", True)
    assert stranger.priority == ADHOC_PRIORITY > library.priority
    assert consortium.get("NDD") == stranger
    assert "RDE" in consortium and "NDD" not in consortium
    with pytest.raises(LibraryCodeError, match="letters and digits"):  # a usage error
        consortium.resolve("ND-D")


def test_no_file_means_empty_consortium(tmp_path):
    for path in (None, tmp_path / "absent.toml"):
        consortium = load_consortium(path)
        assert dict(consortium.libraries) == {}
        library, known = consortium.resolve("RDE")
        assert not known and library.holdings == "auto"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('code = "RD-E"\nname = "x"', r"library #1: code 'RD-E' must be letters and digits"),
        ('name = "No code"', r"library #1: code None must be letters and digits"),
        ('code = "RDE"', r"library #1 \(RDE\): name must be a non-empty string"),
        ('code = "RDE"\nname = "x"\nholding = "koha952"', r"\(RDE\): unknown key\(s\) holding"),
        ('code = "RDE"\nname = "x"\nholdings = "koha"', r"\(RDE\): holdings profile 'koha'"),
        ('code = "RDE"\nname = "x"\nencoding = "latin-1"', r"\(RDE\): encoding 'latin-1'"),
        ('code = "RDE"\nname = "x"\nopac_link = "https://opac.example/x"', r"\{record_id\}"),
        ('code = "RDE"\nname = "x"\nproxy = "go.openathens.net"', r"proxy must be an http"),
        ('code = "RDE"\nname = "x"\npriority = "1"', r"priority must be a whole number"),
        ('code = "RDE"\nname = "x"\nsites = { "A B" = "x" }', r"site 'A B'"),
        ('code = "RDE"\nname = "x"\nlocations = { GEN = "" }', r"location 'GEN' needs"),
        ('code = "RDE"\nname = "x"\nlocations = "GEN"', r"locations must be a table"),
    ],
)
def test_invalid_library_entries_name_file_and_entry(tmp_path, entry, message):
    path = write(tmp_path, f"[[library]]\n{entry}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        load_consortium(path)
    assert str(path) in str(caught.value)


LOCATIONS = """
[[library]]
code = "RDE"
name = "Royal Devon"
holdings = "koha952"
[library.locations]
GEN = "Main collection"
sl = "Short loan"

[[library]]
code = "TSD"
name = "Torbay"
holdings = "koha952"

[[library]]
code = "NDD"
name = "North Devon"
holdings = "auto"

[[library]]
code = "PLY"
name = "Plymouth"
holdings = "marc852"
"""


def test_shelving_locations_by_name_from_the_file_then_the_holdings_profile(tmp_path):
    libraries = load_consortium(write(tmp_path, LOCATIONS)).libraries
    rde, tsd, ndd, ply = (libraries[c] for c in ("RDE", "TSD", "NDD", "PLY"))
    # the library's own names first, codes compared in upper case
    assert rde.location_name("GEN") == "Main collection"
    assert rde.location_name("sl") == rde.location_name("SL") == "Short loan"
    # a code the library does not name: the holdings profile's name (Koha's LOC defaults)
    assert rde.location_name("REF") == tsd.location_name("ref") == "Reference"
    assert tsd.location_name("GEN") == "General stacks"
    assert ndd.location_name("GEN") == "General stacks"  # auto: its candidates' names
    # named nowhere: shown as it is
    assert rde.location_name("STORE") == "STORE"
    assert ply.location_name("GEN") == "GEN"
    assert ply.location_name("Main collection") == "Main collection"
    assert rde.location_name(None) == rde.location_name("") == ""


def test_duplicate_code_is_refused(tmp_path):
    text = '[[library]]\ncode = "RDE"\nname = "a"\n[[library]]\ncode = "rde"\nname = "b"\n'
    with pytest.raises(ConfigError, match=r"library #2 \(RDE\): code already used"):
        load_consortium(write(tmp_path, text))


def test_broken_toml_and_stray_sections(tmp_path):
    with pytest.raises(ConfigError, match=r"\.toml:1: the libraries file is not valid TOML"):
        load_consortium(write(tmp_path, "[[library]\ncode = 'X'\n"))
    with pytest.raises(ConfigError, match=r"\.toml:2: unknown top-level key"):
        load_consortium(write(tmp_path, "# a remark\n[libraries]\ncode = 'X'\n"))
    with pytest.raises(ConfigError, match=r"\.toml:3: the libraries file is not UTF-8"):
        load_consortium(write(tmp_path, "[consortium]\nname = 'x'\n\xff\n".encode("latin-1")))


def test_errors_name_the_line_of_the_key_at_fault(tmp_path):
    text = (
        '[consortium]\nname = "SW"\n\n[[library]]\ncode = "RDE"\nname = "a"\n\n'
        '[[library]]\ncode = "TRU"\nname = "b"\n[library.sites]\nTRUA = "A"\n'
        '[library.locations]\nGEN = "General"\n\n[[library]]\ncode = "PLY"\nname = "c"\n'
        'holdings = "kohaa"\n'
    )
    with pytest.raises(ConfigError, match=r"\.toml:19: library #3 \(PLY\): holdings profile"):
        load_consortium(write(tmp_path, text))
    text = text.replace('holdings = "kohaa"', 'holdings = "koha952"').replace(
        'GEN = "General"', 'GEN = ""'
    )
    with pytest.raises(ConfigError, match=r"\.toml:14: library #2 \(TRU\): location 'GEN'"):
        load_consortium(write(tmp_path, text))


def test_openathens_proxy_encodes_target():
    library = Library("RDE", "x", proxy="https://go.openathens.net/redirector/nhs?url=")
    target = "https://www.example.com/journal/article?id=10.1000/182&view=full"
    assert library.proxied(target) == (
        "https://go.openathens.net/redirector/nhs?url="
        "https%3A%2F%2Fwww.example.com%2Fjournal%2Farticle%3Fid%3D10.1000%2F182%26view%3Dfull"
    )
    once = library.proxied(target)
    assert library.proxied(once) == once  # never proxied twice
    assert library.proxied("mailto:library@example.nhs.uk") == "mailto:library@example.nhs.uk"
    assert Library("RDE", "x").proxied(target) == target  # no proxy configured


def test_proxy_template_with_url_placeholder():
    library = Library("RDE", "x", proxy="https://proxy.example.nhs.uk/login?url={url}&auth=sso")
    assert library.proxied("https://a.example/b?c=d") == (
        "https://proxy.example.nhs.uk/login?url=https%3A%2F%2Fa.example%2Fb%3Fc%3Dd&auth=sso"
    )


def test_record_link():
    library = Library("RDE", "x", opac_link="https://opac.example/record/{record_id}?lang=en")
    assert library.record_link("12345") == "https://opac.example/record/12345?lang=en"
    assert library.record_link("a/b c") == "https://opac.example/record/a%2Fb%20c?lang=en"
    assert Library("RDE", "x").record_link("12345") is None


def test_holdings_import_nothing_from_libraries():
    """One way only: the libraries file names holdings profiles, holdings need just a code."""
    import re

    from tests.conftest import REPO

    for path in (REPO / "indexer" / "holdings").glob("*.py"):
        assert not re.search(r"^\s*(from|import) indexer\.libraries", path.read_text(), re.M), path
