"""Permanent links that outlive merging: where a retired document id's record lives now.

A document's id is its anchor record's `LIBRARY.CONTROLNUMBER`. When another library's record
of the same title joins with a smaller key, or a cluster splits, the anchor changes and so does
the id; the old id's record is still in some document, and the index knows which (`record_key`).
So an old permanent link, a bookmark or a link from the Hub still reaches the title.
"""

from __future__ import annotations

from flask import abort, redirect, url_for

from indexer.engine import SearchRequest

WITHDRAWN = "We could not find that record. It may have been withdrawn."


def current_id(engine, doc_id: str) -> str | None:
    """The id of the document that now holds the record `doc_id` was named after, if any."""
    library, dot, record_id = doc_id.partition(".")
    if not dot or not library or not record_id or len(doc_id) > 200:
        return None
    found = engine.search(SearchRequest(filters=(("record_key", (f"{library}:{record_id}",)),),
                                        limit=1))
    if not found.hits or found.hits[0].id == doc_id:
        return None
    return found.hits[0].id


def moved_or_missing(engine, doc_id: str, endpoint: str, missing: str, **values):
    """The answer for an id no document has: a 301 to `endpoint` for the document that holds
    its record now (merged into, or split off as, another since), else a 404 saying `missing`."""
    moved_to = current_id(engine, doc_id)
    if moved_to is None:
        abort(404, missing)
    return redirect(url_for(endpoint, doc_id=moved_to, **values), 301)
