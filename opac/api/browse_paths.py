"""The OpenAPI description of the browse endpoints (opac/shelf/views.py), merged into
openapi.PATHS."""

from __future__ import annotations

from indexer.shelf.callnumber import SCHEMES

_TEXT = {"type": "string", "maxLength": 300}


def _param(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


_PAGING = [
    _param("library", "A member library's code: its shelf, or its titles only", _TEXT),
    _param("after", "The `next` of a page: the page after it", _TEXT),
    _param("before", "The `previous` of a page: the page before it", _TEXT),
]
_PAGE = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["shelf", "author", "subject"]},
        "library": {"type": "string", "nullable": True},
        "from": {"type": "string"},
        "scheme": {"type": "string", "enum": list(SCHEMES)},
        "entries": {"type": "array", "items": {"type": "object"}},
        "previous": {"type": "string", "nullable": True},
        "next": {"type": "string", "nullable": True},
    },
}
_ANSWERS = {
    "200": {"description": "One page", "content": {"application/json": {"schema": _PAGE}}},
    "400": {"description": "An unknown scheme"},
    "404": {"description": "No member library with that code"},
    "503": {"description": "The search engine is down"},
}

BROWSE_PATHS = {
    "/api/v1/browse/shelf": {
        "get": {
            "summary": "A shelf in call-number order: 20 titles from a call number, both ways",
            "description": "Entries: call_number (as that library wrote it), id, url, title, "
            "author, year, format. Without `library`, every library's copies, each at its own "
            "call number.",
            "operationId": "browseShelf",
            "parameters": [
                _param(
                    "scheme",
                    "Classification (default nlm)",
                    {"type": "string", "enum": list(SCHEMES)},
                ),
                _param("from", "Start at this call number, as a reader types it (WG 120)", _TEXT),
                *_PAGING,
            ],
            "responses": _ANSWERS,
        }
    },
    "/api/v1/browse/{kind}": {
        "get": {
            "summary": "Authors or subject headings A to Z, each with its number of titles",
            "description": "Entries: heading, facet (author, mesh or subject), titles, and "
            "search: the search for its titles (filter=FACET:HEADING), whose total is `titles`.",
            "operationId": "browseHeadings",
            "parameters": [
                _param(
                    "kind",
                    "author or subject",
                    {"type": "string", "enum": ["author", "subject"]},
                    "path",
                ),
                _param("from", "Start at this name or heading (smith)", _TEXT),
                *_PAGING,
            ],
            "responses": _ANSWERS,
        }
    },
}
