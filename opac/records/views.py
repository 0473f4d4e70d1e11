"""Record downloads: /record/ID/export/ris|bib|xml|mrc.

The MARC downloads are the record the OAI-PMH feed serves as `marc21` for the same document (one
builder, one writer: `indexer.marc`), with the consortium's 003 and the catalogue's datestamp.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from indexer.marc.writer import marcxml_document, to_iso2709
from opac.oai.views import provider
from opac.records import export
from opac.records.moved import WITHDRAWN, moved_or_missing

bp = Blueprint("records", __name__)


def _marc(write):
    return lambda display: write(provider().marc_record(display))


FORMATS = {
    "ris": (
        "application/x-research-info-systems; charset=utf-8",
        "ris",
        lambda d: export.to_ris(d).encode(),
    ),
    "bib": ("application/x-bibtex; charset=utf-8", "bib", lambda d: export.to_bibtex(d).encode()),
    "xml": ("application/marcxml+xml; charset=utf-8", "xml", _marc(marcxml_document)),
    "mrc": ("application/marc", "mrc", _marc(to_iso2709)),
}


@bp.get("/record/<doc_id>/export/<fmt>", endpoint="export")
def export_record(doc_id: str, fmt: str):
    if fmt not in FORMATS:
        abort(404, "Records can be exported as ris, bib, xml (MARCXML) or mrc (MARC21).")
    service = current_app.extensions["lantern"]
    display = service.display(doc_id)
    if display is None:
        return moved_or_missing(service, doc_id, "records.export", WITHDRAWN, fmt=fmt)
    mimetype, extension, render = FORMATS[fmt]
    safe_id = "".join(c for c in display["id"] if c.isalnum() or c in "._-")
    return Response(
        render(display),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{safe_id}.{extension}"'},
    )
