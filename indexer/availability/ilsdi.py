"""DLF ILS-DI GetAvailability, as any system serving the standard answers it (Lantern's own /ilsdi
among them; for Koha, koha.py asks GetRecords, which also gives barcodes and due dates).

GET URL?service=GetAvailability&id=ID1+ID2&id_type=bib answers a `dlf:collection`: for each
record its items, each with a `dlf:simpleavailability` (identifier, availabilitystatus
available / not available / unknown, availabilitymsg saying why, dateavailable when due back).
An item is matched to the index's copy by its identifier: the item id itself, or ending in
":" + the item id (systems that prefix items with their record, as Lantern's own /ilsdi does).
"""

from __future__ import annotations

from lxml import etree

from indexer.availability import http
from indexer.availability.model import (
    AVAILABLE,
    UNKNOWN,
    ConnectorError,
    CopyStatus,
    meaning,
    now,
)

DLF = "{http://diglib.org/ilsdi/1.1}"


class IlsdiConnector(http.RecordsConnector):
    def read(self, body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
        return parse(body, asked)

    def params(self, ids: list[str]) -> dict:
        return {"service": "GetAvailability", "id": " ".join(ids), "id_type": "bib"}


def parse(body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
    """The statuses in a GetAvailability answer, for the records asked (system id -> ours)."""
    root = http.xml(body, "ILS-DI")
    if root.tag != f"{DLF}collection":
        raise ConnectorError(f"not an ILS-DI answer: <{etree.QName(root).localname}>")
    read = now()
    out = []
    for record in root.iter(f"{DLF}record"):
        bib = record.find(f"{DLF}bibliographic")
        system_id = bib.get("id") if bib is not None else None
        if system_id not in asked:
            continue
        ours = asked[system_id]
        items = record.findall(f"{DLF}items/{DLF}item")
        for item in items:
            out.append(_status(ours, item.get("id") or "", item, read))
        if not items:  # the record as a whole
            out.append(_status(ours, None, record, read))
    return out


def _status(record_id: str, item_id: str | None, element, read) -> CopyStatus:
    simple = element.find(f"{DLF}simpleavailability")
    if simple is None:
        return CopyStatus(record_id, item_id, UNKNOWN, read)

    def text(name: str) -> str:
        found = simple.find(f"{DLF}{name}")
        return (found.text or "").strip() if found is not None else ""

    said, message = text("availabilitystatus").casefold(), text("availabilitymsg")
    if said == AVAILABLE:
        status = AVAILABLE
    elif said == "not available":
        status = meaning(message, fallback=UNKNOWN)
    else:
        status = UNKNOWN
    due = text("dateavailable")[:10] or None
    return CopyStatus(record_id, item_id, status, read, due_date=due, message=message)
