"""The Tantivy schema and analysers built from schemas/fields.toml, and document conversion.

Tantivy does not store analysers in the index: every process that opens it must register
them (register_analysers), or queries fail and commits write nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

import orjson
import tantivy

from indexer.engine.documents import index_values
from indexer.engine.fields import FieldDef
from indexer.engine.tantivy.browsing import BLOCK_FIELD, blocks

STEMMED = "lantern_en"  # words as searched: folded and stemmed
UNSTEMMED = "lantern_en_unstemmed"  # folded, not stemmed: the twin fields
TWIN_SUFFIX = "_unstemmed"
MAX_TOKEN_CHARS = 40  # longer "words" are junk (URLs, DNA strings) and would bloat the index


def _analyser(stem: bool) -> tantivy.TextAnalyzer:
    # remove_long comes before the stemmer so both analysers keep the same tokens in the
    # same positions; phrase and twin queries rely on that.
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_CHARS))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


ANALYSERS = {STEMMED: _analyser(True), UNSTEMMED: _analyser(False)}


def register_analysers(index: tantivy.Index) -> None:
    for name, analyser in ANALYSERS.items():
        index.register_tokenizer(name, analyser)


def analyse(text: str, *, stem: bool = True) -> list[str]:
    return ANALYSERS[STEMMED if stem else UNSTEMMED].analyze(text)


def twin(name: str) -> str:
    return name + TWIN_SUFFIX


def build_schema(fields: dict[str, FieldDef], highlighted: Iterable[str] = ()) -> tantivy.Schema:
    """The schema; text fields in `highlighted` are stored so snippets can be cut from them
    (storing the others would only slow indexing: the display JSON is what results show)."""
    builder = tantivy.SchemaBuilder()
    stored_text = set(highlighted)
    for f in fields.values():
        if f.type == "text":
            builder.add_text_field(f.name, stored=f.name in stored_text, tokenizer_name=STEMMED)
            if f.exact:
                builder.add_text_field(twin(f.name), tokenizer_name=UNSTEMMED)
        elif f.type == "keyword":
            builder.add_text_field(f.name, stored=f.name == "id", fast=True, tokenizer_name="raw")
        elif f.type == "int":
            builder.add_integer_field(f.name, indexed=True, fast=True)
        else:  # stored: JSON kept verbatim as bytes, never indexed
            builder.add_bytes_field(f.name, stored=True, indexed=False, fast=False)
    return builder.build()


def schema_field_names(fields: dict[str, FieldDef]) -> set[str]:
    names = set(fields)
    names.update(twin(f.name) for f in fields.values() if f.type == "text" and f.exact)
    return names


def to_json(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[str, str]:
    """(id, the JSON line tantivy's add_json takes) for one search document."""
    doc_id, out = index_values(doc, fields)
    for f in fields.values():
        if f.exact and f.name in out:
            out[twin(f.name)] = out[f.name]
    if BLOCK_FIELD in fields:
        out[BLOCK_FIELD] = blocks(out)
    # Bytes fields travel base64-encoded in add_json.
    out["display"] = base64.b64encode(orjson.dumps(doc.get("display") or {})).decode()
    return doc_id, orjson.dumps(out).decode()


def to_jsons(docs: Iterable[dict[str, Any]], fields: dict[str, FieldDef]):
    for doc in docs:
        yield to_json(doc, fields)


def display_of(document: tantivy.Document) -> dict[str, Any]:
    """The stored display dict plus "id"."""
    raw = document.get_first("display")
    display = orjson.loads(raw) if raw else {}
    if not isinstance(display, dict):
        display = {"value": display}
    display["id"] = document.get_first("id")
    return display
