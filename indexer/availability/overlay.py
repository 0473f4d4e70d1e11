"""Copies as they are now: the index's holdings with each library's live answer laid over them.

Every copy says where its status comes from and how old it is: `source` live (the library's
system, asked now or within its ttl) or index (its last export), `as_of` when that status was
read (ISO 8601, UTC: the answer's time, or the time of the library's last load), and `checked`
false when the library's system was asked and could not answer ("could not check just now").
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from pathlib import Path

from indexer.availability.live import FAILED, LIVE, Answer, LiveAvailability
from indexer.availability.model import NOT_FOR_LOAN, CopyStatus

LOADS_READ_EVERY_S = 60.0
_INDEX_WORDS = {NOT_FOR_LOAN: "reference"}  # the index's word for the same state


def overlay(displays: dict[str, dict], live: LiveAvailability, loads: LoadTimes) -> dict:
    """`displays` (document id -> display record) with their holdings as they are now."""
    wanted = wanted_of(displays)
    answers = live.ask(wanted) if wanted else {}
    loaded = loads.by_library()
    return {
        doc_id: {
            **display,
            "holdings": [
                now_status(h, answers.get(h["library"]), loaded.get(h["library"]))
                for h in display.get("holdings") or []
            ],
        }
        for doc_id, display in displays.items()
    }


def wanted_of(displays: dict[str, dict]) -> dict[str, dict[str, list[str]]]:
    """What to ask of each library for `displays`: library -> record id -> item ids."""
    wanted: dict[str, dict[str, list[str]]] = {}
    for display in displays.values():
        for h in display.get("holdings") or []:
            items = wanted.setdefault(h["library"], {}).setdefault(h["record_id"], [])
            if h.get("item_id"):
                items.append(str(h["item_id"]))
    return wanted


def now_status(holding: dict, answer: Answer | None, loaded: str | None) -> dict:
    """One copy as it is now, as far as its library's system said."""
    indexed = {**holding, "source": "index", "as_of": loaded, "checked": True}
    if answer is None or answer.state not in (LIVE, FAILED):
        return indexed
    found = _match(holding, answer.statuses.get(holding["record_id"]))
    if found is None:
        return {
            **indexed,
            "checked": answer.state == LIVE and holding["record_id"] in answer.statuses,
        }
    return {
        **holding,
        "status": _INDEX_WORDS.get(found.status, found.status),
        "due_date": found.due_date,
        "status_text": found.message or holding.get("status_text"),
        "source": "live",
        "as_of": iso(found.as_of),
        "checked": True,
    }


def _match(holding: dict, statuses: list[CopyStatus] | None) -> CopyStatus | None:
    """The live status of this copy: its item id, or ending in ":" + it; a record's own
    status when the system gave no items."""
    if not statuses:
        return None
    item = str(holding.get("item_id") or "")
    for status in statuses:
        given = status.item_id or ""
        if item and (given == item or given.endswith(":" + item)):
            return status
    wholes = [s for s in statuses if s.item_id is None]
    return wholes[0] if wholes and not item else None


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LoadTimes:
    """When each library's records were last loaded (its load reports in DATA_DIR/reports),
    read again at most once a minute."""

    def __init__(self, reports_dir: Path | None) -> None:
        self.reports_dir = Path(reports_dir) if reports_dir is not None else None
        self._lock = threading.Lock()
        self._read_at = -LOADS_READ_EVERY_S
        self._times: dict[str, str] = {}

    def by_library(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() - self._read_at >= LOADS_READ_EVERY_S:
                self._times = self._read()
                self._read_at = time.monotonic()
            return self._times

    def _read(self) -> dict[str, str]:
        out: dict[str, float] = {}
        if self.reports_dir is None:
            return {}
        try:
            reports = sorted(self.reports_dir.glob("load-*.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return {}
        for path in reports[-500:]:  # oldest first: a later load wins
            try:
                data = json.loads(path.read_text())
                finished = path.stat().st_mtime
            except (OSError, ValueError):
                continue
            entries = data.get("libraries") if isinstance(data, dict) else None
            for entry in entries if isinstance(entries, list) else [data]:
                if isinstance(entry, dict) and isinstance(entry.get("library"), str):
                    out[entry["library"]] = finished
        return {
            lib: iso(datetime.datetime.fromtimestamp(t, datetime.UTC)) for lib, t in out.items()
        }
