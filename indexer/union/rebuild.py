"""The union catalogue: records that changed -> clusters decided again -> documents rebuilt.

After a load has put its records into the store, the records it touched, every record sharing a
blocking key with them, and the other members of their documents are split into independent
groups (records linked by shared blocking keys or a shared document). Each group is clustered
with the matching rules (`indexer.dedup`, order-independent: the same records give the same
documents whatever order the libraries were loaded in) and its documents are built, in the load's
worker processes. A document's id is the record id of its anchor (the smallest member key), so it
is short and free of hyphens; a document that disappears leaves a tombstone in the store.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from indexer.catalogue.store import CatalogueStore, StoredRecord, decode, now
from indexer.dedup import Overrides, cluster_records
from indexer.dedup.cluster import ANCHOR_REASON
from indexer.mesh.linking import link_mesh
from indexer.union.document import Member, build_document, record_doc_id

SINGLE_REASON = "the only record of this title"
ANCHOR_TEXT = "first of the matching records (the others were merged with it)"
GROUP_BATCH = 400  # records per job sent to a worker


@dataclass
class UnionChanges:
    """What one round of reclustering did to the search documents."""

    written: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    stamp: float | None = None  # the datestamp given to what changed
    seconds: float = 0.0  # the whole load's time, when a load made these changes
    merge_seconds: float = 0.0  # of which re-clustering and writing the documents


@dataclass(frozen=True)
class BuildContext:
    """What a worker needs to build documents: libraries, overrides, the engine's preparer."""

    consortium: object
    overrides: Overrides | None
    prepare: Callable | None
    merge: bool = True
    mesh_path: Path | None = None  # the MeSH vocabulary headings are linked to, if imported


@dataclass(frozen=True, slots=True)
class BuiltDocument:
    doc_id: str
    member_keys: tuple[str, ...]
    content_hash: str
    prepared: object
    sets: str = ""  # OAI set specs: library:CODE region:CODE format:NAME


def doc_id_for(anchor_key: str) -> str:
    library, _, record_id = anchor_key.partition(":")
    return record_doc_id(library, record_id)


def groups(
    store: CatalogueStore,
    dirty_keys: set[str],
    dirty_docs: set[str],
    forced: Iterable[frozenset[str]] = (),
) -> list[list[str]]:
    """Independent groups of record keys around what changed (union of shared blocking keys,
    shared documents and the `forced` pairs of always-merge overrides), each sorted; groups
    sorted by their first key. Each group is whole, as a rebuild of everything groups it."""
    if len(dirty_keys) * 2 >= store.record_count():  # most of the catalogue: take it all
        return all_groups(store, forced)
    affected, pairs = _whole_groups(store, dirty_keys | store.members_of(dirty_docs), list(forced))
    return _union_groups(affected, itertools.chain(store.links_among(affected), pairs))


def _whole_groups(
    store: CatalogueStore, keys: set[str], forced: list[frozenset[str]]
) -> tuple[set[str], list[list[str]]]:
    """`keys` grown to the whole of their groups: every record sharing a blocking key or a
    document with one already in, and the stored partners of always-merge pairs (a librarian
    may join records that share no key), until none adds a record; and those pairs as links.

    Only whole groups give the documents a rebuild gives: a document's other formats are
    decided among its group, so a document rebuilt without the neighbours of its own records
    (an e-book reached through the ISBN of a delta's print record, without the print edition
    that shares its title and author) would lose links a rebuild keeps."""
    found: set[str] = set()
    frontier = set(keys)
    while frontier:
        found |= frontier
        grown = store.neighbours(frontier) - found
        partners = {k for pair in forced if pair & (frontier | grown) for k in pair}
        partners = set(store.hashes(sorted(partners - found - grown)))  # records that exist
        frontier = grown | partners
    return found, [sorted(pair) for pair in forced if pair <= found]


