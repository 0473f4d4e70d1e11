"""Permanent links that outlive merging: where a retired document id's record lives now.

A document's id is its anchor record's `LIBRARY.CONTROLNUMBER`. When another library's record
of the same title joins with a smaller key, or a cluster splits, the anchor changes and so does
the id; the old id's record is still in some document, and the index knows which (`record_key`).
So an old permanent link, a bookmark or a link from the Hub still reaches the title.
"""

from __future__ import annotations

from indexer.engine import SearchRequest


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
