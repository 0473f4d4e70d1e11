"""Permanent links that outlive merging: where a retired document id's record lives now.

A document's id is its anchor record's `LIBRARY.CONTROLNUMBER`. When another library's record
of the same title joins with a smaller key, or a cluster splits, the anchor changes and so does
the id; the old id's record is still in some document, and the index knows which (`record_key`).
So an old permanent link, a bookmark or a link from the Hub still reaches the title.
"""

from __future__ import annotations

from flask import abort, redirect, url_for

WITHDRAWN = "We could not find that record. It may have been withdrawn."


def moved_or_missing(service, doc_id: str, endpoint: str, missing: str, **values):
    """The answer for an id no document has: a 301 to `endpoint` for the document that holds
    its record now (merged into, or split off as, another since), else a 404 saying `missing`."""
    moved_to = service.moved_to(doc_id)
    if moved_to is None:
        abort(404, missing)
    return redirect(url_for(endpoint, doc_id=moved_to, **values), 301)
