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
# Lucene refuses a term over 32,766 bytes, and with it the whole document; a UTF-8 character is
# at most 4 bytes, so a keyword value longer than this many characters is kept in _source but
# not indexed (no record's identifier or facet value is that long; a garbled field can be).
MAX_KEYWORD_CHARS = 8191
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
        spec = {"type": "keyword", "ignore_above": MAX_KEYWORD_CHARS}
        if f.facet:
            # Facet counts need the field's global ordinals; built at each refresh rather than
            # by the first search after it (cheap for the fields with few values).
            spec["eager_global_ordinals"] = True
        return spec
    if f.type == "int":
        return {"type": "integer"}
    # stored: any JSON kept in _source for display, never parsed into fields or indexed
    return {"type": "object", "enabled": False}


def index_body(
    fields: dict[str, FieldDef],
    *,
    shards: int = 1,
    replicas: int = 0,
    similarity: str | None = None,
) -> dict:
    """The body of the create-index request.

    One shard by default: facet counts (terms aggregations) are then exact, and a consortium
    catalogue of a few million records fits one shard comfortably; replicas add redundancy.
    `similarity`: the default similarity's type, pinned where the cluster's default scores
    otherwise (see similarity_for).
    """
    index: dict[str, Any] = {"number_of_shards": shards, "number_of_replicas": replicas}
    if similarity:
        index["similarity"] = {"default": {"type": similarity}}
    return {
        "settings": {
            "index": index,
            # Writes become visible at commit(), which refreshes; no background refresh.
            "refresh_interval": "-1",
            "analysis": analysis_settings(),
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {f.name: field_mapping(f) for f in fields.values()},
        },
    }


def similarity_for(version: str) -> str | None:
    """OpenSearch 3 scores text with Lucene's BM25, without the (k1 + 1) factor of the
    LegacyBM25 that 2.x uses: text scores about 2.2 times smaller against the constant boosts
    (exact title, identifier, availability) that were weighed against Tantivy's BM25, which
    keeps the factor. From 3.0 the legacy formula is named and pinned; 2.x has it by default
    (and does not know the name)."""
    major = version.split(".", 1)[0]
    return "LegacyBM25" if major.isdigit() and int(major) >= 3 else None


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
