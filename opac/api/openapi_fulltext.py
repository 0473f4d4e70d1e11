"""The OpenAPI description of full text through the reader's library (issue 20, part 2): the
record's DOIs and PubMed ids, its full-text links and e-journal coverage."""

from __future__ import annotations

_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}

FULLTEXT_PROPERTIES = {
    "doi": {**_STRS, "description": "DOIs, lower case, without https://doi.org/ (records)"},
    "pmid": {**_STRS, "description": "PubMed ids (records)"},
    "fulltext": {
        "type": "array",
        "description": "full text through each library holding the title (a record with "
        "`library=CODE`: through that library) that names a link resolver or DOI link, "
        "through its proxy",
        "items": {
            "type": "object",
            "properties": {
                "library": _STR,
                "library_name": _STR,
                "url": _STR,
                "via": {
                    "type": "string",
                    "enum": ["openurl", "doi"],
                    "description": "openurl: an OpenURL 1.0 (Z39.88-2004 KEV) link to the "
                    "library's resolver; doi: its DOI link",
                },
            },
        },
    },
    "coverage": {
        "type": "array",
        "description": "e-journal coverage licensed by each library, from its KBART list (records)",
        "items": {
            "type": "object",
            "properties": {
                "library": _STR,
                "library_name": _STR,
                "start": _STR,
                "end": _STR,
                "embargo": {**_STR, "description": "KBART embargo_info, such as P1Y or R6M"},
                "provider": _STR,
                "text": {
                    **_STR,
                    "description": "in words: Online 1998 to present, via BMJ; latest 12 "
                    "months embargoed",
                },
            },
        },
    },
}

RECORD_LIBRARY = {
    "name": "library",
    "in": "query",
    "required": False,
    "description": "A member library's code: full text and coverage through that library "
    "(the reader's library), whether or not it holds the title",
    "schema": _STR,
}
