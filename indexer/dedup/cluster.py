"""Group records into clusters of one manifestation each, deterministically, with overrides.

Records are identified by a record key, `LIB:CONTROLNUMBER`. Clustering sorts the records by
key, finds candidate pairs through shared blocking keys, decides each pair (overrides first,
then `match`), and merges the strongest evidence first (overrides, ISBN, ISSN, OCLC, title
key). A merge is refused when any member of one cluster conflicts with any member of the
other (a guard or a "never merge" override), so A~B and B~C never chain A and C together
when A and C are different editions. Everything is ordered by key, so the same records give
the same clusters whatever order they come in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.dedup.keys import MatchKeys, keys_of, prepare
from indexer.dedup.match import (
    ALWAYS_MERGE,
    ISBN,
    ISSN,
    NEVER_MERGE,
    OCLC,
    TITLE_KEY,
    Decision,
    guard_conflict,
    match_keys,
)
from indexer.errors import ConfigError
from indexer.tomlfile import TomlLines, at, read_toml_text

ANCHOR_REASON = "anchor of the cluster"
# Blocks up to this size compare every pair of their records; larger ones compare each record
# with this many neighbours (see candidate_pairs).
BLOCK_WINDOW = 50
# Strongest evidence merges first, so a weak title-key match cannot claim a record that an
# identifier would have put elsewhere.
_RULE_ORDER = {ALWAYS_MERGE: 0, ISBN: 1, ISSN: 2, OCLC: 3, TITLE_KEY: 4}


@dataclass(frozen=True, slots=True)
class Overrides:
    """Librarians' decisions on pairs of record keys, applied before the rules."""

    never: frozenset[frozenset[str]] = frozenset()
    always: frozenset[frozenset[str]] = frozenset()

    @property
    def named(self) -> set[str]:
        """Every record key some override names."""
        return {key for pair in self.never | self.always for key in pair}

    def decide(self, a_key: str, b_key: str) -> Decision | None:
        pair = frozenset((a_key, b_key))
        if pair in self.never:
            return Decision(False, NEVER_MERGE, "never merge (override)")
        if pair in self.always:
            return Decision(True, ALWAYS_MERGE, "always merge (override)")
        return None


def _pairs(group: list, where: str) -> list[frozenset[str]]:
    keys = list(dict.fromkeys(group))
    if len(keys) < 2 or not all(isinstance(k, str) and ":" in k for k in keys):
        raise ConfigError(f"{where}: 'records' needs two or more keys like 'LIB:CONTROLNUMBER'")
    return [frozenset((a, b)) for i, a in enumerate(keys) for b in keys[i + 1 :]]


def load_overrides(path: str | Path) -> Overrides:
    """Read overrides from TOML; every pair of keys in one entry is covered::

    [[never_merge]]
    records = ["NHS-A:123", "NHS-B:456"]
    note = "bound with local material"     # optional, for people

    [[always_merge]]
    records = ["NHS-A:77", "NHS-C:b1234"]
    """
    path = Path(path)
    text, data = read_toml_text(path, "dedup overrides file")
    lines = TomlLines(text)
    found: dict[str, set[frozenset[str]]] = {"never_merge": set(), "always_merge": set()}
    for section, pairs in found.items():
        for n, entry in enumerate(data.get(section, []), start=1):
            where = f"{at(path, lines.line_of(section, n, 'records'))}: {section} #{n}"
            if not isinstance(entry, dict):
                raise ConfigError(f"{where}: expected a table with 'records'")
            pairs.update(_pairs(entry.get("records", []), where))
    both = found["never_merge"] & found["always_merge"]
    if both:
        shown = " / ".join(sorted(next(iter(both))))
        raise ConfigError(f"{path}: {shown} is both never_merge and always_merge")
    return Overrides(frozenset(found["never_merge"]), frozenset(found["always_merge"]))


def decide(
    a_key: str, a: dict | MatchKeys, b_key: str, b: dict | MatchKeys, overrides: Overrides | None
) -> Decision:
    """`match` with the overrides applied first (what a loader calls per candidate pair)."""
    if overrides is not None:
        decision = overrides.decide(a_key, b_key)
        if decision is not None:
            return decision
    ka = a if isinstance(a, MatchKeys) else prepare(a)
    kb = b if isinstance(b, MatchKeys) else prepare(b)
    return match_keys(ka, kb)


@dataclass(slots=True)
class Cluster:
    """One manifestation: its members as (record key, why it is here), anchor first."""

    cluster_id: str
    members: list[tuple[str, str]]
    # cluster_ids of the same work in another format (print <-> e-book), for "also available as".
    other_formats: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.members]


