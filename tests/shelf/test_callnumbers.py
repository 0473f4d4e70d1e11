"""Call numbers sort as they stand on the shelf, scheme by scheme."""

import pytest

from indexer.shelf.callnumber import scheme_of, shelf_key


def shelved(numbers: list[str], scheme: str | None = None) -> list[str]:
    return sorted(numbers, key=lambda n: shelf_key(n, scheme))


SHELVES = {
    "nlm": [
        "W 1",
        "W 18.2",
        "WA 100",
        "WB 100 .B3",
        "WG 120",
        "WG 120.5 .M6 2019",
        "WG 120.5 .M6 2021",
        "WG 141",
        "WG 1000",
        "WS 420 MOR 2025",
        "WZ 100",
    ],
    "lc": [
        "Q 1",
        "QA 9 .A1",
        "QA76 .P98",
        "QA76.73 .P98 L86 2019",
        "QA76.73 .P98 L9",
        "QA76.8",
        "QA 100",
        "QB 1",
        "R 5",
        "RT 41 .N87",
    ],
    "dewey": [
        "004 SMI",
        "610",
        "610.73 HAR",
        "610.7306",
        "616",
        "616.12 HAR",
        "616.12 JON",
        "616.2",
        "616.89",
        "617",
    ],
    "local": ["BOX 2", "BOX 9", "BOX 10", "BOX 10A", "STORE 1"],
}


@pytest.mark.parametrize("scheme", list(SHELVES))
def test_a_shelf_in_order_stays_in_order_however_it_is_shuffled(scheme):
    shelf = SHELVES[scheme]
    assert shelved(list(reversed(shelf)), scheme) == shelf
    assert shelved(sorted(shelf), scheme) == shelf  # character order is not shelf order


@pytest.mark.parametrize(
    "number, scheme",
    [("WG 120", "nlm"), ("QS 4", "nlm"), ("QA76.73", "lc"), ("616.12 HAR", "dewey"),
     ("KBM 524", "lc"), ("BOX 10", "local"), ("Pamphlet box", "local")],
)  # fmt: skip
def test_the_scheme_is_guessed_from_the_shape(number, scheme):
    assert scheme_of(number) == scheme


def test_spacing_and_case_do_not_move_a_book():
    assert shelf_key("wg 120.5 .m6") == shelf_key("WG120.5.M6") == shelf_key(" WG  120.5 .M6 ")


def test_a_number_that_does_not_fit_its_scheme_sorts_after_the_schemes_own():
    assert shelved(["Reference desk", "WG 120"], "nlm") == ["WG 120", "Reference desk"]
    with pytest.raises(ValueError, match="unknown shelf scheme"):
        shelf_key("WG 120", "udc")
