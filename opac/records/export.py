"""Citations (RIS and BibTeX) from a record's display dict (no Flask).

The MARC downloads are not built here: they are the feed's record (`indexer.marc.from_document`).
"""

from __future__ import annotations

import re

RIS_TYPES = {
    "Book": "BOOK",
    "E-book": "EBOOK",
    "Journal": "JOUR",
    "E-journal": "EJOUR",
    "Thesis": "THES",
    "Video": "VIDEO",
    "Audio": "SOUND",
    "Map": "MAP",
}
BIBTEX_TYPES = {"Journal": "misc", "E-journal": "misc", "Thesis": "phdthesis"}


def _list(value) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _authors(display: dict) -> list[dict]:
    return [a for a in display.get("authors") or [] if a.get("name")]


def _subjects(display: dict) -> list[str]:
    return [
        s
        for key in ("subject_mesh", "subject_lcsh", "subject_other", "subject_local")
        for s in _list(display.get(key))
    ]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def to_ris(display: dict) -> str:
    lines = [("TY", RIS_TYPES.get(display.get("format") or "", "GEN"))]
    title = display.get("title") or ""
    if display.get("subtitle"):
        title += ": " + display["subtitle"]
    lines.append(("TI", title))
    lines += [("AU", a["name"]) for a in _authors(display)]
    for tag, key in (
        ("PY", "year"),
        ("PB", "publisher"),
        ("CY", "place"),
        ("ET", "edition"),
        ("AB", "summary"),
    ):
        for value in _list(display.get(key)):
            lines.append((tag, value))
    lines += [("SN", v) for v in _list(display.get("isbn_display")) + _list(display.get("issn"))]
    lines += [("T3", v) for v in _list(display.get("series"))]
    lines += [("KW", v) for v in _subjects(display)]
    lines += [("LA", v) for v in _list(display.get("languages"))]
    lines += [("UR", link["url"]) for link in display.get("links") or [] if link.get("url")]
    lines += [("ID", display.get("id", "")), ("ER", "")]
    return "\r\n".join(f"{tag}  - {_one_line(value)}".rstrip() for tag, value in lines) + "\r\n"


def _bibtex_escape(text: str) -> str:
    text = _one_line(text)
    text = text.replace("\\", r"\textbackslash{}")
    text = re.sub(r"([{}&%$#_])", r"\\\1", text)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def bibtex_key(display: dict) -> str:
    authors = _authors(display)
    surname = authors[0]["name"].split(",")[0] if authors else (display.get("title") or "record")
    word = re.sub(r"[^A-Za-z0-9]", "", surname.split()[0] if surname.split() else "") or "record"
    return f"{word.lower()}{display.get('year') or ''}_{re.sub(r'[^A-Za-z0-9]', '', display['id'])}"


def to_bibtex(display: dict) -> str:
    kind = BIBTEX_TYPES.get(display.get("format") or "", "book")
    title = display.get("title") or ""
    if display.get("subtitle"):
        title += ": " + display["subtitle"]
    fields = [
        ("title", title),
        ("author", " and ".join(a["name"] for a in _authors(display))),
        ("year", display.get("year")),
        ("publisher", display.get("publisher")),
        ("address", display.get("place")),
        ("edition", display.get("edition")),
        ("series", "; ".join(_list(display.get("series")))),
        ("isbn", ", ".join(_list(display.get("isbn_display")))),
        ("issn", ", ".join(_list(display.get("issn")))),
        (
            "url",
            next((link["url"] for link in display.get("links") or [] if link.get("url")), None),
        ),
        ("keywords", ", ".join(_subjects(display))),
    ]
    body = ",\n".join(
        f"  {name} = {{{_bibtex_escape(str(value))}}}" for name, value in fields if value
    )
    return f"@{kind}{{{bibtex_key(display)},\n{body}\n}}\n"