def cluster_id_for(anchor_key: str) -> str:
    """A stable id from the anchor (the smallest record key of the cluster)."""
    return hashlib.sha1(anchor_key.encode("utf-8")).hexdigest()[:16]


def candidate_pairs(prepared: list[MatchKeys]) -> list[tuple[int, int]]:
    """Index pairs (i < j) that share a blocking key, sorted.

    A block of more than BLOCK_WINDOW records (a title such as "Annual report" with no author,
    a serial's ISSN on a record per volume) pairs each record only with its BLOCK_WINDOW
    neighbours in match-key order, where its duplicates sort: the pairs grow with the block,
    not with its square.
    """
    blocks: dict[str, list[int]] = {}
    for i, keys in enumerate(prepared):
        for key in keys_of(keys):
            blocks.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) <= BLOCK_WINDOW:
            for n, i in enumerate(members):
                pairs.update((i, j) for j in members[n + 1 :])
            continue
        members = sorted(members, key=lambda i: (_order(prepared[i]), i))
        for n, i in enumerate(members):
            pairs.update((min(i, j), max(i, j)) for j in members[n + 1 : n + 1 + BLOCK_WINDOW])
    return sorted(pairs)


def _order(keys: MatchKeys) -> tuple:
    """Where a record sorts in a big block: by its signature, title first (a missing value,
    None, sorts after every present one instead of failing to compare with it)."""
    return tuple((value is None, value) for value in _signature(keys))


def _signature(keys: MatchKeys) -> tuple:
    """Everything matching compares: two records with equal signatures decide alike."""
    return (
        keys.title,
        keys.subtitle,
        keys.author,
        keys.year,
        keys.parts,
        keys.format,
        keys.edition,
        keys.edition_text,
        keys.pages or 0,
        tuple(sorted(keys.isbns)),
        tuple(sorted(keys.issns)),
        tuple(sorted(keys.oclcs)),
        keys.publisher,
    )


class _Clusters:
    """Union of records whose merges respect guards and overrides between *all* members.

    Guards look at no title or author, so members with equal guard signatures conflict with
    the same records: each cluster checks one member per signature (a serial's thousand
    volume-less records under one ISSN are one check, not a thousand)."""

    def __init__(self, keys: list[str], prepared: list[MatchKeys], overrides: Overrides):
        self.keys, self.prepared, self.overrides = keys, prepared, overrides
        self.cluster_of = list(range(len(keys)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(keys))}
        self.edges: dict[int, list[tuple[int, int, str]]] = {i: [] for i in range(len(keys))}
        named = overrides.named
        self.guarded: dict[int, dict[tuple, int]] = {
            i: {(key,) if key in named else _guard_signature(prepared[i]): i}
            for i, key in enumerate(keys)
        }

    def _conflict(self, x: int, y: int) -> bool:
        pair = frozenset((self.keys[x], self.keys[y]))
        if pair in self.overrides.never:
            return True
        if pair in self.overrides.always:
            return False
        return guard_conflict(self.prepared[x], self.prepared[y]) is not None

    def merge(self, i: int, j: int, decision: Decision) -> bool:
        ci, cj = self.cluster_of[i], self.cluster_of[j]
        if ci == cj:
            return False
        if any(
            self._conflict(x, y)
            for x in self.guarded[ci].values()
            for y in self.guarded[cj].values()
        ):
            return False
        # The cluster whose anchor (smallest index = smallest key) is smaller absorbs the other.
        keep, gone = (ci, cj) if ci < cj else (cj, ci)
        for m in self.members[gone]:
            self.cluster_of[m] = keep
        self.members[keep].extend(self.members.pop(gone))
        self.edges[keep].extend(self.edges.pop(gone))
        self.edges[keep].append((i, j, decision.reason))
        guarded = self.guarded[keep]
        for signature, member in self.guarded.pop(gone).items():
            guarded.setdefault(signature, member)
        return True

    def reasons(self, anchor: int) -> dict[int, str]:
        """Why each member is in the cluster: the merge that linked it, walking from the anchor."""
        neighbours: dict[int, list[tuple[int, str]]] = {}
        for i, j, reason in self.edges[anchor]:
            neighbours.setdefault(i, []).append((j, reason))
            neighbours.setdefault(j, []).append((i, reason))
        out = {anchor: ANCHOR_REASON}
        queue = [anchor]
        for node in queue:
            for other, reason in sorted(neighbours.get(node, ())):
                if other not in out:
                    out[other] = f"{reason} (with {self.keys[node]})"
                    queue.append(other)
        return out