def _union_groups(keys: set[str], links: Iterable[list[str]]) -> list[list[str]]:
    """`keys` grouped: keys in one of the `links` lists (all of them in `keys`) go together."""
    parent: dict[str, str] = {k: k for k in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in links:
        members = [k for k in members if k in parent]
        if len(members) < 2:
            continue
        root = find(members[0])
        for other in members[1:]:
            other_root = find(other)
            if other_root != root:
                low, high = sorted((root, other_root))
                parent[high] = low
                root = low
    grouped: dict[str, list[str]] = {}
    for key in keys:
        grouped.setdefault(find(key), []).append(key)
    return sorted((sorted(g) for g in grouped.values()), key=lambda g: g[0])


def build_group(context: BuildContext, records: list[StoredRecord]) -> list[BuiltDocument]:
    """Cluster one group and build its documents (runs in a worker process)."""
    by_key = {r.key: r for r in records}
    if context.merge and len(records) > 1:
        clusters = [
            (c.members, c.other_formats, c.cluster_id)
            for c in cluster_records([(r.key, r.mapped) for r in records], context.overrides)
        ]
    else:  # a record alone in its group has nothing to merge with: skip the matcher
        clusters = [([(r.key, SINGLE_REASON)], [], r.key) for r in records]
    doc_of = {cid: doc_id_for(members[0][0]) for members, _, cid in clusters}
    summary = (
        {cid: _summary(by_key[members[0][0]], doc_of[cid]) for members, _, cid in clusters}
        if any(c[1] for c in clusters)
        else {}
    )
    built = []
    for members, other_formats, cid in clusters:
        if len(members) == 1:
            reasons = [(members[0][0], SINGLE_REASON)]
        else:
            reasons = [(k, ANCHOR_TEXT if r == ANCHOR_REASON else r) for k, r in members]
        doc = build_document(
            [_member(by_key[k], r, context.consortium) for k, r in reasons], doc_of[cid]
        )
        link_mesh(doc, context.mesh_path)
        if other_formats:
            doc["display"]["other_formats"] = [summary[o] for o in other_formats if o in summary]
        prepared = context.prepare(doc) if context.prepare else doc
        content_hash = hashlib.blake2b(
            orjson.dumps(prepared, option=orjson.OPT_SORT_KEYS), digest_size=12
        ).hexdigest()
        built.append(
            BuiltDocument(
                doc_of[cid],
                tuple(k for k, _ in members),
                content_hash,
                prepared,
                set_specs(doc, context.consortium),
            )
        )
    return built


def rebuild(
    store: CatalogueStore,
    engine,
    context: BuildContext,
    dirty_keys: set[str],
    dirty_docs: set[str],
    run_jobs: Callable[[Iterable], Iterable] | None = None,
    *,
    repair: bool = False,
) -> UnionChanges:
    """Re-cluster around the changed records and write the documents that follow from it.

    run_jobs maps `build_job` over jobs (a worker pool's imap, or None for this process).
    repair: the index may hold documents of these records that the store does not know of (a
    flush whose store commit failed after the index's): every document is written again,
    replacing it by id, and any other id the records could have given a document is deleted."""
    if not dirty_keys and not dirty_docs:
        return UnionChanges()
    return _apply(
        store,
        engine,
        context,
        groups(store, dirty_keys, dirty_docs, _always(context)),
        set(dirty_docs),
        run_jobs,
        rewrite_all=False,
        repair=repair,
    )


def rebuild_all(
    store: CatalogueStore,
    engine,
    context: BuildContext,
    run_jobs: Callable[[Iterable], Iterable] | None = None,
) -> UnionChanges:
    """Every document, written to `engine` (a fresh index) whether or not it changed."""
    key_groups = all_groups(store, _always(context))
    return _apply(store, engine, context, key_groups, set(), run_jobs, rewrite_all=True)


def all_groups(store: CatalogueStore, forced: Iterable[frozenset[str]] = ()) -> list[list[str]]:
    keys = store.all_keys()
    pairs = [sorted(pair) for pair in forced if pair <= keys]
    return _union_groups(keys, itertools.chain(store.all_links(), pairs))


def _always(context: BuildContext) -> frozenset[frozenset[str]]:
    return context.overrides.always if context.overrides and context.merge else frozenset()


def _apply(
    store, engine, context, key_groups, dirty_docs, run_jobs, rewrite_all: bool, repair=False
) -> UnionChanges:
    stamp = now()
    changes = UnionChanges(stamp=stamp)
    jobs = _jobs(store, key_groups)
    results = (run_jobs or _in_process(context))(jobs)
    old_docs: set[str] = dirty_docs
    new_docs: set[str] = set()
    possible: set[str] = set()  # every id these records could have given a document
    for old, built in results:
        old_docs |= old
        fresh, again = [], []
        states = store.documents_changed([(b.doc_id, b.content_hash, b.sets) for b in built], stamp)
        for b, state in zip(built, states, strict=True):
            new_docs.add(b.doc_id)
            if state == "same":
                changes.unchanged += 1
            if repair:
                again.append(b.prepared)
                possible.update(doc_id_for(k) for k in b.member_keys)
            elif rewrite_all:
                fresh.append(b.prepared)
            elif state != "same":
                (fresh if state == "new" else again).append(b.prepared)
        _write(engine, context, fresh, again)
        changes.written += len(fresh) + len(again)
        # Groups share no record, so each job's records take their documents at once, while
        # the workers build the next jobs (not all at the end, on one core).
        store.assign([(k, b.doc_id) for b in built for k in b.member_keys])
    gone = sorted(old_docs - new_docs)
    if gone:
        engine.delete(gone)
        for doc_id in gone:
            store.document_deleted(doc_id, stamp)
    if possible - new_docs:  # ones the store never published: no tombstone
        engine.delete(sorted(possible - new_docs))
    changes.removed = gone
    return changes


def _jobs(store: CatalogueStore, key_groups: list[list[str]]):
    """Batches of whole groups, with their stored records, for the workers."""
    batch: list[list[str]] = []
    size = 0
    for group in key_groups + [None]:
        if group is not None:
            batch.append(group)
            size += len(group)
        if batch and (group is None or size >= GROUP_BATCH):
            rows = {row[0]: row for row in store.raw_records(k for g in batch for k in g)}
            yield [[rows[k] for k in g if k in rows] for g in batch]
            batch, size = [], 0


_CONTEXT: dict = {}


def set_build_context(context: BuildContext) -> None:
    """Called once in each worker process (and in-process) before build_job."""
    _CONTEXT["context"] = context


def build_job(job) -> tuple[set[str], list[BuiltDocument]]:
    context: BuildContext = _CONTEXT["context"]
    old: set[str] = set()
    built: list[BuiltDocument] = []
    for rows in job:  # one group decoded at a time: the job's records are never all alive
        records = [decode(row) for row in rows]
        old.update(r.doc_id for r in records if r.doc_id)
        built += build_group(context, records)
    return old, built


def _in_process(context: BuildContext):
    def run(jobs):
        set_build_context(context)
        return map(build_job, jobs)

    return run


def _write(engine, context: BuildContext, fresh: list, again: list) -> None:
    if context.prepare is None:
        if fresh:
            engine.upsert(fresh, new=True)
        if again:
            engine.upsert(again)
        return
    if fresh:
        engine.write_prepared(fresh, new=True)
    if again:
        engine.write_prepared(again)


def set_specs(doc: dict, consortium) -> str:
    """The OAI sets a document belongs to: its libraries, their regions, its format."""
    specs = {f"library:{code}" for code in doc["library"]}
    for code in doc["library"]:
        region = consortium.resolve(code)[0].region
        if region:
            specs.add(f"region:{region}")
    specs.add("format:" + doc["format"].replace(" ", "_"))
    return " ".join(sorted(specs))


def _member(record: StoredRecord, reason: str, consortium) -> Member:
    library, _ = consortium.resolve(record.library)
    return Member(library, record.record_id, record.mapped, record.holdings, reason)


def _summary(record: StoredRecord, doc_id: str) -> dict:
    m = record.mapped
    return {
        "id": doc_id,
        "title": m.get("title") or "",
        "format": m.get("format") or "Other",
        "year": m.get("year"),
    }
