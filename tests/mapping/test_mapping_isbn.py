"""ISBN and ISSN checking, on the values real catalogues hold."""

import pytest

from indexer.mapping.isbn import (
    hyphenated,
    isbn10_to_13,
    isbn13_to_10,
    normalize_isbn,
    normalize_issn,
    split_isbns,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0553268473 (pbk.) :", "9780553268478"),
        ("0-306-40615-2", "9780306406157"),
        ("978-0-306-40615-7 (hbk.)", "9780306406157"),
        ("0440487331pbk.", "9780440487333"),  # qualifier glued to the number
        ("(0373197527pbk.) :", "9780373197521"),
        ("080442957X", "9780804429573"),  # check digit X
        ("0-306-40615-3", None),  # wrong check digit
        ("978184533213X (hbk.)", None),
        ("4980858214bbd :", None),
        ("HL00361126 :", None),
        ("8901452100503", None),  # an EAN, not a 978/979 ISBN
        ("801415454", None),  # nine digits: python-stdnum would read an SBN; an 020 never
        ("", None),
    ],
)
def test_normalize_isbn(raw, expected):
    assert normalize_isbn(raw) == expected


def test_conversions_round_trip():
    assert isbn10_to_13("0306406152") == "9780306406157"
    assert isbn13_to_10("9780306406157") == "0306406152"
    assert isbn13_to_10("9791234567896") is None  # 979 ISBNs have no ISBN-10
    assert isbn13_to_10(isbn10_to_13("080442957X")) == "080442957X"


def test_hyphenated_as_people_read_isbns():
    assert hyphenated("9780198746546") == "978-0-19-874654-6"
    assert hyphenated("9791032305690") == "979-10-323-0569-0"
    assert hyphenated("080442957X") == "0-8044-2957-X"
    assert hyphenated("9780306406158") == "9780306406158"  # not valid: shown as it is
    assert hyphenated("junk") == "junk"


def test_split_keeps_record_order_and_drops_repeats():
    valid, invalid = split_isbns(["184533213X (hbk.)", "9781845332136 (hbk.)", "junk"])
    assert valid == ["9781845332136"]
    assert invalid == ["junk"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1047-2010 (Print)", "1047-2010"),
        ("0796-5621", "0796-5621"),
        ("1047201X (Print/Digital)", None),  # check digit should be 0
        ("1234-56789 (Print)", None),
        ("0378-5955", "0378-5955"),
        ("0378 5955", "0378-5955"),
        ("", None),
    ],
)
def test_normalize_issn(raw, expected):
    assert normalize_issn(raw) == expected


def test_issn_variants_from_lane_medical_library(mapper, find_record):
    name = "searchworks__issnTestsLane.xml"
    assert mapper.map(find_record(name, "a022subAandL"))["issn"] == ["0945-2419", "0796-5621"]
    assert mapper.map(find_record(name, "a022subL"))["issn"] == ["0796-5621"]
    assert mapper.map(find_record(name, "a022subaNoHyphen"))["issn"] == []


def test_isbn_13_with_bad_check_or_x_is_invalid(mapper, find_record):
    name = "stanford-solrmarc__sw-isbnTests.mrc"
    assert mapper.map(find_record(name, "a020suba13"))["isbn"] == ["9780809424887", "0809424886"]
    assert mapper.map(find_record(name, "a020suba13endsX"))["isbn_invalid"] == ["979123456789X"]
