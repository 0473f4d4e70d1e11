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
