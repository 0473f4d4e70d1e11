"""OpenSearch index settings, mappings and documents, built from schemas/fields.toml.

The analysers mirror tantivy_schema's: split on anything that is not a letter or digit (Tantivy's
`simple` tokenizer), drop tokens of 40 characters or more, lower-case, fold to ASCII, then the
Snowball English stemmer (Tantivy's `stemmer("english")` is the same Porter2 algorithm). An
`exact = true` text field gets an unstemmed subfield, `<field>.unstemmed`.

Pure Python (no opensearch-py import): document_preparer("opensearch") runs in worker processes.
"""

from __future__ import annotations

from typing import Any

from indexer.engine.documents import index_values
from indexer.engine.fields import FieldDef

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


def to_source(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[str, dict[str, Any]]:
    """(id, the _source OpenSearch stores) for one search document; same rules as Tantivy's."""
    doc_id, out = index_values(doc, fields)
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
