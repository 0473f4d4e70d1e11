"""The spec language: what each form selects from real records, and what it refuses."""

import pytest

from indexer.mapping.spec import SpecError, compile_spec


def values(spec, record, **options):
    return compile_spec(spec, **options).extract(record)


def test_leader_and_control_positions(one_record):
    rec = one_record("openlibrary__reprint_date_wrong_order.mrc")
    assert values("LDR[6]", rec) == ["a"]
    assert values("leader[6-7]", rec) == ["am"]
    assert values("008[7-10]", rec) == ["1873"]
    assert values("008[35-37]", rec) == ["eng"]
    assert values("001", rec) == ["ocn656308391"]


def test_short_008_yields_no_positions_beyond_its_end(one_record):
    rec = one_record("openlibrary__upei_short_008.mrc")
    assert values("008[35-37]", rec) == []
    assert values("008[0-3]", rec) == ["2600"]


def test_subfields_joined_per_field_or_one_per_subfield(find_record):
    rec = find_record("nlnz-pymarc_basics__NLNZ_1000_example_marc.marc", "996277023502836")
    assert values("245anp", rec) == ["The story of wild Will Enderby. Book III, The prospectors /"]
    assert values("245np", rec, each_subfield=True) == ["Book III,", "The prospectors /"]
    assert values("245anp", rec, separator="|") == [
        "The story of wild Will Enderby.|Book III,|The prospectors /"
    ]


def test_indicator_filter_picks_mesh_headings_only(find_record):
    rec = find_record("evergreen__concerto-bibs_etextbooks.extracted.xml", "527338")
    mesh = ["Horse Diseases.", "Horse Diseases", "Communicable Diseases, Emerging"]
    assert values("650|*2|a", rec) == mesh
    assert values("650|#2|a", rec) == mesh  # '#' is how MARC documentation writes a blank
    assert values("650|1*|a", rec) == []
    assert len(values("650a", rec)) == 9


def test_tag_wildcard_covers_every_6xx_in_record_order(find_record):
    rec = find_record("evergreen__concerto-bibs_etextbooks.extracted.xml", "527338")
    found = values("6XXa", rec)
    assert len(found) == 11
    assert found[-2:] == ["Electronic books.", "Library Online Textbooks"]
    assert values("65X|**|a", rec) == found


@pytest.mark.parametrize(
    "bad",
    [
        "24",
        "245[1-2]",
        "008|12|a",
        "LDR[x]",
        "245A",
        "6XX[1]",
        "abc",
        "245|1|a",
        "008[10-7]",
        "00X",
    ],
)
def test_malformed_specs_are_refused(bad):
    with pytest.raises(SpecError):
        compile_spec(bad)
