"""OpenSearch index settings, mappings and documents, built from schemas/fields.toml.

The analysers mirror tantivy_schema's: split on anything that is not a letter or digit (Tantivy's
`simple` tokenizer), drop tokens of 40 characters or more, lower-case, fold to ASCII, then the
Snowball English stemmer (Tantivy's `stemmer("english")` is the same Porter2 algorithm). An
`exact = true` text field gets an unstemmed subfield, `<field>.unstemmed`.

Pure Python (no opensearch-py import): document_preparer("opensearch") runs in worker processes.
"""

from __future__ import annotations

from typing import Any

from indexer.engine.fields import FieldDef
from indexer.engine.querylang import normalise_title
from indexer.errors import EngineError

STEMMED = "lantern_en"
UNSTEMMED = "lantern_en_unstemmed"
UNSTEMMED_SUBFIELD = "unstemmed"
MAX_TOKEN_CHARS = 40  # as tantivy_schema: longer "words" are junk (URLs, DNA strings)
# Tantivy's simple tokenizer keeps runs of alphanumeric characters (Unicode letters and digits).
NOT_A_WORD_CHARACTER = r"[^\p{L}\p{N}]"


def twin(name: str) -> str:
    """The unstemmed subfield of a text field with `exact = true`."""
    return f"{name}.{UNSTEMMED_SUBFIELD}"


def analysis_settings() -> dict[str, Any]:
    # Tantivy's simple tokenizer as a char filter (every non-alphanumeric character becomes a
    # space, one for one, so offsets for highlighting stay right) plus the whitespace
    # tokenizer. The same split as a `pattern` tokenizer, which osmem-server (the test fake)
    # does not apply at index time; both are plain Lucene in OpenSearch.
    filters = ["lantern_long", "lowercase", "asciifolding"]
    words = {"type": "custom", "char_filter": ["lantern_separators"], "tokenizer": "whitespace"}
    return {
        "char_filter": {
            "lantern_separators": {
                "type": "pattern_replace",
                "pattern": NOT_A_WORD_CHARACTER,
                "replacement": " ",
            }
        },
        "filter": {
            # `length` keeps tokens up to max characters; Tantivy drops tokens of 40 or more.
            "lantern_long": {"type": "length", "min": 0, "max": MAX_TOKEN_CHARS - 1},
            "lantern_english": {"type": "snowball", "language": "English"},
        },
        "analyzer": {
            STEMMED: {**words, "filter": [*filters, "lantern_english"]},
            UNSTEMMED: {**words, "filter": filters},
        },
    }


def field_mapping(f: FieldDef) -> dict[str, Any]:
    if f.type == "text":
        spec: dict[str, Any] = {"type": "text", "analyzer": STEMMED}
        if f.exact:
            spec["fields"] = {UNSTEMMED_SUBFIELD: {"type": "text", "analyzer": UNSTEMMED}}
        return spec
    if f.type == "keyword":
        return {"type": "keyword"}
    if f.type == "int":
        return {"type": "integer"}
    # stored: any JSON kept in _source for display, never parsed into fields or indexed
    return {"type": "object", "enabled": False}


def index_body(fields: dict[str, FieldDef], *, shards: int = 1, replicas: int = 0) -> dict:
    """The body of the create-index request.

    One shard by default: facet counts (terms aggregations) are then exact, and a consortium
    catalogue of a few million records fits one shard comfortably; replicas add redundancy.
    """
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas},
            # Writes become visible at commit(), which refreshes; no background refresh.
            "refresh_interval": "-1",
            "analysis": analysis_settings(),
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {f.name: field_mapping(f) for f in fields.values()},
        },
    }


# --- documents -----------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v if isinstance(v, str) else str(v) for v in values if v is not None and v != ""]


def _keyword_values(name: str, value: Any) -> list[str]:
    values = _strings(value)
    if name == "title_exact":
        # Normalised here as well as by the document builder, so query and index always agree.
        values = [normalise_title(v) for v in values]
    elif name == "isbn":
        # Compact form only: the query side searches every form of the ISBN a reader types.
        values = [v.replace("-", "").replace(" ", "").upper() for v in values]
    return list(dict.fromkeys(v for v in values if v))


def to_source(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[str, dict[str, Any]]:
    """(id, the _source OpenSearch stores) for one search document; same rules as Tantivy's."""
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
            out[name] = _keyword_values(name, value)
        else:
            out[name] = _strings(value)
    if "title_exact" not in doc and "title_exact" in fields:
        # Without mapped exact titles, the title proper and title + subtitle stand in.
        titles = _strings(doc.get("title"))
        full = " ".join(titles + _strings(doc.get("subtitle")))
        out["title_exact"] = _keyword_values("title_exact", titles + [full])
    out["id"] = doc_id
    display = doc.get("display") or {}
    out["display"] = display if isinstance(display, dict) else {"value": display}
    return doc_id, out


def bulk_pair(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[dict, dict]:
    """The two NDJSON lines of a bulk `index` action (the index is named in the request path)."""
    doc_id, source = to_source(doc, fields)
    return {"index": {"_id": doc_id}}, source


def display_of(source: dict[str, Any]) -> dict[str, Any]:
    """The stored display dict plus "id" (what Engine.get returns)."""
    display = dict(source.get("display") or {})
    display["id"] = source.get("id")
    return display
