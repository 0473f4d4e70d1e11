"""Pairwise decisions on a real record and the way other libraries or editions differ from it."""

from __future__ import annotations

import random

import pytest

from indexer.dedup import levenshtein, match, similarity


def _naive_levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_bit_parallel_levenshtein_agrees_with_the_textbook_one():
    rng = random.Random(5)
    for _ in range(3000):
        a = "".join(rng.choice("abé z") for _ in range(rng.randint(0, 80)))
        b = "".join(rng.choice("abé z") for _ in range(rng.randint(0, 80)))
        assert levenshtein(a, b) == _naive_levenshtein(a, b), (a, b)
    assert levenshtein("kitten", "sitting") == 3
    assert similarity("abcd", "abcd") == 1.0


def test_same_isbn_in_other_form_merges_with_a_reason(book):
    other = dict(book, isbn=["3531168061"], control_number="LOCAL1")
    decision = match(book, other)
    assert decision.same
    assert decision.rule == "isbn"
    assert decision.reason == "ISBN 9783531168067 and title match"


def test_no_identifier_but_same_title_author_year_format_merges(book):
    other = dict(book, isbn=[], oclc=[], subtitle="", title=book["title"].upper() + " /")
    decision = match(book, other)
    assert decision.same
    assert decision.reason == "title, author, year and format match (no shared identifier)"


def test_next_edition_with_the_same_isbn_is_refused(book):
    # Libraries reuse the first edition's ISBN: the edition statement must still keep them apart.
    second = dict(book, edition="2., überarb. Aufl.")
    decision = match(book, second)
    assert not decision.same
    assert decision.rule == "edition"
    assert decision.reason == "ISBN 9783531168067 shared but edition differs: 1 vs 2"


def test_edition_numbers_compare_across_languages(book):
    assert match(dict(book, edition="2nd ed."), dict(book, edition="Second edition")).same
    decision = match(dict(book, edition="2nd ed."), dict(book, edition="3rd edition"))
    assert decision.reason.endswith("edition differs: 2 vs 3")


def test_later_edition_without_identifiers_is_refused(book):
    plain = dict(book, isbn=[], oclc=[], edition=None)
    later = dict(plain, edition="2nd ed.")
    assert match(plain, later).reason == "edition differs: none stated vs 2"


@pytest.mark.parametrize(("year", "same"), [(2010, True), (2008, True), (2011, False)])
def test_shared_isbn_allows_one_year_either_way(book, year, same):
    decision = match(book, dict(book, year=year))
    assert decision.same is same
    if not same:
        assert decision.reason.endswith("year differs: 2009 vs 2011")


def test_other_volume_is_refused_even_with_the_set_isbn(book):
    volume = dict(book, title=book["title"] + ". Bd. 2", title_parts=["Bd. 2"])
    decision = match(book, volume)
    assert not decision.same
    assert decision.rule == "volume"
    assert match(dict(book, title_parts=["Band 2"]), dict(book, title_parts=["Bd. 2"])).same


def test_page_count_beyond_ten_percent_is_refused(book):
    assert match(book, dict(book, pages=612)).same  # 'xii, 609 p.' counted another way
    decision = match(book, dict(book, pages=700))
    assert decision.reason.endswith("page count differs: 609 vs 700")


def test_ebook_of_a_print_book_is_linked_not_merged(book):
    ebook = dict(book, format="E-book", isbn=["9783531916729"], oclc=[], pages=None)
    decision = match(book, ebook)
    assert not decision.same
    assert decision.linked
    assert decision.reason == "same title and author, other format: Book vs E-book"


def test_serial_and_monograph_sharing_an_oclc_number_conflict(book):
    serial = dict(book, isbn=[], issn=["0340-1286"])
    decision = match(book, serial)
    assert not decision.same
    assert decision.rule == "issn-isbn"


def test_same_title_by_another_author_does_not_merge(book, princeton):
    other = dict(book, isbn=[], oclc=[], authors=princeton["6000003"]["authors"])
    assert not match(dict(book, isbn=[], oclc=[]), other).same


def test_differing_long_subtitles_are_refused(book):
    # Data sets catalogued as one title with a long subtitle that differs in one word.
    a = dict(book, isbn=[], oclc=[], subtitle="Commodity: BARLEY; Indicator: area harvested")
    b = dict(a, subtitle="Commodity: COTTON; Indicator: area harvested")
    assert match(a, b).reason == "no shared identifier and subtitles differ"
    assert match(a, dict(a, subtitle="")).same  # a library that dropped the subtitle


def test_authorless_titles_must_be_equal(book):
    a = dict(book, isbn=[], oclc=[], authors=[], title="Annual report of the trust 2009")
    assert not match(a, dict(a, title="Annual report of the trust 2008")).same
    assert match(a, dict(a, title="Annual report of the trust, 2009.")).same


def test_authorless_titles_of_other_publishers_stay_apart(book):
    report = dict(book, isbn=[], oclc=[], authors=[], subtitle="", title="Annual report 2019")
    fife = dict(report, publisher="NHS Fife")
    decision = match(fife, dict(report, publisher="NHS Tayside"))
    assert not decision.same
    assert decision.reason == "no author, no shared identifier and publishers differ"
    # One library's abbreviations, or no publisher at all, are still the same report.
    chicago = dict(report, publisher="University of Chicago Press")
    assert match(chicago, dict(report, publisher="Univ. of Chicago Pr.")).same
    assert match(fife, dict(report, publisher="[s.n.]")).same
    assert match(fife, dict(report, publisher=None)).same
    # With an author, publishers are not compared: libraries record imprints too differently.
    assert match(
        dict(book, isbn=[], oclc=[], publisher="Springer"),
        dict(book, isbn=[], oclc=[], publisher="VS Verlag für Sozialwissenschaften"),
    ).same


def test_unrelated_real_books_do_not_match(princeton):
    records = list(princeton.values())
    for i, a in enumerate(records):
        for b in records[i + 1 :]:
            assert not match(a, b).same, (a["title"], b["title"])
