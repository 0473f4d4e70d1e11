"""Koha's own ILS-DI: `ilsdi.pl?service=GetRecords`, the status of every item of each record.

Koha's GetAvailability names items by itemnumber and says only "available" or "not available"
with a reason, never a due date; GetRecords gives each item as Koha holds it: its barcode and
itemnumber, `onloan` (the due date of a current loan), `notforloan`, `itemlost`, `withdrawn`,
`damaged`, a `transfer` under way, and the record's holds (`reserves`, `found` W: waiting on
the hold shelf for the item). The copy is matched by barcode, else itemnumber, as the koha952
holdings profile reads them. The XML is Koha's XML::Simple output (no attributes):

    <GetRecords><record><biblionumber>12</biblionumber>
      <items><item><itemnumber>34</itemnumber><barcode>B1</barcode><onloan>2026-12-21</onloan>
      ...</item></items><reserves><reserve>...</reserve></reserves></record></GetRecords>
"""

from __future__ import annotations

from indexer.availability import http
from indexer.availability.model import (
    AVAILABLE,
    IN_TRANSIT,
    MISSING,
    NOT_FOR_LOAN,
    ON_HOLD_SHELF,
    ON_LOAN,
    ConnectorError,
    CopyStatus,
    now,
)

_OFF = ("", "0")  # Koha's flags: empty or 0 is unset


class KohaConnector(http.RecordsConnector):
    def read(self, body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
        return parse(body, asked)

    def params(self, ids: list[str]) -> dict:
        return {"service": "GetRecords", "id": " ".join(ids)}


def parse(body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
    """The item statuses in a GetRecords answer, for the records asked (system id -> ours)."""
    root = http.xml(body, "Koha GetRecords")
    if root.tag != "GetRecords":
        raise ConnectorError(f"not a Koha GetRecords answer: <{root.tag}>")
    read = now()
    out = []
    for record in root.findall("record"):
        system_id = (record.findtext("biblionumber") or "").strip()
        if system_id not in asked:
            continue
        waiting = {
            (hold.findtext("itemnumber") or "").strip()
            for hold in record.findall("reserves/reserve")
            if (hold.findtext("found") or "").strip() == "W"
        }
        for item in record.findall("items/item"):
            out.append(_status(asked[system_id], item, waiting, read))
    return out


def _status(record_id: str, item, waiting: set[str], read) -> CopyStatus:
    def field(name: str) -> str:
        return (item.findtext(name) or "").strip()

    number = field("itemnumber")
    due = field("onloan")[:10] or None
    if any(field(flag) not in _OFF for flag in ("withdrawn", "itemlost", "damaged")):
        status, message = MISSING, "Not available (lost, withdrawn or damaged)"
    elif field("notforloan") not in _OFF:
        status, message = NOT_FOR_LOAN, "Not for loan"
    elif due:
        status, message = ON_LOAN, "Checked out"
    elif number in waiting:
        status, message = ON_HOLD_SHELF, "Waiting on the hold shelf"
    elif item.find("transfer") is not None:
        status, message = IN_TRANSIT, "In transit"
    else:
        status, message = AVAILABLE, ""
    item_id = field("barcode") or number or None
    return CopyStatus(record_id, item_id, status, read, due_date=due, message=message)
