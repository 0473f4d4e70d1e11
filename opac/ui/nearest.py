"""What a result line says about copies: the reader's nearest ones, and how to read them.

A result carries a few copies of each library (opac.search.copies); its line shows two of them,
the ones a reader most likely wants: in a library's or a site's view its own first, then the
copies on the shelf now before those on loan, reference-only or of unknown status.
"""

from __future__ import annotations

STATUS_TEXT = {
    "available": "Available",
    "on_loan": "On loan",
    "reference": "Reference only",
    "online": "Online",
    "in_transit": "In transit",
    "on_hold_shelf": "On hold for another reader",
    "missing": "Missing",
}
_SOONEST = {"available": 0, "on_loan": 1, "reference": 2}
FORMAT_ICONS = {
    "Book": "book",
    "Thesis": "book",
    "Conference proceedings": "book",
    "Music score": "book",
    "E-book": "screen",
    "E-journal": "screen",
    "Website": "screen",
    "Journal": "journal",
    "Video": "media",
    "Audio": "media",
}


def nearest_copies(
    holdings: list[dict], library: str = "", site: str = "", limit: int = 2
) -> list[dict]:
    """At most `limit` copies with a place on a shelf (a site, location or call number),
    `library`'s own first (and of those, the ones at the site named `site`), then the soonest
    to hand; otherwise in the result's order."""
    placed = [h for h in holdings if h.get("site") or h.get("location") or h.get("call_number")]
    ranked = sorted(
        placed,
        key=lambda h: (
            bool(library) and h["library"] != library,
            bool(site) and h["site"] != site,
            _SOONEST.get(h["status"], len(_SOONEST)),
        ),
    )
    return ranked[:limit]


def status_text(copy: dict) -> str:
    """ "Available", "On loan (due 2027-01-12)", "Ask staff" when the library does not say."""
    text = STATUS_TEXT.get(copy.get("status") or "", "Ask staff")
    if copy.get("due_date"):
        text += f" (due {copy['due_date']})"
    return text


def format_icon(format_name: str) -> str:
    return FORMAT_ICONS.get(format_name, "other")
