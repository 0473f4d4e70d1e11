"""DOIs and PubMed ids in the query language: slashes, colons and resolver links survive."""

import pytest

from indexer.engine.querylang import Identifier, Word, parse_query


@pytest.mark.parametrize(
    "typed",
    [
        "doi:10.1000/XYZ(1)",
        "DOI: 10.1000/xyz(1)",
        "https://doi.org/10.1000/xyz(1)",
        "doi.org/10.1000/xyz(1)",
        "https://dx.doi.org/10.1000/xyz(1)",
    ],
)
def test_a_doi_is_one_identifier(typed):
    (node,) = parse_query(typed).required
    assert isinstance(node, Identifier)
    assert (node.field, node.values) == ("doi", ("10.1000/xyz(1)",))


def test_a_bare_doi_is_also_searched_as_words():
    (node,) = parse_query("10.1136/bmj.m1").required
    assert node == Identifier("doi", ("10.1136/bmj.m1",), "10.1136/bmj.m1")


def test_pmid_prefix_and_words_beside_it():
    required = parse_query("asthma pmid:33301246").required
    assert required == (Word("asthma"), Identifier("pmid", ("33301246",)))


def test_a_number_with_a_dot_is_no_doi():
    assert parse_query("10.5 mg").required == (Word("10.5"), Word("mg"))


def test_a_broken_doi_prefix_finds_nothing_rather_than_everything():
    parsed = parse_query("doi:nonsense")
    assert not parsed.required and not parsed.match_all
