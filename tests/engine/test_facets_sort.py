"""Facet counts, filters, sorting and paging: the numbers a reader sees must add up."""

import pytest

from indexer.errors import EngineError, UnknownFieldError
from tests.engine.catalogue import CATALOGUE, by_id, values_of

FACETS = ("format", "language", "library", "availability", "year")


def counts(result, field):
    return {v.value: v.count for v in result.facets[field]}


@pytest.mark.parametrize("text", ["", "medicine", "clinical OR nursing"])
def test_facet_counts_equal_the_filtered_result_counts(search, text):
    result = search(text, facets=FACETS, facet_size=50, limit=0)
    for field in FACETS:
        assert result.facets[field], field
        for value in result.facets[field]:
            narrowed = search(text, filters=((field, (value.value,)),), limit=0)
            assert narrowed.total == value.count, (field, value)


def test_facet_counts_match_the_catalogue(search):
    result = search(facets=("library", "format"), limit=0)
    expected = {}
    for doc in CATALOGUE:
        for lib in doc["library"]:
            expected[lib] = expected.get(lib, 0) + 1
    assert counts(result, "library") == expected
    assert result.total == len(CATALOGUE)
    assert counts(result, "format") == {"Book": 22, "Journal": 4, "E-book": 3, "Leaflet": 1}
    assert [v.value for v in result.facets["format"]] == ["Book", "Journal", "E-book", "Leaflet"]


def test_facet_size_limits_values(search):
    result = search(facets=("year",), facet_size=3, limit=0)
    assert len(result.facets["year"]) == 3
    assert result.facets["year"][0].count == 3  # 2018


def test_values_of_one_filter_or_and_fields_and(search):
    books = search(filters=(("format", ("Book",)),), limit=0).total
    ebooks = search(filters=(("format", ("E-book",)),), limit=0).total
    either = search(filters=(("format", ("Book", "E-book")),), limit=50)
    assert either.total == books + ebooks
    both = search(filters=(("format", ("Book",)), ("library", ("LIBC",))), limit=50)
    assert both.total > 0
    for hit in both.hits:
        assert by_id(hit.id)["format"] == "Book" and "LIBC" in by_id(hit.id)["library"]
    assert both.total == sum(
        1 for d in CATALOGUE if d["format"] == "Book" and "LIBC" in d["library"]
    )


def test_a_facet_is_counted_without_its_own_filter(search):
    unfiltered = search("medicine", facets=("format", "language"), limit=0)
    filtered = search(
        "medicine", filters=(("format", ("Journal",)),), facets=("format", "language"), limit=0
    )
    # The format facet still offers the other formats (multi-select)...
    assert counts(filtered, "format") == counts(unfiltered, "format")
    # ...while other facets count only what the reader now sees.
    assert sum(counts(filtered, "language").values()) == filtered.total
    assert filtered.total == counts(unfiltered, "format")["Journal"]


def test_a_view_scope_bounds_every_facet_count_even_its_own_fields(search):
    # A library's page searches within that library; a reader's library selections narrow it.
    scoped = search(within=(("library", ("LIBC",)),), facets=("library", "format"), limit=0)
    held = [d for d in CATALOGUE if "LIBC" in d["library"]]
    assert scoped.total == len(held) > 0
    assert counts(scoped, "library")["LIBC"] == scoped.total
    assert all(v.count <= scoped.total for v in scoped.facets["library"])
    both = search(
        within=(("library", ("LIBC",)),), filters=(("library", ("LIBB",)),), facets=("library",)
    )
    assert both.total == sum(1 for d in held if "LIBB" in d["library"])
    assert counts(both, "library")["LIBB"] == both.total
    assert counts(both, "library")["LIBC"] == scoped.total


def test_exclude_filter(search):
    result = search(excludes=(("library", ("LIBB",)),), limit=50, facets=("library",))
    assert result.total == sum(1 for d in CATALOGUE if "LIBB" not in d["library"])
    assert all("LIBB" not in by_id(h.id)["library"] for h in result.hits)
    assert "LIBB" not in counts(result, "library")


def test_year_range_filter(search):
    result = search(year_from=2015, year_to=2018, limit=50)
    expected = {d["id"] for d in CATALOGUE if 2015 <= d.get("year", 0) <= 2018}
    assert {h.id for h in result.hits} == expected
    assert search(filters=(("year", ("2018",)),), limit=0).total == 3


@pytest.mark.parametrize("sort, reverse", [("year_desc", True), ("year_asc", False)])
def test_sort_by_year(search, sort, reverse):
    years = [h.display.get("year") for h in search(sort=sort, limit=50).hits]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated, reverse=reverse) and len(dated) == len(CATALOGUE) - 1
    assert years[-1] is None  # the undated leaflet goes last either way


def test_sort_by_title_and_author(search):
    hits = search("medicine", sort="title", limit=50).hits
    keys = [by_id(h.id)["title_sort"] for h in hits]
    assert keys == sorted(keys) and len(keys) == search("medicine").total
    authors = [values_of(by_id(h.id), "author_sort") for h in search(sort="author", limit=50).hits]
    named = [a[0] for a in authors if a]
    assert named == sorted(named)


def test_paging_walks_the_same_list(search):
    whole = [h.id for h in search(sort="title", limit=50).hits]
    pages = []
    for offset in range(0, 35, 7):
        pages += [h.id for h in search(sort="title", offset=offset, limit=7).hits]
    assert pages == whole and len(whole) == len(CATALOGUE)
    relevance = [h.id for h in search("medicine", limit=50).hits]
    assert [h.id for h in search("medicine", offset=3, limit=4).hits] == relevance[3:7]
    assert search("medicine", offset=500, limit=10).hits == ()


def test_limit_zero_gives_counts_only(search):
    result = search("medicine", limit=0, facets=("format",))
    assert result.hits == () and result.total == search("medicine").total > 0
    assert sum(counts(result, "format").values()) == result.total


def test_unknown_filter_or_facet_field_is_refused(search):
    with pytest.raises(UnknownFieldError) as refused:
        search(filters=(("nonsense", ("x",)),))
    assert not isinstance(refused.value, EngineError)  # the caller's mistake: a 400, not a 503
    with pytest.raises(UnknownFieldError):
        search(facets=("title",))
    with pytest.raises(ValueError):
        search(sort="random")
