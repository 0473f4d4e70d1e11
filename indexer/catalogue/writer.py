"""The writing side of the catalogue: the store, the search index and the merging between them.

One process at a time holds a `CatalogueWriter` (the index's writer lock guarantees it). Loads put
records into it, deletes withdraw them, and `flush()` re-clusters what changed, rewrites the
affected documents, and commits the index and then the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.catalogue.store import CatalogueStore, now
from indexer.dedup import Overrides, load_overrides
from indexer.engine import document_preparer, open_engine
from indexer.libraries import load_consortium
from indexer.union.rebuild import BuildContext, UnionChanges, rebuild


@dataclass
class CatalogueWriter:
    engine: object
    store: CatalogueStore
    consortium: object
    overrides: Overrides | None = None
    merge: bool = True
    mesh_path: Path | None = None
    dirty_keys: set[str] = field(default_factory=set)
    dirty_docs: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, settings, *, to_rebuild: bool = False) -> CatalogueWriter:
        """The writer for `settings` (a second one gets IndexLockedError). `to_rebuild`: the
        caller rebuilds the whole index next (see `open_engine`)."""
        engine = open_engine(settings, writer=True, to_rebuild=to_rebuild)
        try:
            store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
            overrides_path = settings.data_dir / "merge-overrides.toml"
            overrides = load_overrides(overrides_path) if overrides_path.exists() else None
        except Exception:
            engine.close()
            raise
        consortium = load_consortium(settings.libraries, settings.schemas_dir)
        return cls(engine, store, consortium, overrides, settings.merge, settings.mesh_path)

    @property
    def build_context(self) -> BuildContext:
        """What worker processes need to build this catalogue's documents."""
        return BuildContext(
            self.consortium,
            self.overrides,
            document_preparer(self.engine.name, self.engine.fields),
            self.merge,
            self.mesh_path,
        )

    def put(self, library: str, outcomes) -> int:
        """Store loaded records; returns how many were new or changed."""
        changed = store_outcomes(self.store, library, outcomes)
        self.dirty_keys.update(changed)
        return len(changed)

    def checkpoint(self) -> None:
        """Commit the records stored so far, with their dirty marks, before the flush: a long
        load keeps SQLite's write-ahead log small, and a crash before the flush loses nothing
        (the next flush, of any load, picks the marks up)."""
        self.store.mark_dirty(keys=self.dirty_keys, docs=self.dirty_docs)
        self.store.commit()
        self.dirty_keys.clear()
        self.dirty_docs.clear()

    def withdraw(self, keys) -> int:
        keys = list(keys)
        self.dirty_docs |= self.store.remove(keys)
        self.dirty_keys.difference_update(keys)
        self.store.unmark_dirty(keys)
        return len(keys)

    def flush(self, run_jobs=None) -> UnionChanges:
        """Re-cluster around what changed, rewrite documents, commit index then store.

        run_jobs: a worker pool's imap over `indexer.union.rebuild.build_job` (None: this process).
        Records that queue workers stored (the store's dirty table) are included.

        The index commits before the store, so that the Hub feed never lists a document the
        index cannot show yet. Before the index commits, the store commits what the flush
        starts from (the records and their dirty marks) and a mark that the index may be ahead
        of it, which its own commit after the index's clears. A failure between the two (a
        full disk, a crash) leaves the mark and the dirty records: the next flush rebuilds the
        same documents and writes every one replacing it by id, so the index never keeps a
        document twice, nor one the store does not know of."""
        repair = self.store.index_may_be_ahead()
        self.store.expect_index_commit(now())
        self.checkpoint()
        if self.store.locking:  # several writing processes: take the write lock again first
            self.store.begin_writing()
        keys, docs = self.store.dirty()
        self.dirty_keys |= keys
        self.dirty_docs |= docs
        changes = rebuild(
            self.store,
            self.engine,
            self.build_context,
            self.dirty_keys,
            self.dirty_docs,
            run_jobs,
            repair=repair,
        )
        self.store.clear_dirty()
        self.engine.commit()
        if changes.stamp is not None:
            self.store.restamp(changes.stamp, now())
        self.store.index_caught_up()
        self.store.commit()
        self.dirty_keys.clear()
        self.dirty_docs.clear()
        return changes

    def close(self) -> None:
        self.store.close()
        self.engine.close()

    def __enter__(self) -> CatalogueWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def store_outcomes(store: CatalogueStore, library: str, outcomes) -> list[str]:
    """Put loaded records into the store; returns the keys of those that were new or changed."""
    keyed = {f"{library}:{o.control_number}": o for o in outcomes}
    known = store.hashes(list(keyed))
    rows = [
        (key, library, o.control_number, o.content_hash, o.data, o.match_keys)
        for key, o in keyed.items()
        if known.get(key) != o.content_hash
    ]
    store.put_many(rows, now())
    return [row[0] for row in rows]
