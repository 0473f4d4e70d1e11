"""Availability of documents and items, for ILS-DI GetAvailability (DLF 1.1) and its JSON twin.

One call answers a whole results page: every id is looked up in one engine request. Statuses
follow Koha's ILS-DI: "available", "not available" (on loan, reference only - Koha's "Not for
loan"), "unknown" (an id we do not know, or a status the library's export does not say).
Item ids are `DOCUMENT:ITEM` (item ids are only unique within one library's catalogue, and the
document id says where to look); the bib response gives every item in that form. A bib id may
also be a member library's own record, `LIBRARY:RECORD` (as a union catalogue's member asks its
own system): the answer is then that record's items only, under the id asked.
"""

from __future__ import annotations

from indexer.engine.query import SearchRequest
from indexer.errors import AvailabilityRequestError
from indexer.feed.source import fetch_displays
from indexer.feed.text import escape, xml_safe
from indexer.marc.from_document import status_text

MAX_IDS = 200
DLF_NS = "http://diglib.org/ilsdi/1.1"
AVAILABLE, NOT_AVAILABLE, UNKNOWN = "available", "not available", "unknown"
_STATUS = {"available": AVAILABLE, "on_loan": NOT_AVAILABLE, "reference": NOT_AVAILABLE}
_STATUS |= dict.fromkeys(("in_transit", "on_hold_shelf", "missing"), NOT_AVAILABLE)


def parse_ids(raw: str, id_type: str) -> list[str]:
    if id_type not in ("bib", "item"):
        raise AvailabilityRequestError("id_type must be bib or item")
    ids = list(dict.fromkeys(raw.replace("+", " ").split()))
    if not ids:
        raise AvailabilityRequestError("give one or more ids, separated by spaces or +")
    if len(ids) > MAX_IDS:
        raise AvailabilityRequestError(f"at most {MAX_IDS} ids in one request")
    return ids


