"""Which copies a result lists: at most a few of each library's, the most useful first."""

from __future__ import annotations

from collections import Counter

# A result lists at most this many copies of each library: enough to say where the title is
# and whether it can be borrowed now, without a journal's 1,400 volumes in every result (200 KB
# of JSON each). The record (`/api/v1/records/ID`, the record page) lists every copy.
RESULT_COPIES_PER_LIBRARY = 5
# Which copies a result keeps when it must choose: the ones a reader can have soonest.
_USEFULNESS = {"available": 0, "online": 1, "on_loan": 2, "reference": 3}


def most_useful_copies(entries: list[dict], per_library: int) -> list[dict]:
    """At most `per_library` of each library's copies, available ones first, in their order."""
    counts = Counter(e["library"] for e in entries)
    if max(counts.values(), default=0) <= per_library:
        return entries
    ranked = sorted(
        range(len(entries)),
        key=lambda i: (_USEFULNESS.get(entries[i]["status"], len(_USEFULNESS)), i),
    )
    taken: Counter = Counter()
    kept = []
    for i in ranked:
        library = entries[i]["library"]
        if taken[library] < per_library:
            taken[library] += 1
            kept.append(i)
    return [entries[i] for i in sorted(kept)]


def copies_of(display: dict, consortium) -> list[dict]:
    """Every copy of a result as the API shows it: each item, and one entry for each member
    record without items (an e-book, a record whose library exports no items)."""
    holdings = display.get("holdings") or []
    libraries = consortium.libraries
    entries = [
        {
            "library": h["library"],
            "library_name": h.get("library_name", h["library"]),
            "site": h.get("site_name") or h.get("site") or "",
            # shelved by name (the libraries file, else the holdings profile), code kept
            "location": _location_name(libraries.get(h["library"]), h.get("location")),
            "location_code": h.get("location") or "",
            "call_number": h.get("call_number") or "",
            "status": h.get("status") or "unknown",
            "due_date": h.get("due_date"),
            "record_id": h["record_id"],
            "item_id": h.get("item_id"),
        }
        for h in holdings
    ]
    with_items = {h["record_id"] for h in holdings}
    for m in display.get("members") or []:
        if m["record_id"] not in with_items:  # one entry per member record without items
            lib = consortium.libraries.get(m["library"])
            entries.append(
                {
                    "library": m["library"],
                    "library_name": lib.name if lib else m["library"],
                    "site": "",
                    "location": "",
                    "location_code": "",
                    "call_number": "",
                    "status": "online" if display.get("links") else "unknown",
                    "due_date": None,
                    "record_id": m["record_id"],
                }
            )
    return entries


def _location_name(library, code: str | None) -> str:
    if not code:
        return ""
    return library.location_name(code) if library is not None else code


def copies_by_library(entries: list[dict], consortium) -> list[dict]:
    """The copies grouped by library, in order: each with its items, whether one is available now
    and the library's own catalogue page for the record."""
    groups: dict[str, dict] = {}
    for h in entries:
        group = groups.setdefault(
            h["library"],
            {
                "library": h["library"],
                "library_name": h["library_name"],
                "items": [],
                "available": False,
                "catalogue_link": None,
            },
        )
        group["items"].append(h)
        group["available"] = group["available"] or h["status"] == "available"
        lib = consortium.libraries.get(h["library"])
        if lib and not group["catalogue_link"]:
            group["catalogue_link"] = lib.record_link(h["record_id"])
    return list(groups.values())
