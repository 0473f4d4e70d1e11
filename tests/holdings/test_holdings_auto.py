"""The auto profile picks the right item layout per record, on each shared file that has one."""

from __future__ import annotations

import pytest

from indexer.holdings import detect_profile, extract_holdings, load_profile
from tests.holdings.holdings_data import shared_records

# (file, item tag, profile auto must choose for records carrying that tag, at least this many)
FILES = [
    ("solrmarc__datos-20161010-ajob.mrc", "952", "koha952", 1),
    ("solrmarc__uva_001_2000.mrc", "999", "sirsi999", 2000),
    ("evergreen__jazz_1k.mrc", "949", "unicorn949", 983),
    ("evergreen__lul_fre_100.mrc", "949", "unicorn949", 100),
    ("evergreen__lul_fre_500.mrc", "949", "unicorn949", 500),
    ("evergreen__hebrew.marc", "945", "iii945", 20),
    ("openlibrary__workshuberthowe00racegoog_meta.mrc", "945", "iii945", 1),
    ("evergreen__nepali.marc", "852", "marc852", 95),
    ("lc-marcedit__marc_sample_data.mrc", "852", "marc852", 89),
]


@pytest.mark.parametrize(("name", "tag", "expected", "at_least"), FILES)
def test_auto_detects_profile_per_file(name, tag, expected, at_least, library):
    records = shared_records(name)
    with_items = [r for r in records if r.get_fields(tag)]
    assert len(with_items) >= at_least
    assert {detect_profile(r) for r in with_items} == {expected}
    auto = load_profile("auto")
    chosen = load_profile(expected)
    for record in with_items[:50]:
        assert extract_holdings(record, auto, library) == extract_holdings(record, chosen, library)


def test_auto_prefers_items_to_summary_852(library):
    # UVA records carry an 852 summary beside their Sirsi 999 items.
    both = [r for r in shared_records("solrmarc__uva_001_2000.mrc") if r.get_fields("852")]
    assert both
    assert {detect_profile(r) for r in both} == {"sirsi999"}


def test_auto_is_not_fooled_by_other_local_fields(library):
    # Koha's 999 $c/$d holds the biblionumber; LoC's 952 holds cataloguers' notes.
    koha_bib = shared_records("marc4j__1474920681_KOHA_LFL_5.xml")[0]
    assert detect_profile(koha_bib) is None
    assert extract_holdings(koha_bib, load_profile("auto"), library) == []
    loc = [r for r in shared_records("processing-marc__loc.mrc") if r.get_fields("952")]
    assert loc and all(detect_profile(r) != "koha952" for r in loc)
    # III bib-level 999 ($b..$g fixed fields) beside 945 items: the 945 wins
    hebrew = shared_records("evergreen__hebrew.marc")
    assert all(r.get_fields("999") for r in hebrew)
    assert {detect_profile(r) for r in hebrew} == {"iii945"}


def test_detect_with_own_candidates():
    record = shared_records("solrmarc__uva_001_2000.mrc")[25]  # has 852 and 999
    assert detect_profile(record, ("marc852", "sirsi999")) == "marc852"
    assert detect_profile(record, ("koha952",)) is None


def test_auto_skips_lookalike_952_and_999():
    # NCCU: OCLC holdings-library 952s ($a $b $p, no itemnumber) beside a real Sirsi 999.
    [nccu] = shared_records("trln__nccu-open_access_restricted_gov.xml")
    assert len(nccu.get_fields("952")) == 10
    assert detect_profile(nccu) == "sirsi999"
    # UNC: III item records in 999 (indicators 91, no library $m) are not Sirsi items.
    unc = shared_records("trln__unc-imprint.xml")
    assert any(f.ind1 == "9" for r in unc for f in r.get_fields("999"))
    assert {detect_profile(r) for r in unc} == {None}


def test_nccu_sirsi_item(library):
    [nccu] = shared_records("trln__nccu-open_access_restricted_gov.xml")
    [item] = extract_holdings(nccu, load_profile("auto"), library)
    assert (item["site"], item["location"], item["call_number"], item["item_id"]) == (
        "LAW",
        "STACKS",
        "K3240 .H8482 2010",
        "3213060120835",
    )
    assert item["status"] == "available"
