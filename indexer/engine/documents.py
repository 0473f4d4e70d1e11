"""A search document's indexed values, checked against fields.toml: one reading for every engine.

Each engine adds what is its own (Tantivy's unstemmed twin fields and base64 display bytes,
OpenSearch's display object) to what `index_values` returns.
"""

from __future__ import annotations

from typing import Any

from indexer.engine.fields import FieldDef
from indexer.errors import EngineError
from indexer.normalise import normalise_title

_ISBN_SEPARATORS = str.maketrans("", "", "- ")


def strings(value: Any) -> list[str]:
    if type(value) is list:
        return [v if type(v) is str else str(v) for v in value if v is not None and v != ""]
    if value is None or value == "":
        return []
    return [str(value)]


def keyword_values(name: str, value: Any) -> list[str]:
    values = strings(value)
    if name == "title_exact":
        # Normalised here as well as by the document builder, so query and index always agree.
        values = [normalise_title(v) for v in values]
    elif name == "isbn":
        # Compact form only: the query side searches every form of the ISBN a reader types.
        values = [v.translate(_ISBN_SEPARATORS).upper() for v in values]
    return list(dict.fromkeys(v for v in values if v)) if len(values) > 1 else values


def index_values(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[str, dict[str, Any]]:
    """(id, {field: values}) for the indexed fields of one search document (not `display`)."""
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise EngineError(f"document without a string id: {str(doc)[:200]}")
    out: dict[str, Any] = {}
    for name, value in doc.items():
        f = fields.get(name)
        if f is None:
            raise EngineError(f"document {doc_id}: field {name!r} is not in fields.toml")
        if value is None or f.type == "stored":
            continue
        if f.type == "int":
            try:
                out[name] = [int(v) for v in (value if isinstance(value, list) else [value])]
            except (TypeError, ValueError) as exc:
                raise EngineError(f"document {doc_id}: {name}={value!r} is not an integer") from exc
        elif f.type == "keyword":
            out[name] = keyword_values(name, value)
        else:
            out[name] = strings(value)
    if "title_exact" not in doc and "title_exact" in fields:
        # Without mapped exact titles, the title proper and title + subtitle stand in.
        titles = strings(doc.get("title"))
        full = " ".join(titles + strings(doc.get("subtitle")))
        out["title_exact"] = keyword_values("title_exact", titles + [full])
    out["id"] = doc_id
    return doc_id, out
