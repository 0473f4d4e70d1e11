"""Record matching for the union catalogue: which mapped records are one manifestation, and why.

Pure functions, no engine: a loader with a persistent store calls

    keys = blocking_keys(mapped)                 # look up stored records under these keys
    decision = decide(key, mapped, other_key, other, overrides)   # or match(mapped, other)
    decision.same, decision.linked, decision.rule, decision.reason

and a batch job clusters a whole set at once with `cluster_records(records, overrides)`.
"""

from indexer.dedup.cluster import (
    Cluster,
    Overrides,
    cluster_id_for,
    cluster_records,
    decide,
    load_overrides,
)
from indexer.dedup.keys import MatchKeys, blocking_keys, prepare
from indexer.dedup.match import Decision, guard_conflict, levenshtein, match, similarity

__all__ = [
    "Cluster",
    "Decision",
    "MatchKeys",
    "Overrides",
    "blocking_keys",
    "cluster_id_for",
    "cluster_records",
    "decide",
    "guard_conflict",
    "levenshtein",
    "load_overrides",
    "match",
    "prepare",
    "similarity",
]
