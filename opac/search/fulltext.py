"""A record's full text through the reader's library: its resolver or DOI link, and the
e-journal coverage each library licenses, in words (indexer.fulltext). No Flask here."""

from __future__ import annotations

from collections.abc import Iterable

from indexer.fulltext.coverage import coverage_words
from indexer.fulltext.openurl import fulltext_links


def _libraries(consortium, codes: Iterable[str]) -> list:
    return [consortium.libraries[c] for c in codes if c in consortium.libraries]


def holders_links(display: dict, consortium) -> list[dict]:
    """The full-text links of a search result: through each library holding it."""
    return fulltext_links(display, _libraries(consortium, display.get("libraries") or []))


def fulltext_of(display: dict, consortium, within: Iterable[str] | None = None) -> dict:
    """{"fulltext": links, "coverage": spans with their words} of a display record.

    `within`: the library codes of the reader's view (a library's or site's pages: that
    library, whether or not it holds the title, since its resolver knows what it licenses);
    None: every library holding the title."""
    codes = list(display.get("libraries") or []) if within is None else list(within)
    libraries = _libraries(consortium, codes)
    coverage = []
    for span in display.get("coverage") or []:
        if span.get("library") not in codes:
            continue
        lib = consortium.libraries.get(span["library"])
        name = lib.name if lib else span["library"]
        coverage.append({**span, "library_name": name, "text": coverage_words(span)})
    return {"fulltext": fulltext_links(display, libraries), "coverage": coverage}
