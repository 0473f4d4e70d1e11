"""DOIs and PubMed ids: from 024 $2, 035 (PubMed) and 856 links, one normalised form."""

import pytest

from indexer.mapping.article_ids import doi_in_url, normalise_doi, normalise_pmid
from indexer.marc.record import Field, MarcRecord


def test_024_doi_of_a_real_ebook_record(mapper, one_record):
    mapped = mapper.map(one_record("trln__nccu-physical_media1.xml"))
    assert mapped["doi"] == ["10.1007/978-3-319-23273-7"] and mapped["pmid"] == []


def test_dois_inside_another_librarys_proxy_links(mapper, records):
    found = [m["doi"] for m in map(mapper.map, records("evergreen__oss.marc")) if m["doi"]]
    # "http://librweb.laurentian.ca/login?url=http://dx.doi.org/10.1007/978-0-387-68574-8"
    assert ["10.1007/978-0-387-68574-8"] in found and len(found) >= 9


def _record(*fields: Field) -> MarcRecord:
    return MarcRecord(leader="00000nab a2200000 a 4500", fields=list(fields))


def test_pubmed_ids_from_024_035_and_links_each_once(mapper):
    mapped = mapper.map(
        _record(
            Field("024", "7", " ", [("a", "33301246"), ("2", "pubmed")]),
            Field("035", " ", " ", [("a", "(PubMed)33301246")]),
            Field("035", " ", " ", [("a", "(OCoLC)12345")]),
            Field("856", "4", "0", [("u", "https://pubmed.ncbi.nlm.nih.gov/31978945/")]),
            Field("024", "7", " ", [("a", "https://doi.org/10.1056/NEJMoa2001017"), ("2", "DOI")]),
        )
    )
    assert mapped["pmid"] == ["33301246", "31978945"]
    assert mapped["doi"] == ["10.1056/nejmoa2001017"]


def test_what_is_no_doi_is_left_out(mapper):
    mapped = mapper.map(
        _record(
            Field("024", "7", " ", [("a", "not a doi"), ("2", "doi")]),
            Field("024", "7", " ", [("a", "10.4324/9781315630564"), ("2", "isni")]),
            Field("024", "3", " ", [("a", "9780198746546")]),
            Field("856", "4", "0", [("u", "https://example.org/10.1000/xyz")]),
        )
    )
    assert mapped["doi"] == [] and mapped["pmid"] == []


@pytest.mark.parametrize(
    "typed",
    [
        "10.1000/XYZ.1",
        "doi:10.1000/xyz.1",
        "DOI: 10.1000/xyz.1",
        "https://doi.org/10.1000/xyz.1",
        "http://dx.doi.org/10.1000/xyz.1",
        "info:doi/10.1000/xyz.1",
        "10.1000%2Fxyz.1",
        "10.1000/xyz.1.",
    ],
)
def test_a_doi_written_any_way_has_one_form(typed):
    assert normalise_doi(typed) == "10.1000/xyz.1"


@pytest.mark.parametrize("text", ["", "10.12/short-registrant", "11.1000/x", "10.1000/", "doi"])
def test_not_dois(text):
    assert normalise_doi(text) is None


def test_a_doi_in_an_encoded_proxy_link():
    url = "https://go.openathens.net/redirector/nhs?url=https%3A%2F%2Fdoi.org%2F10.1136%2Fbmj.m1"
    assert doi_in_url(url) == "10.1136/bmj.m1"


@pytest.mark.parametrize(
    ("typed", "pmid"),
    [("PMID: 0012345", "12345"), ("12345", "12345"), ("pmid12", "12"), ("x1", None)],
)
def test_pubmed_ids(typed, pmid):
    assert normalise_pmid(typed) == pmid
