"""A marked fragment of a many-valued field with its values told apart.

The engine cuts a field's snippet from its values joined by spaces, so three subject headings
read as one run of words ("Nursing Care Nursing -- Practice"). Knowing the values, the joins
that fall inside the fragment become " · ".
"""

from __future__ import annotations

import html
import re

SEPARATOR = " · "
_PARTS = re.compile(r"(</?mark>)")


def separated(marked: str, values: list[str], separator: str = SEPARATOR) -> str:
    """`marked` (HTML-escaped text with <mark> only) with each join of `values` shown as
    `separator`; unchanged when the fragment is not found in the joined values."""
    if len(values) < 2:
        return marked
    parts = _PARTS.split(marked)
    texts = [_unescape(p) if i % 2 == 0 else "" for i, p in enumerate(parts)]
    joins = _joins("".join(texts), values)
    if not joins:
        return marked
    at = 0
    for i in range(0, len(parts), 2):  # the text between the marks (the odd parts are tags)
        text = texts[i]
        cuts = sorted(j - at for j in joins if at <= j < at + len(text) and text[j - at] == " ")
        if cuts:
            pieces, pos = [], 0
            for cut in cuts:
                pieces.append(text[pos:cut])
                pos = cut + 1
            pieces.append(text[pos:])
            parts[i] = separator.join(html.escape(piece) for piece in pieces)
        at += len(text)
    return "".join(parts)


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _joins(plain: str, values: list[str]) -> set[int]:
    """The places in `plain` of the spaces that join two values."""
    joined = " ".join(values)
    start = joined.find(plain) if plain else -1
    if start >= 0:
        joins, pos = set(), -1
        for value in values[:-1]:
            pos += len(value) + 1
            joins.add(pos - start)  # the joining space's place in the fragment
        return joins
    # A merged title's fragment may hold other members' headings too: each known heading of
    # more than one word found whole is set apart from its neighbours.
    joins = set()
    for value in {v for v in values if " " in v}:
        at = plain.find(value)
        while at >= 0:
            end = at + len(value)
            if (at == 0 or plain[at - 1] == " ") and (end == len(plain) or plain[end] == " "):
                # never between a heading and its own subdivision ("Public health -- Outlines")
                cuts = (at - 1, end)
                joins.update(
                    p
                    for p in cuts
                    if 0 < p < len(plain)
                    and not plain.startswith(" --", p)
                    and not plain.endswith("--", 0, p)
                )
            at = plain.find(value, at + 1)
    return joins


SUBJECT_FIELDS = ("subject_mesh", "subject_lcsh", "subject_other", "subject_local", "genre")


def with_subjects_apart(highlights: dict | None, display: dict) -> dict:
    """A result's highlights with the subject headings of its subject fragment told apart."""
    if not highlights or not highlights.get("subject"):
        return highlights or {}
    subjects = [s for field in SUBJECT_FIELDS for s in display.get(field) or []]
    return {**highlights, "subject": separated(highlights["subject"], subjects)}
