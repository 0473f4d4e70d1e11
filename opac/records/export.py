"""Citations and MARC rebuilt from a record's display dict (no Flask).

The index keeps the mapped display fields, not the member libraries' original MARC, so the MARC
export is a faithful summary (leader/09 'a' = UTF-8, 852 per copy, 856 per online link) rather
than a byte copy of any one library's record.
"""

from __future__ import annotations

import re

import pymarc

RIS_TYPES = {"Book": "BOOK", "E-book": "EBOOK", "Journal": "JOUR", "E-journal": "EJOUR",
             "Thesis": "THES", "Video": "VIDEO", "Audio": "SOUND", "Map": "MAP"}
BIBTEX_TYPES = {"Journal": "misc", "E-journal": "misc", "Thesis": "phdthesis"}


def _list(value) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _authors(display: dict) -> list[dict]:
    return [a for a in display.get("authors") or [] if a.get("name")]


def _subjects(display: dict) -> list[str]:
    return [s for key in ("subject_mesh", "subject_lcsh", "subject_other", "subject_local")
            for s in _list(display.get(key))]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def to_ris(display: dict) -> str:
    lines = [("TY", RIS_TYPES.get(display.get("format") or "", "GEN"))]
    title = display.get("title") or ""
    if display.get("subtitle"):
        title += ": " + display["subtitle"]
    lines.append(("TI", title))
    lines += [("AU", a["name"]) for a in _authors(display)]
    for tag, key in (("PY", "year"), ("PB", "publisher"), ("CY", "place"), ("ET", "edition"),
                     ("AB", "summary")):
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
    fields = [("title", title),
              ("author", " and ".join(a["name"] for a in _authors(display))),
              ("year", display.get("year")), ("publisher", display.get("publisher")),
              ("address", display.get("place")), ("edition", display.get("edition")),
              ("series", "; ".join(_list(display.get("series")))),
              ("isbn", ", ".join(_list(display.get("isbn_display")))),
              ("issn", ", ".join(_list(display.get("issn")))),
              ("url", next((link["url"] for link in display.get("links") or []
                            if link.get("url")), None)),
              ("keywords", ", ".join(_subjects(display)))]
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(str(value))}}}"
                      for name, value in fields if value)
    return f"@{kind}{{{bibtex_key(display)},\n{body}\n}}\n"


def _field(tag: str, ind: str, pairs: list[tuple[str, object]]) -> pymarc.Field | None:
    subfields = [pymarc.Subfield(code, _one_line(value)) for code, value in pairs if value]
    if not subfields:
        return None
    return pymarc.Field(tag=tag, indicators=pymarc.Indicators(ind[0], ind[1]),
                        subfields=subfields)


def to_marc(display: dict) -> pymarc.Record:
    """A MARC21 record (UTF-8) summarising the display dict, copies in 852, links in 856."""
    rec = pymarc.Record(force_utf8=True)
    level = "s" if (display.get("format") or "").endswith("ournal") else "m"
    rec.leader = pymarc.Leader(f"00000na{level} a2200000 i 4500")
    rec.add_field(pymarc.Field(tag="001", data=str(display.get("id", ""))))
    year = str(display.get("year") or "    ")[:4].rjust(4)
    lang = (_list(display.get("language_codes")) or ["und"])[0][:3].ljust(3)
    form = "o" if (display.get("format") or "").startswith("E-") else " "
    rec.add_field(pymarc.Field(tag="008", data=f"000000s{year}    xx {' ' * 5}{form}{' ' * 11}"
                                                f"{lang} d"))
    main = next((a for a in _authors(display) if a.get("main")), None)
    fields: list[pymarc.Field | None] = []
    fields += [_field("020", "  ", [("a", v)]) for v in _list(display.get("isbn_display"))]
    fields += [_field("022", "  ", [("a", v)]) for v in _list(display.get("issn"))]
    fields += [_field("035", "  ", [("a", f"(OCoLC){v}")]) for v in _list(display.get("oclc"))]
    fields += [_field("060", " 4", [("a", v)]) for v in _list(display.get("class_nlm"))]
    if main:
        tag = "110" if main.get("type") == "corporate" else "100"
        fields.append(_field(tag, "1 " if tag == "100" else "2 ", [("a", main["name"])]))
    fields.append(_field("245", ("1" if main else "0") + "0", [
        ("a", display.get("title") or "[no title]"), ("b", display.get("subtitle")),
        ("c", display.get("responsibility"))]))
    fields.append(_field("250", "  ", [("a", display.get("edition"))]))
    fields.append(_field("264", " 1", [("a", display.get("place")),
                                       ("b", display.get("publisher")),
                                       ("c", display.get("date"))]))
    fields.append(_field("300", "  ", [("a", display.get("physical"))]))
    fields += [_field("490", "0 ", [("a", v)]) for v in _list(display.get("series"))]
    fields += [_field("500", "  ", [("a", v)]) for v in _list(display.get("notes"))]
    fields += [_field("504", "  ", [("a", v)]) for v in _list(display.get("bibliography"))]
    fields += [_field("505", "0 ", [("a", v)]) for v in _list(display.get("contents"))]
    fields += [_field("520", "  ", [("a", v)]) for v in _list(display.get("summary"))]
    fields += [_field("650", " 2", [("a", v)]) for v in _list(display.get("subject_mesh"))]
    fields += [_field("650", " 0", [("a", v)]) for v in _list(display.get("subject_lcsh"))]
    fields += [_field("650", " 4", [("a", v)]) for v in _list(display.get("subject_other"))]
    fields += [_field("655", " 4", [("a", v)]) for v in _list(display.get("genre"))]
    for a in _authors(display):
        if a is not main:
            tag = "710" if a.get("type") == "corporate" else "700"
            fields.append(_field(tag, "1 " if tag == "700" else "2 ",
                                 [("a", a["name"]), *[("e", r) for r in a.get("role") or []]]))
    for h in display.get("holdings") or []:
        fields.append(_field("852", "  ", [
            ("a", h.get("library_name") or h.get("library")), ("b", h.get("site_name")),
            ("c", h.get("location")), ("h", h.get("call_number")), ("p", h.get("item_id")),
            ("z", h.get("status_text") or h.get("status"))]))
    for link in display.get("links") or []:
        fields.append(_field("856", "40", [("u", link.get("url")),
                                           ("z", link.get("label") or link.get("note"))]))
    for f in fields:
        if f is not None:
            rec.add_field(f)
    return rec


def to_marc21(display: dict) -> bytes:
    return to_marc(display).as_marc()


def to_marcxml(display: dict) -> bytes:
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    return declaration + pymarc.record_to_xml(to_marc(display), namespace=True)
