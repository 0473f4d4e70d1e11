"""Personal data never reaches the search log, and ISBNs (the main known-item search) do."""

from __future__ import annotations

import pytest

from indexer.searchlog.redact import REDACTED, clean_query, mod11_valid, normalise_query

# 943 476 5919 is the NHS's own example number; 401 023 2137 passes the check too.
NHS = ["943 476 5919", "943-476-5919", "9434765919", "401 023 2137"]


def test_queries_are_lower_cased_folded_and_their_spaces_collapsed():
    assert normalise_query("  Crème   BRÛLÉE\tpour\n Anésthésie ") == "creme brulee pour anesthesie"
    assert normalise_query("ＩＳＢＮ　９７８") == "isbn 978"  # full-width forms made plain


@pytest.mark.parametrize(
    "text",
    ["jane.doe@nhs.net", "J.Smith+ward12@example.co.uk", "o'brien@trust.nhs.uk"],
)
def test_email_addresses_are_redacted(text):
    assert clean_query(f"nursing {text} handbook") == f"nursing {REDACTED} handbook"


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900123",
        "+44 (0)20 7946 0018",
        "01632 960123",
        "(01632) 960123",
        "020 7946 0018",
        "0161 496 0000",
        "016977 3456",
    ],
)
def test_uk_phone_numbers_are_redacted(text):
    assert clean_query(f"ring {text} for help") == f"ring {REDACTED} for help"


@pytest.mark.parametrize("text", NHS)
def test_nhs_numbers_that_pass_the_check_digit_are_redacted(text):
    assert mod11_valid(text.replace(" ", "").replace("-", ""))
    assert clean_query(f"patient {text} notes") == f"patient {REDACTED} notes"


def test_ten_digits_that_fail_the_nhs_check_are_kept():
    assert not mod11_valid("9434765918")
    assert clean_query("943 476 5918") == "943 476 5918"
    assert clean_query("1234567890 trials") == "1234567890 trials"


@pytest.mark.parametrize(
    "text",
    [
        "9780198526636",
        "978-0-19-852663-6",
        "978 0 19 852663 6",
        "isbn:9781784873653",
        "9798886451740",
        "080442957X",  # ends in X: never an NHS number
        "0-19-852663-6",  # hyphenated as an ISBN, not 3-3-4
        "1-4051-8114-6",
    ],
)
def test_valid_isbns_are_kept(text):
    assert clean_query(f"oxford handbook {text}") == f"oxford handbook {text.lower()}"


def test_a_number_both_isbn_10_and_nhs_number_is_kept_only_when_written_as_an_isbn():
    # ISBN-10 and the NHS number share one check: these digits pass both.
    assert mod11_valid("0198526636")
    assert clean_query("0198526636") == REDACTED
    assert clean_query("019 852 6636") == REDACTED
    assert clean_query("019-852-6636") == REDACTED
    assert clean_query("isbn:0198526636") == "isbn:0198526636"
    assert clean_query("ISBN 0198526636") == "isbn 0198526636"
    assert clean_query("isbn-10: 019 852 6636") == "isbn-10: 019 852 6636"
    assert clean_query("0-19-852663-6") == "0-19-852663-6"
    # ...and the NHS's example number is redacted however it is written, but after "isbn".
    assert clean_query("nhs 943 476 5919") == f"nhs {REDACTED}"


def test_an_invalid_isbn_13_is_not_kept_as_one_and_nearby_numbers_are_not_swallowed():
    assert clean_query("9780198526637") == "9780198526637"  # bad check digit: just digits
    assert clean_query("9780198526636 2019 07700 900123") == f"9780198526636 2019 {REDACTED}"
    assert clean_query("year:2019 7th edition") == "year:2019 7th edition"
    assert clean_query("bnf 86 2023") == "bnf 86 2023"


def test_everything_at_once_and_the_stand_in_character_cannot_be_forged():
    text = "Jane.Doe@NHS.net 07700 900123 943 476 5919 isbn 9780198526636 \ue000\ue100 x"
    assert clean_query(text) == f"{REDACTED} {REDACTED} {REDACTED} isbn 9780198526636 \ue100 x"
