"""The OpenAPI 3 schemas of the JSON API's answers (opac/api/openapi.py names them)."""

from __future__ import annotations

from opac.api.openapi_fulltext import FULLTEXT_PROPERTIES
from opac.search.service import FACETS, RESULT_COPIES_PER_LIBRARY

EXPLODE = 'true: every mesh:"X" of q and every filter=mesh:X with its narrower headings.'
STR = {"type": "string"}
NSTR = {"type": "string", "nullable": True}
SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["ok", "status", "error"],
        "properties": {
            "ok": {"type": "boolean", "enum": [False]},
            "status": {"type": "integer"},
            "error": STR,
        },
    },
    "Citation": {
        "type": "object",
        "properties": {
            "style": STR,
            "name": STR,
            "text": STR,
            "html": {"type": "string", "description": "escaped; only i, b, sup, sub tags"},
        },
    },
    "Member": {
        "type": "object",
        "properties": {"library": STR, "record_id": STR, "reason": STR},
    },
    "Holding": {
        "type": "object",
        "properties": {
            "library": STR,
            "library_name": STR,
            "site": STR,
            "location": STR,
            "location_code": STR,
            "call_number": STR,
            "due_date": NSTR,
            "record_id": STR,
            "status": {
                "type": "string",
                "enum": ["available", "on_loan", "reference", "online", "unknown"],
            },
        },
    },
    "Link": {"type": "object", "properties": {"url": STR, "label": STR, "library": STR}},
    "Result": {
        "type": "object",
        "properties": {
            "id": STR,
            "title": STR,
            "subtitle": STR,
            "authors": {"type": "array", "items": STR},
            "year": {"type": "integer", "nullable": True},
            "format": STR,
            "isbn": {"type": "array", "items": STR},
            "available": {"type": "boolean"},
            "members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
            "holdings": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Holding"},
                "description": "copies: in a search result at most "
                f"{RESULT_COPIES_PER_LIBRARY} of each library, available "
                "ones first; a record lists every one",
            },
            "holdings_total": {
                "type": "integer",
                "description": "copies in all (more than `holdings` lists when a "
                "search result leaves some out)",
            },
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "highlight": {
                "type": "object",
                "additionalProperties": STR,
                "description": "field -> HTML-escaped text with matches in <mark>",
            },
            **FULLTEXT_PROPERTIES,
        },
    },
    "FacetValue": {
        "type": "object",
        "properties": {
            "value": STR,
            "label": STR,
            "count": {"type": "integer"},
            "selected": {"type": "boolean"},
        },
    },
    "SearchResponse": {
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "size": {"type": "integer"},
            "max_page": {"type": "integer"},
            "max_depth": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
            "facets": {
                "type": "object",
                "description": f"One list per facet: {', '.join(FACETS)}",
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/FacetValue"},
                },
            },
            "relaxed": {"type": "boolean", "description": "no record had every word"},
            "fuzzy": {"type": "boolean", "description": "matched only with typos allowed"},
            "suggestion": {
                **NSTR,
                "description": "did you mean: the query respelled with the catalogue's own "
                "words (of titles and subject headings), or with a field name put right; "
                "offered when the words as typed found nothing, never the query itself",
            },
            "notices": {
                "type": "array",
                "items": STR,
                "description": "how the query was read, where that differs from what was "
                "typed (past 1,000 characters or 32 words, a * after one "
                "letter or in more than 4 words)",
            },
            "ignored": {
                "type": "array",
                "items": STR,
                "description": "syntax that was ignored and why, as sentences for the reader: "
                "a field prefix with nothing after it, an unmatched quote mark or bracket, a "
                "lone - or OR or NOT, a field name that is not one (searched as a word)",
            },
            "expanded": {
                "type": "array",
                "description": "the synonyms that widened the search: the reader's words and "
                "the terms also searched for them (none with synonyms=off)",
                "items": {
                    "type": "object",
                    "properties": {
                        "words": STR,
                        "also": {"type": "array", "items": STR},
                    },
                },
            },
            "synonyms": {
                "type": "boolean",
                "description": "false when the search was made without synonyms (synonyms=off)",
            },
            "explode": {"type": "boolean", "description": EXPLODE},
            "explodable": {"type": "boolean", "description": "q or a filter names MeSH"},
        },
    },
    "Suggestions": {
        "type": "object",
        "properties": {
            "query": STR,
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "text": STR,
                        "kind": {"type": "string", "enum": ["title", "author", "subject"]},
                    },
                },
            },
        },
    },
}
