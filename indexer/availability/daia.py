"""DAIA, the Document Availability Information API (JSON, https://gbv.github.io/daia/).

GET URL?id=ID1|ID2&format=json answers {"document": [{"id": ..., "item": [...]}]}; an item is
available when its `available` list offers the service "loan", on loan when `unavailable`
lists "loan" with an `expected` date, for reference only when only "presentation" is offered.
"""

from __future__ import annotations

import json

from indexer.availability import http
from indexer.availability.model import (
    AVAILABLE,
    NOT_FOR_LOAN,
    ON_LOAN,
    UNKNOWN,
    ConnectorError,
    CopyStatus,
    meaning,
    now,
)


class DaiaConnector(http.RecordsConnector):
    accept = "application/json"

    def read(self, body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
        return parse(body, asked)

    def params(self, ids: list[str]) -> dict:
        return {"id": "|".join(ids), "format": "json"}


def parse(body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
    try:
        answer = json.loads(body)
        documents = answer["document"] if isinstance(answer, dict) else None
    except (ValueError, KeyError) as exc:
        raise ConnectorError(f"not a DAIA answer: {exc}") from exc
    if not isinstance(documents, list):
        raise ConnectorError("not a DAIA answer: no document list")
    read = now()
    out = []
    for document in documents:
        if not isinstance(document, dict) or document.get("id") not in asked:
            continue
        ours = asked[document["id"]]
        for item in document.get("item") or []:
            if isinstance(item, dict):
                out.append(_item(ours, item, read))
    return out


def _item(record_id: str, item: dict, read) -> CopyStatus:
    def services(key: str) -> dict[str, dict]:
        return {s.get("service"): s for s in item.get(key) or [] if isinstance(s, dict)}

    available, unavailable = services("available"), services("unavailable")
    item_id = str(item.get("id") or item.get("label") or "") or None
    message = ""
    if "loan" in available:
        status, due = AVAILABLE, None
    elif "loan" in unavailable:
        loan = unavailable["loan"]
        due = str(loan.get("expected") or "")[:10] or None
        message = " ".join(str(x.get("content", "")) for x in loan.get("limitation") or [])
        status = ON_LOAN if due or not message else meaning(message, fallback=ON_LOAN)
    elif "presentation" in available:
        status, due = NOT_FOR_LOAN, None
    else:
        status, due = UNKNOWN, None
    return CopyStatus(record_id, item_id, status, read, due_date=due, message=message)