def _place(h: dict) -> str:
    parts = [h.get("site_name") or h.get("site"), h.get("library_name") or h.get("library")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def item_entry(doc_id: str, h: dict) -> dict:
    return {
        "id": f"{doc_id}:{h.get('item_id') or ''}",
        "status": _STATUS.get(h.get("status") or "", UNKNOWN),
        "message": status_text(h),
        "location": _place(h),
        "library": h.get("library"),
        "call_number": h.get("call_number"),
        "due_date": h.get("due_date"),
        # where the status comes from and when it was read (indexer.availability.overlay)
        "source": h.get("source", "index"),
        "as_of": h.get("as_of"),
        "checked": h.get("checked", True),
    }


def record_entry(doc_id: str, display: dict | None) -> dict:
    """Availability of one document: its items, and a summary EDS can show in a result list."""
    if display is None:
        return {
            "id": doc_id,
            "status": UNKNOWN,
            "location": None,
            "items": [],
            "message": "Error: could not retrieve availability for this ID",
        }
    items = [item_entry(doc_id, h) for h in display.get("holdings") or []]
    online = bool(display.get("links")) and (
        any(link.get("kind") == "fulltext" for link in display["links"])
        or str(display.get("format", "")).startswith("E-")
    )
    free = [i for i in items if i["status"] == AVAILABLE]
    if free:
        status, message, location = (
            AVAILABLE,
            f"Available at {free[0]['location']}",
            free[0]["location"],
        )
        if len(free) > 1:
            message += f" and {len(free) - 1} more"
    elif online:
        status, message, location = AVAILABLE, "Available online", None
    elif items:
        status, message, location = NOT_AVAILABLE, items[0]["message"], items[0]["location"]
    else:
        status, message, location = UNKNOWN, "No copies recorded", None
    return {
        "id": doc_id,
        "status": status,
        "message": message,
        "location": location,
        "online": online,
        "items": items,
    }


def availability(engine, ids: list[str], id_type: str, as_now=None) -> list[dict]:
    """Entries in the order asked; for id_type "item" each entry holds just that item.
    `as_now`: display records -> the same as they are now (the libraries' live statuses)."""
    as_now = as_now or (lambda displays: displays)
    if id_type == "bib":
        found = fetch_displays(engine, ids)
        found |= by_record_key(engine, [i for i in ids if i not in found and ":" in i])
        found = as_now(found)
        return [record_entry(i, found.get(i)) for i in ids]
    wanted = [(i, *i.rsplit(":", 1)) if ":" in i else (i, "", "") for i in ids]
    found = as_now(fetch_displays(engine, sorted({doc for _, doc, _ in wanted if doc})))
    out = []
    for asked, doc_id, item_id in wanted:
        holding = next(
            (
                h
                for h in (found.get(doc_id) or {}).get("holdings") or []
                if str(h.get("item_id") or "") == item_id
            ),
            None,
        )
        if holding is None:
            out.append(
                {
                    "id": doc_id or asked,
                    "status": UNKNOWN,
                    "location": None,
                    "message": "Error: could not retrieve availability for this ID",
                    "items": [
                        {
                            "id": asked,
                            "status": UNKNOWN,
                            "location": None,
                            "message": "Error: could not retrieve availability for this ID",
                        }
                    ],
                }
            )
            continue
        entry = item_entry(doc_id, holding)
        out.append(
            {
                "id": doc_id,
                "status": entry["status"],
                "message": entry["message"],
                "location": entry["location"],
                "items": [entry],
            }
        )
    return out


def by_record_key(engine, keys: list[str]) -> dict[str, dict]:
    """For each `LIBRARY:RECORD` key, its document's display with that record's copies only."""
    if not keys:
        return {}
    found = engine.search(
        SearchRequest(filters=(("record_key", tuple(keys)),), limit=len(keys), facets=())
    )
    out = {}
    for hit in found.hits:
        for key in keys:
            library, record_id = key.split(":", 1)
            mine = [
                h
                for h in hit.display.get("holdings") or []
                if h["library"] == library and h["record_id"] == record_id
            ]
            if mine or any(
                m["library"] == library and m["record_id"] == record_id
                for m in hit.display.get("members") or []
            ):
                out[key] = {**hit.display, "holdings": mine}
    return out


def _simple(identifier: str, entry: dict) -> str:
    out = [
        "<dlf:simpleavailability>",
        f"<dlf:identifier>{_x(identifier)}</dlf:identifier>",
        f"<dlf:availabilitystatus>{entry['status']}</dlf:availabilitystatus>",
    ]
    if entry.get("message"):
        out.append(f"<dlf:availabilitymsg>{_x(entry['message'])}</dlf:availabilitymsg>")
    if entry.get("due_date"):
        out.append(f"<dlf:dateavailable>{_x(entry['due_date'])}</dlf:dateavailable>")
    if entry.get("location"):
        out.append(f"<dlf:location>{_x(entry['location'])}</dlf:location>")
    out.append("</dlf:simpleavailability>")
    return "".join(out)


def to_dlf_xml(entries: list[dict], id_type: str) -> str:
    """The DLF ILS-DI 1.1 `dlf:collection` Koha's GetAvailability returns."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<dlf:collection xmlns:dlf="{DLF_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{DLF_NS} '
        'http://diglib.org/architectures/ilsdi/schemas/1.1/dlfexpanded.xsd">',
    ]
    for entry in entries:
        out.append(f'<dlf:record><dlf:bibliographic id="{_x(entry["id"])}"/>')
        if entry["items"]:
            out.append("<dlf:items>")
            for item in entry["items"]:
                out.append(
                    f'<dlf:item id="{_x(item["id"])}">{_simple(item["id"], item)}</dlf:item>'
                )
            out.append("</dlf:items>")
        if id_type == "bib":
            out.append(_simple(entry["id"], entry))
        out.append("</dlf:record>")
    out.append("</dlf:collection>")
    return "".join(out)


def _x(value) -> str:
    return escape(xml_safe(str(value)))
