"""Copies as they are now, on the reader's pages.

A page renders at once with each copy's status from the index, labelled with its age ("as of
the 06:00 export"). Where the copy's library names its own system (indexer.availability), the
status carries a key, and lantern.js asks /availability/now once for every such copy on the
page. The answer streams one line of JSON per library as its system answers (a slow or dead
system never holds back the others), and each status and its age are replaced in place
("checked at 10:42", or "could not check just now" beside the export's status), and what
changed is said politely. Without JavaScript the page is whole, and its labels say how old
each status may be.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opac.ui.nearest import status_text

MAX_RECORDS = 50  # a results page shows at most 50 records

try:
    LOCAL = ZoneInfo("Europe/London")  # the readers' clock (the NHS in England)
except ZoneInfoNotFoundError:  # a system without a time zone database
    LOCAL = datetime.UTC


def copy_key(doc_id: str, copy: dict) -> str:
    """What names one copy on a page and in /availability/now's answer."""
    return "|".join((doc_id, copy["library"], copy["record_id"], str(copy.get("item_id") or "")))


def age_text(copy: dict, now: datetime.datetime | None = None) -> str:
    """How old a copy's status is, in words: "checked at 10:42", "as of the 06:00 export",
    "as of the 5 Dec export"; "could not check just now" first when its system failed."""
    when = _moment(copy.get("as_of"))
    if copy.get("source") == "live" and when is not None:
        return f"checked at {when.astimezone(LOCAL):%H:%M}"
    if when is None:
        age = "as of the last export"
    else:
        local, today = (
            when.astimezone(LOCAL),
            (now or datetime.datetime.now(LOCAL)).astimezone(LOCAL),
        )
        day = f"{local:%H:%M}" if local.date() == today.date() else f"{local.day} {local:%b}"
        age = f"as of the {day} export"
    return age if copy.get("checked", True) else f"could not check just now; {age}"


def copies_as_answered(service, doc_ids: list[str]) -> Iterator[dict]:
    """For each library, as soon as its system has answered (or failed, or needs no asking),
    its copies among `doc_ids` as they are now: {"library", "state", "copies": key -> status,
    text, age and source}."""
    for answer, now in service.answered(doc_ids[:MAX_RECORDS]):
        copies = {
            copy_key(doc_id, h): {
                "status": h["status"],
                "text": status_text(h),
                "age": age_text(h),
                "source": h["source"],
            }
            for doc_id, display in now.items()
            for h in display["holdings"]
        }
        yield {"library": answer.library, "state": answer.state, "copies": copies}


def _moment(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
