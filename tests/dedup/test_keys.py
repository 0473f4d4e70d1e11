"""Normalised match keys: what two libraries write differently must fold to the same key."""

from __future__ import annotations

import pytest

from indexer.dedup import blocking_keys, prepare
from indexer.dedup.keys import edition_number, isbn13, normalize_title, surname


@pytest.mark.parametrize(
    ("statement", "number"),
    [
        ("2nd ed.", 2),
        ("Second edition", 2),
        ("2. Aufl.", 2),
        ("Zweite, überarbeitete Auflage", 2),
        ("3e éd.", 3),
        ("[3rd ed.]", 3),
        ("2a edición", 2),
        ("Edition 4", 4),
        ("10th ed", 10),
        ("Rev. ed.", None),
        ("", None),
    ],
)
def test_edition_statements_normalise_to_a_number(statement, number):
    assert edition_number(statement) == number


def test_title_drops_punctuation_case_diacritics_and_leading_article():
    assert normalize_title("The Lancet.") == "lancet"
    assert normalize_title("L'Évolution créatrice /") == "evolution creatrice"
    assert normalize_title("Der wilde Weisse") == "wilde weisse"
    # a title that is only an article keeps it
    assert normalize_title("A") == "a"


def test_surname_ignores_dates_and_comma_style():
    assert surname("Smith, John, 1950-2010.") == "smith"
    assert surname("Nihon Keizai Shinbunsha") == surname("Nihon Keizai Shinbunsha, 1931-")
    assert surname("Müller-Seidel, Walter") == "muller"


def test_isbn10_and_isbn13_fold_to_one_form():
    assert isbn13("3531168061") == "9783531168067"
    assert isbn13("9783531168067") == "9783531168067"
    assert isbn13("not an isbn") is None


def test_blocking_keys_of_a_real_book(book):
    keys = blocking_keys(book)
    assert "isbn:9783531168067" in keys
    assert "oclc:489245749" in keys  # '(OCoLC)ocn489245749' and '(OCoLC)489245749' are one
    assert "t:geschichte der politischen theorien in d|beyme|2009|Book" in keys
    assert "w:geschichte der politischen theorien in d|beyme" in keys


def test_another_librarys_spelling_gives_the_same_title_key(book):
    other = dict(book)
    other.update(
        title="GESCHICHTE der politischen Theorien in Deutschland, 1300-2000 /",
        authors=[{"name": "Beyme, Klaus von, 1934-", "role": [], "type": "personal", "main": True}],
        isbn=["3531168061"],
    )
    assert prepare(other).title_key == prepare(book).title_key
    assert blocking_keys(other) & blocking_keys(book) >= {"isbn:9783531168067"}


def test_record_without_author_gets_no_work_key(book):
    anonymous = dict(book, authors=[])
    assert not [k for k in blocking_keys(anonymous) if k.startswith("w:")]
