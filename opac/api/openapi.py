"""The OpenAPI 3 description of the JSON API and feeds (tests fail if an endpoint is missing)."""

from __future__ import annotations

from opac.api.browse_paths import BROWSE_PATHS
from opac.api.openapi_fulltext import RECORD_LIBRARY
from opac.api.openapi_schemas import EXPLODE as _EXPLODE
from opac.api.openapi_schemas import SCHEMAS
from opac.api.openapi_schemas import STR as _STR
from opac.search.service import (
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_DEPTH,
    PSEUDO_FILTERS,
    SORTS,
)


def _param(name, description, schema, *, where="query", required=False, many=False):
    out = {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": {"type": "array", "items": schema} if many else schema,
    }
    if many:
        out.update(style="form", explode=True)
    return out


_FACET_VALUE = f"FACET:VALUE, FACET one of {', '.join([*FACETS, *PSEUDO_FILTERS])}"
SEARCH_PARAMETERS = [
    _param(
        "q",
        'The reader\'s query: words (all must match), "phrases", -exclusions, OR, '
        "field prefixes title: author: subject: isbn: issn: series: callnumber: year: "
        "doi: pmid: (a DOI or doi.org link also works bare), trailing * wildcards. "
        'Blank finds every record. mesh:"Heart Diseases" (or an entry '
        'term, or its UI D006331): that MeSH heading; mesh:"Heart Diseases"+ also every '
        "narrower heading (explode). A MeSH entry term among the words finds its heading too.",
        {"type": "string", "maxLength": 1000},
    ),
    _param(
        "page",
        f"Result page, from 1; paging stops at result {MAX_RESULT_DEPTH:,}.",
        {"type": "integer", "minimum": 1, "default": 1},
    ),
    _param(
        "size",
        "Results per page.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
    ),
    _param(
        "sort", "Result order.", {"type": "string", "enum": list(SORTS), "default": "relevance"}
    ),
    _param(
        "filter",
        f"Keep records with this facet value ({_FACET_VALUE}). Values of one facet "
        "are ORed, different facets ANDed. year takes ranges: 2010-2019, -1979, 2020-. "
        "region:CODE means any library of that region.",
        {"type": "string"},
        many=True,
    ),
    _param(
        "exclude",
        f"Leave out records with this facet value ({_FACET_VALUE}).",
        {"type": "string"},
        many=True,
    ),
    _param(
        "scope",
        "A library code: that library's holdings and licensed e-books first.",
        {"type": "string", "pattern": "^[A-Za-z0-9]{1,20}$"},
    ),
    _param("year_from", "Published in or after this year.", {"type": "integer"}),
    _param("year_to", "Published in or before this year.", {"type": "integer"}),
    _param(
        "synonyms",
        "`off`: search the reader's words only, without the synonyms the library's synonym "
        "files add (see `expanded` in the response).",
        {"type": "string", "enum": ["on", "off"], "default": "on"},
    ),
    _param("explode", _EXPLODE, {"type": "boolean", "default": False}),
    _param(
        "from",
        '`suggestion` when this search is a "did you mean" suggestion the reader took (the '
        "search log counts them); any other value is ignored.",
        {"type": "string"},
    ),
]


def _ok(description, ref=None, media="application/json"):
    content = {media: {"schema": {"$ref": f"#/components/schemas/{ref}"}}} if ref else {media: {}}
    return {"description": description, "content": content}


_ERRORS = {
    code: {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for code, text in (("400", "Invalid parameters"), ("503", "The search engine is down"))
}


PATHS = {
    "/api/v1/search": {
        "get": {
            "summary": "Search records",
            "operationId": "search",
            "parameters": SEARCH_PARAMETERS,
            "responses": {
                "200": _ok("A page of results with facets", "SearchResponse"),
                **_ERRORS,
            },
        }
    },
    "/api/v1/records/{doc_id}": {
        "get": {
            "summary": "One record: description, members and holdings",
            "operationId": "record",
            "parameters": [
                _param("doc_id", "Record id", _STR, where="path", required=True),
                RECORD_LIBRARY,
            ],
            "responses": {
                "200": _ok("The record", "Result"),
                "301": {
                    "description": "The id was retired when its record "
                    "merged into another document; Location names it"
                },
                "404": {**_ERRORS["400"], "description": "No such record"},
            },
        }
    },
    "/api/v1/records/{doc_id}/citation": {
        "get": {
            "summary": "A formatted reference to the record (Vancouver, Harvard or APA)",
            "operationId": "citation",
            "parameters": [
                _param("doc_id", "Record id", _STR, where="path", required=True),
                _param(
                    "style",
                    "vancouver: NLM Citing Medicine; harvard: Cite Them Right; apa: APA 7th "
                    "edition. Default vancouver.",
                    {"type": "string", "enum": ["vancouver", "harvard", "apa"]},
                ),
            ],
            "responses": {
                "200": _ok("The reference as plain text and as HTML", "Citation"),
                "301": {
                    "description": "The id was retired when its record "
                    "merged into another document; Location names it"
                },
                "400": _ERRORS["400"],
                "404": {**_ERRORS["400"], "description": "No such record"},
            },
        }
    },
    "/api/v1/suggest": {
        "get": {
            "summary": "Autocomplete titles, authors and subjects",
            "operationId": "suggest",
            "parameters": [
                _param("q", "What has been typed so far", {"type": "string", "maxLength": 200}),
                _param(
                    "format",
                    "opensearch: [query, [completions]] (browser protocol)",
                    {"type": "string", "enum": ["opensearch"]},
                ),
            ],
            "responses": {"200": _ok("Completions", "Suggestions")},
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {"200": _ok("OpenAPI 3 document")},
        }
    },
    "/search.atom": {
        "get": {
            "summary": "Any search as an Atom feed",
            "operationId": "atom",
            "parameters": SEARCH_PARAMETERS,
            "responses": {
                "200": _ok("Atom feed", media="application/atom+xml"),
                "400": _ERRORS["400"],
            },
        }
    },
    "/opensearch.xml": {
        "get": {
            "summary": "OpenSearch description document",
            "operationId": "opensearch",
            "responses": {
                "200": _ok("OpenSearch description", media="application/opensearchdescription+xml")
            },
        }
    },
    "/record/{doc_id}/export/{fmt}": {
        "get": {
            "summary": "Download a record as RIS, BibTeX, MARCXML or MARC21",
            "operationId": "export",
            "parameters": [
                _param("doc_id", "Record id", _STR, where="path", required=True),
                _param(
                    "fmt",
                    "Format",
                    {"type": "string", "enum": ["ris", "bib", "xml", "mrc"]},
                    where="path",
                    required=True,
                ),
            ],
            "responses": {
                "200": {"description": "The record in that format"},
                "301": {
                    "description": "The id was retired when its record "
                    "merged into another document; Location names it"
                },
                "404": {"description": "No such record or format"},
            },
        }
    },
}
PATHS.update(BROWSE_PATHS)


def openapi_document(server: str = "") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Lantern catalogue API",
            "version": "1",
            "description": "Search the consortium's shared catalogue. Every error has the "
            "shape of the Error schema.",
        },
        "servers": [{"url": server or "/"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
