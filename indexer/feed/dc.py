"""Simple Dublin Core (oai_dc) of a merged document, the format every OAI harvester takes."""

from __future__ import annotations

from indexer.feed.text import escape, xml_safe

OAI_DC_OPEN = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ '
    'http://www.openarchives.org/OAI/2.0/oai_dc.xsd">'
)


def _values(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def dc_elements(display: dict, record_url: str | None = None) -> list[tuple[str, str]]:
    """(element, value) pairs in the order harvesters conventionally show them."""
    out: list[tuple[str, str]] = []
    title = display.get("title") or ""
    if display.get("subtitle"):
        title += " : " + display["subtitle"]
    out.append(("title", title))
    for author in display.get("authors") or []:
        if author.get("name"):
            out.append(("creator" if author.get("main") else "contributor", author["name"]))
    for key in ("subject_mesh", "subject_lcsh", "subject_other", "subject_local"):
        out += [("subject", s) for s in _values(display.get(key))]
    for key in ("summary", "contents", "notes"):
        out += [("description", s) for s in _values(display.get(key))]
    out += [("publisher", p) for p in _values(display.get("publisher"))]
    out += [("date", d) for d in _values(display.get("date") or display.get("year"))]
    out += [("type", t) for t in _values(display.get("format"))]
    out += [("format", p) for p in _values(display.get("physical"))]
    out += [("identifier", f"urn:ISBN:{i}") for i in _values(display.get("isbn_display"))]
    out += [("identifier", f"urn:ISSN:{i}") for i in _values(display.get("issn"))]
    out += [("identifier", f"info:doi/{d}") for d in _values(display.get("doi"))]
    out += [("identifier", f"info:pmid/{p}") for p in _values(display.get("pmid"))]
    if record_url:
        out.append(("identifier", record_url))
    for link in display.get("links") or []:
        out.append(("identifier", link.get("url")))
    out += [("language", c) for c in _values(display.get("language_codes"))]
    out += [("relation", s) for s in _values(display.get("series"))]
    return [(k, str(v)) for k, v in out if v not in (None, "")]


def to_oai_dc(display: dict, record_url: str | None = None) -> str:
    body = "".join(
        f"<dc:{k}>{escape(xml_safe(v))}</dc:{k}>" for k, v in dc_elements(display, record_url)
    )
    return OAI_DC_OPEN + body + "</oai_dc:dc>"
