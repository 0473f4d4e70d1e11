"""What a member library's system says of a copy, and when it said it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from indexer.errors import IndexerError

# A copy's status, in the words of every connector (and of the index: see live.indexed_status).
AVAILABLE, ON_LOAN, NOT_FOR_LOAN = "available", "on_loan", "not_for_loan"
IN_TRANSIT, ON_HOLD_SHELF, MISSING, UNKNOWN = "in_transit", "on_hold_shelf", "missing", "unknown"
STATUSES = (AVAILABLE, ON_LOAN, NOT_FOR_LOAN, IN_TRANSIT, ON_HOLD_SHELF, MISSING, UNKNOWN)

# Words systems put in their status messages, and the status they mean (the first match wins;
# Koha's ILS-DI says "not available" and leaves the why to the message).
_MEANINGS = (
    (("transit",), IN_TRANSIT),
    (("hold", "reserve", "waiting"), ON_HOLD_SHELF),
    (("lost", "missing", "withdrawn", "damaged"), MISSING),
    (("not for loan", "reference", "library use", "notforloan"), NOT_FOR_LOAN),
    (("checked out", "on loan", "loan", "due", "charged", "issued"), ON_LOAN),
)


class ConnectorError(IndexerError):
    """A member system could not be asked, or its answer could not be read."""


@dataclass(frozen=True)
class CopyStatus:
    """One copy (`item_id`), or a record as a whole (`item_id` None), as its system says now.

    `record_id`: the library's own record id (as the index keeps it in its holdings);
    `due_date`: ISO date when on loan; `as_of`: when the system was read (UTC)."""

    record_id: str
    item_id: str | None
    status: str
    as_of: datetime.datetime
    due_date: str | None = None
    message: str = ""


def meaning(message: str, fallback: str = UNKNOWN) -> str:
    """The status a system's message means ("Checked out" -> on_loan), else `fallback`."""
    text = message.casefold()
    for words, status in _MEANINGS:
        if any(word in text for word in words):
            return status
    return fallback


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
