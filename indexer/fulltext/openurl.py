"""A record's full-text link through one library: its DOI link, or an OpenURL to its resolver.

The OpenURL is version 1.0 (ANSI/NISO Z39.88-2004) in its key/encoded-value (KEV) form, the one
every link resolver (SFX, 360 Link, Alma, EBSCO Full Text Finder) takes:

    BASE?url_ver=Z39.88-2004&ctx_ver=Z39.88-2004&url_ctx_fmt=info:ofi/fmt:kev:mtx:ctx
        &rfr_id=info:sid/lantern&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=journal
        &rft.jtitle=...&rft.issn=...&rft_id=info:doi/10.1000/xyz&rft_id=info:pmid/12345

books use the book format (rft.btitle, rft.isbn, rft.au, rft.pub, rft.place, rft.edition).
The link then goes through the library's proxy (OpenAthens, EZproxy), as its e-book links do.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode

from indexer.libraries import Library

JOURNAL_FORMATS = frozenset({"Journal", "E-journal"})
ONLINE_FORMATS = frozenset({"E-book", "E-journal", "Journal"})
_CONTEXT = (
    ("url_ver", "Z39.88-2004"),
    ("ctx_ver", "Z39.88-2004"),
    ("url_ctx_fmt", "info:ofi/fmt:kev:mtx:ctx"),
)


def wants_fulltext(display: dict) -> bool:
    """Whether a resolver has anything to find for the record: an article id, a journal or an
    online title (a print book's copies are on the shelf, listed below)."""
    return bool(
        display.get("doi")
        or display.get("pmid")
        or display.get("issn")
        or display.get("format") in ONLINE_FORMATS
    )


def openurl_pairs(display: dict, rfr_id: str) -> list[tuple[str, str]]:
    """The OpenURL 1.0 KEV key/value pairs describing the record (in a stable order)."""
    journal = display.get("format") in JOURNAL_FORMATS
    title = " : ".join(t for t in (display.get("title"), display.get("subtitle")) if t)
    pairs = [*_CONTEXT, ("rfr_id", rfr_id)]
    pairs.append(("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{'journal' if journal else 'book'}"))
    pairs.append(("rft.genre", "journal" if journal else "book"))
    # The first of each: a record merged from several carries them all, a link needs one.
    pairs += [("rft_id", f"info:doi/{doi}") for doi in (display.get("doi") or [])[:1]]
    pairs += [("rft_id", f"info:pmid/{pmid}") for pmid in (display.get("pmid") or [])[:1]]
    if title:
        pairs.append(("rft.jtitle" if journal else "rft.btitle", title))
    issns = display.get("issn") or []
    isbns = display.get("isbn_display") or []
    pairs += [("rft.issn", issns[0])] if issns else []
    pairs += [("rft.isbn", isbns[0])] if isbns and not journal else []
    main = next((a for a in display.get("authors") or [] if a.get("main")), None)
    if main and main.get("name"):
        pairs.append(("rft.au", main["name"]))
    if display.get("year"):
        pairs.append(("rft.date", str(display["year"])))
    if not journal:
        for key in ("publisher", "place", "edition"):
            if display.get(key):
                pairs.append((f"rft.{'pub' if key == 'publisher' else key}", display[key]))
    return pairs


def openurl(base: str, display: dict, rfr_id: str) -> str:
    """The resolver link for the record: `base` with the KEV context object as its query."""
    query = urlencode(openurl_pairs(display, rfr_id), quote_via=quote, safe=":/")
    joiner = "&" if "?" in base else "?"
    return base + ("" if base.endswith(("?", "&")) else joiner) + query


def library_link(display: dict, library: Library) -> dict | None:
    """{"library", "library_name", "url", "via"} for the record through `library`'s full-text
    settings (via "doi": its DOI link; "openurl": its resolver), or None when it has none."""
    config = library.fulltext
    if config is None or not wants_fulltext(display):
        return None
    dois = display.get("doi") or []
    if dois and config.doi_link:
        url, via = config.doi_link.replace("{doi}", quote(dois[0], safe="/")), "doi"
    elif config.resolver:
        url, via = openurl(config.resolver, display, config.rfr_id), "openurl"
    else:
        return None
    if config.proxy:
        url = library.proxied(url)
    return {"library": library.code, "library_name": library.name, "url": url, "via": via}


def fulltext_links(display: dict, libraries: Iterable[Library]) -> list[dict]:
    """The record's full-text link through each of `libraries` that offers one."""
    return [link for lib in libraries if (link := library_link(display, lib)) is not None]
