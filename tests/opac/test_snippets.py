"""A subject fragment's headings told apart (the engine joins a field's values with spaces)."""

from __future__ import annotations

from opac.search.snippets import separated

HEADINGS = ["Nursing Care", "Nursing -- Practice", "Evidence-Based Nursing"]


def test_the_joins_inside_the_fragment_become_separators():
    marked = "<mark>Nursing</mark> Care <mark>Nursing</mark> -- Practice Evidence-Based"
    assert separated(marked, HEADINGS) == (
        "<mark>Nursing</mark> Care · <mark>Nursing</mark> -- Practice · Evidence-Based"
    )


def test_a_merged_titles_other_headings_keep_the_known_ones_apart():
    marked = "Nursing Care Mental health Evidence-Based <mark>Nursing</mark>"
    assert (
        separated(marked, HEADINGS)
        == "Nursing Care · Mental health · Evidence-Based <mark>Nursing</mark>"
    )


def test_one_heading_or_escaped_text_is_left_as_it_is():
    assert separated("Caf&eacute; &amp; <mark>care</mark>", ["Café & care"]) == (
        "Caf&eacute; &amp; <mark>care</mark>"
    )


def test_a_known_heading_is_never_cut_from_its_own_subdivisions():
    # A merged title's fragment holds "Public health -- Outlines" of another member: the known
    # heading "Public health" inside it is not a heading of its own there.
    marked = "Health promotion Public health Public health -- Outlines, syllabi, etc."
    headings = ["Public health", "Health promotion", "Nursing Care"]
    assert separated(marked, headings) == (
        "Health promotion · Public health · Public health -- Outlines, syllabi, etc."
    )
