"""856 links: only plain http(s) URLs survive, labelled and sorted into full text / related."""

import pytest

from indexer.mapping.macros import clean_url
from indexer.marc.record import Field, MarcRecord


def test_two_urls_in_one_856_give_two_links(mapper, one_record):
    links = mapper.map(one_record("openlibrary__ithaca_two_856u.mrc"))["links"]
    assert [link["url"] for link in links] == [
        "http://bibpurl.oclc.org/web/240",
        "http://www.statistics.gov.uk/statbase/Product.asp?vlnk=5703",
    ]
    assert {link["label"] for link in links} == {"2000-2001"}  # from $3
    assert {link["kind"] for link in links} == {"fulltext"}  # second indicator 1


def test_trailing_space_is_stripped_and_hostname_is_the_last_resort_label(mapper, one_record):
    links = mapper.map(one_record("openlibrary__talis_856.mrc"))["links"]
    assert links[1]["url"] == "http://www.us-israel.org/jsource/myths/cover.html"
    assert links[1]["label"] == "www.us-israel.org"


def test_label_from_y_note_from_z_materials_from_3(mapper, one_record):
    (link,) = mapper.map(one_record("trln__ncsu-multiple-856-notes.xml"))["links"]
    assert link["label"] == "View resource online (NCSU only)"
    assert link["note"] == "Gale Cengage Learning"
    assert link["materials"].startswith("Gale Cengage Learning, Smithsonian Collections Online")
    assert link["kind"] == "fulltext"


def test_empty_subfields_give_none_not_empty_strings(mapper, one_record):
    (link,) = mapper.map(one_record("trln__ncsu-empty-856-notes.xml"))["links"]
    assert link["note"] is None and link["materials"] is None


def test_related_resource_links_and_repeated_urls(mapper, one_record):
    # Three 856 42 fields with one finding-aid URL: one related link.
    links = mapper.map(one_record("trln__ncsu-multi-findingaid-856.xml"))["links"]
    assert len(links) == 1
    assert links[0]["kind"] == "related"
    assert links[0]["label"] == "View NCSU Libraries' online guide"


def test_table_of_contents_link_is_related_and_unsafe_urls_are_dropped(mapper):
    record = MarcRecord(
        leader="00000nam a2200000 a 4500",
        fields=[
            Field(
                "856",
                "4",
                "1",
                [
                    ("3", "Table of contents only"),
                    ("u", "http://www.loc.gov/catdir/toc/ecip0415/2004004939.html"),
                ],
            ),
            Field("856", "4", "0", [("u", "javascript:alert(1)")]),
            Field("856", "4", "0", [("u", "http://example.org/a b")]),
            Field("856", "4", "0", [("u", "https://example.org/book\x07")]),
            Field("856", "4", "0", [("u", "  https://example.org/book  "), ("z", "Full text")]),
        ],
    )
    links = mapper.map(record)["links"]
    assert [(link["url"], link["kind"]) for link in links] == [
        ("http://www.loc.gov/catdir/toc/ecip0415/2004004939.html", "related"),
        ("https://example.org/book", "fulltext"),
    ]
    assert links[1]["label"] == "Full text"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://example.org/x", "http://example.org/x"),
        (" HTTPS://Example.org/x ", "HTTPS://Example.org/x"),
        ("javascript:alert(1)", None),
        ("JavaScript:void(0)", None),
        ("ftp://example.org/file", None),
        ("http://", None),
        ("http://exa mple.org", None),
        ("http://example.org/\x00", None),
        ("www.example.org", None),  # no scheme: we cannot tell it is a web address
    ],
)
def test_clean_url(raw, expected):
    assert clean_url(raw) == expected