def cluster_records(
    records: Iterable[tuple[str, dict]], overrides: Overrides | None = None
) -> list[Cluster]:
    """Cluster mapped records keyed `LIB:CONTROLNUMBER`; sorted by anchor key, members by key.

    Records whose match keys are all equal (the same vendor record loaded by many libraries)
    decide alike against every other record, so only the first of them by key is clustered and
    the others follow it into its cluster: a title held by 30 libraries costs one comparison
    per library, not one per pair.

    Raises ValueError when two records share a key (the caller must give each one its own).
    """
    ordered = sorted(records, key=lambda kv: kv[0])
    keys = [k for k, _ in ordered]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for i, k in enumerate(keys) if i and keys[i - 1] == k})
        raise ValueError(f"record keys must be unique, repeated: {', '.join(dupes[:5])}")
    overrides = overrides or Overrides()
    prepared = [m if isinstance(m, MatchKeys) else prepare(m) for _, m in ordered]
    followers = _followers(keys, prepared, overrides)
    if not followers:
        return _cluster(keys, prepared, overrides)
    leading = [i for i in range(len(keys)) if i not in followers]
    clusters = _cluster([keys[i] for i in leading], [prepared[i] for i in leading], overrides)
    joining: dict[str, list[tuple[str, str]]] = {}
    for follower, (leader, reason) in followers.items():
        joining.setdefault(keys[leader], []).append((keys[follower], reason))
    for cluster in clusters:
        extra = [m for key, _ in cluster.members for m in joining.get(key, ())]
        if extra:
            cluster.members = sorted(cluster.members + extra)
    return clusters


def _followers(
    keys: list[str], prepared: list[MatchKeys], overrides: Overrides
) -> dict[int, tuple[int, str]]:
    """{index: (index of the first record with the same match keys, why they merge)} for
    records that an equal, earlier record stands for. Records named in an override decide for
    themselves, and so do equal records that would not merge with each other (no title)."""
    named = overrides.named
    first: dict[tuple, int] = {}
    reasons: dict[tuple, str | None] = {}
    out: dict[int, tuple[int, str]] = {}
    for i, keys_i in enumerate(prepared):
        if keys[i] in named:
            continue
        signature = _signature(keys_i)
        leader = first.setdefault(signature, i)
        if leader == i:
            continue
        if signature not in reasons:
            decision = match_keys(prepared[leader], keys_i)
            reasons[signature] = decision.reason if decision.same else None
        if reasons[signature] is not None:
            out[i] = (leader, f"{reasons[signature]} (with {keys[leader]})")
    return out


def _guard_signature(keys: MatchKeys) -> tuple:
    """Everything `guard_conflict` looks at (records with equal ones conflict alike)."""
    return (
        keys.format,
        keys.isbns,
        keys.issns,
        keys.edition,
        keys.edition_text,
        keys.parts,
        keys.year,
        keys.pages or 0,
    )


def _cluster(keys: list[str], prepared: list[MatchKeys], overrides: Overrides) -> list[Cluster]:
    """The clustering itself, over records sorted by key."""
    index = {k: i for i, k in enumerate(keys)}

    merges: list[tuple[int, int, int, Decision]] = []
    links: list[tuple[int, int]] = []
    for pair in overrides.always:
        a, b = sorted(pair)
        if a in index and b in index:
            forced = Decision(True, ALWAYS_MERGE, "always merge (override)")
            merges.append((0, index[a], index[b], forced))
    for i, j in candidate_pairs(prepared):
        decision = decide(keys[i], prepared[i], keys[j], prepared[j], overrides)
        if decision.rule == ALWAYS_MERGE:
            continue  # already queued above, whether or not the rules would have found it
        if decision.same:
            merges.append((_RULE_ORDER.get(decision.rule, 5), i, j, decision))
        elif decision.linked:
            links.append((i, j))

    clusters = _Clusters(keys, prepared, overrides)
    for _, i, j, decision in sorted(merges, key=lambda m: m[:3]):
        clusters.merge(i, j, decision)

    ids = {c: cluster_id_for(keys[c]) for c in clusters.members}
    linked: dict[int, set[str]] = {}
    for i, j in links:
        ci, cj = clusters.cluster_of[i], clusters.cluster_of[j]
        if ci != cj:
            linked.setdefault(ci, set()).add(ids[cj])
            linked.setdefault(cj, set()).add(ids[ci])
    result = []
    for c, members in sorted(clusters.members.items()):
        reasons = clusters.reasons(c)
        result.append(
            Cluster(
                cluster_id=ids[c],
                members=[(keys[m], reasons[m]) for m in sorted(members)],
                other_formats=sorted(linked.get(c, ())),
            )
        )
    return result
