"""Queued loads: the work behind the Celery tasks (mapping one batch, flushing).

`indexer.queue.plan` splits a load into the same batches of records the in-process loader makes.
Map workers parse and map a batch with the in-process loader's functions and put the
outcomes into the catalogue store, marking what changed as dirty in the same transaction. The
single writing worker then flushes: it re-clusters around the dirty records, writes documents and
commits, exactly as the end of an in-process load does. Everything is idempotent: a batch or a
flush delivered twice (a worker lost mid-task) leaves the catalogue as one delivery would.

Batches finish in any order. So that a record's later version in the files still wins, the store
remembers which batch of the load last wrote each record, and an earlier batch arriving late
leaves it alone (`load_seen`); within a batch the in-process rules apply unchanged.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
from itertools import islice
from pathlib import Path

from indexer.catalogue.store import CatalogueStore, now
from indexer.catalogue.writer import CatalogueWriter, store_outcomes
from indexer.libraries import load_consortium
from indexer.load.pipeline import (
    init_worker,
    map_kbart_batch,
    map_raw_batch,
    map_read_batch,
)
from indexer.load.pool import build_pool
from indexer.load.report import LoadReport
from indexer.load.runner import absorb_outcomes
from indexer.queue.registry import LoadRegistry
from indexer.settings import load_settings, settings_of_load
from indexer.sources import iter_raw_records, open_binary, read_records

log = logging.getLogger(__name__)


# How long a worker's registry commands keep trying while Redis is unreachable (a restart).
OUTAGE_SECONDS = 300


def open_registry(redis_url: str | None = None, *, outage_seconds: float = 0) -> LoadRegistry:
    settings = load_settings()
    return LoadRegistry.connect(
        redis_url or settings.redis_url, settings.queue_prefix, outage_seconds
    )


def worker_registry() -> LoadRegistry:
    """The registry as the workers use it: outlasting a restart of Redis."""
    return open_registry(outage_seconds=OUTAGE_SECONDS)


# --- mapping one batch (map workers) ---------------------------------------------------------

_PREPARED: dict = {}


def _prepare_mapping(settings, meta: dict) -> None:
    """Load mapping rules and the library's holdings profile once per worker process."""
    key = (meta["library"], str(settings.libraries), str(settings.schemas_dir), meta["encoding"])
    if _PREPARED.get("key") != key:
        library = load_consortium(settings.libraries, settings.schemas_dir).resolve(
            meta["library"]
        )[0]
        init_worker(library, str(settings.schemas_dir), meta["encoding"])
        _PREPARED["key"] = key


def read_batch(spec: dict, meta: dict) -> list:
    """The batch's records parsed and mapped (a list of `indexer.load.pipeline.Outcome`)."""
    path = spec["file"]
    if spec["kind"] == "bytes":
        with open_binary(path) as stream:
            stream.seek(spec["start"])
            data = stream.read(spec["stop"] - spec["start"])
        base, start = spec["first_index"] - 1, spec["start"]
        raws = [
            (base + index, start + offset, raw)
            for index, offset, raw in iter_raw_records(io.BytesIO(data))
        ]
        if len(raws) != spec["records"]:  # the splitter cut differently at the range's end
            raws = list(islice(iter_raw_records(path), base, base + spec["records"]))
        return map_raw_batch((path, raws))
    if meta["source"] == "kbart":
        from indexer.sources.kbart import read_kbart

        return map_kbart_batch(list(islice(read_kbart(path), spec["start"], spec["stop"])))
    records = read_records(path, encoding=meta["encoding"])
    return map_read_batch(list(islice(records, spec["start"], spec["stop"])))


class BatchWriter:
    """What `indexer.load.runner.absorb_outcomes` writes through for one batch of a queued load: the
    store, with changes marked dirty and superseded versions (a later batch already wrote) left
    alone."""

    def __init__(self, store: CatalogueStore, load_id: str, batch: int) -> None:
        self.store, self.load_id, self.batch = store, load_id, batch

    def _current(self, keys) -> set[str]:
        later = self.store.seen_batches(self.load_id, keys)
        return {k for k in keys if later.get(k, -1) <= self.batch}

    def put(self, library: str, outcomes) -> int:
        current = self._current({f"{library}:{o.control_number}" for o in outcomes})
        fresh = [o for o in outcomes if f"{library}:{o.control_number}" in current]
        changed = store_outcomes(self.store, library, fresh)
        self.store.mark_dirty(keys=changed)
        self.store.mark_seen(self.load_id, self.batch, current)
        return len(changed)

    def withdraw(self, keys) -> int:
        current = self._current(set(keys))
        self.store.mark_dirty(docs=self.store.remove(current))
        self.store.unmark_dirty(current)
        self.store.mark_seen(self.load_id, self.batch, current)
        return len(current)


def map_batch(load_id: str, batch: int, registry: LoadRegistry | None = None) -> dict:
    """Parse, map and store one batch; record its result. A batch already done is skipped."""
    registry = registry or worker_registry()
    done = registry.result(load_id, batch)
    if done is not None and done["status"] == "done":
        return done
    meta, spec = registry.meta(load_id), registry.spec(load_id, batch)
    settings = settings_of_load(meta["settings"])
    _prepare_mapping(settings, meta)
    outcomes = read_batch(spec, meta)
    report = LoadReport(meta["library"], meta["library_known"])
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        store.begin_writing()
        writer = BatchWriter(store, load_id, batch)
        absorb_outcomes(outcomes, Path(spec["file"]), meta["library"], writer, report, set())
        store.commit()
    finally:
        store.close()
    result = {
        "status": "done",
        **{
            k: v
            for k, v in report.to_json().items()
            if k
            in (
                "loaded",
                "unchanged",
                "withdrawn",
                "skipped",
                "rejected",
                "mapping_failed",
                "mapping_traceback",
                "warnings",
            )
        },
    }
    registry.record_result(load_id, batch, result)
    return result


def batch_failed(
    load_id: str, batch: int, error: str, registry: LoadRegistry | None = None
) -> None:
    """A batch that could not be done (after its retries): reported with its records."""
    registry = registry or worker_registry()
    spec = registry.spec(load_id, batch)
    last = spec["first_index"] + spec["records"] - 1
    where = (
        f"bytes {spec['start']}-{spec['stop']}"
        if spec["kind"] == "bytes"
        else f"records {spec['start'] + 1}-{spec['stop']}"
    )
    registry.record_result(
        load_id,
        batch,
        {
            "status": "failed",
            "error": error,
            "file": spec["file"],
            "records": f"{spec['first_index']}-{last}",
            "where": where,
        },
    )


# --- flushing (the single writing worker) ----------------------------------------------------


def flush_load(load_id: str, registry: LoadRegistry | None = None) -> str:
    """Index what map workers stored; once every batch of `load_id` is done, finish the load
    (with --replace, withdraw the library's records it did not contain). Cheap when idle."""
    registry = registry or worker_registry()
    meta = registry.meta(load_id)
    settings = settings_of_load(meta["settings"])
    progress = registry.progress(load_id)
    complete = progress.pending == 0
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        finished_at = store.load_finished(load_id)
        work = (complete and finished_at is None) or _flush_due(store, complete, settings)
    finally:
        store.close()
    if not work:
        if finished_at is not None and not registry.is_finished(load_id):
            registry.finish(load_id, {"at": finished_at})  # lost after its commit: say so now
        return "nothing to flush"
    withdrawn = 0
    with CatalogueWriter.open(settings) as writer:
        writer.store.begin_writing()
        if complete and writer.store.load_finished(load_id) is None:
            if meta["replace"] and not progress.failed and not meta["failed_files"]:
                missing = writer.store.unseen_keys(meta["library"], load_id)
                withdrawn = writer.withdraw(missing)
            writer.store.finish_load(load_id, now())
        with _flush_pool(writer, settings, writer.store.dirty_count()) as run_jobs:
            changes = writer.flush(run_jobs)
    if complete and not registry.is_finished(load_id):
        registry.finish(
            load_id,
            {
                "at": now(),
                "withdrawn": withdrawn,
                "documents_written": changes.written,
                "documents_removed": len(changes.removed),
            },
        )
        return "finished"
    return f"flushed: {changes.written} documents written"


def resume_loads(registry: LoadRegistry, send_batch, send_flush) -> list[str]:
    """Send again what a Redis outage may have lost, for every load under way: the batches
    without a result (an enqueue cut short, a retry that could not be sent), then a flush (one
    whose message was lost would leave a load "indexing" for ever). Both are idempotent and
    cheap when already done: a batch's copy queues behind its original, and a batch done is
    skipped. Returns the loads resumed."""
    resumed = registry.running()
    for load_id in resumed:
        for batch in registry.pending_batches(load_id):
            send_batch(load_id, batch)
        registry.mark_queued(load_id)
        send_flush(load_id)
    return resumed


def _flush_due(store: CatalogueStore, complete: bool, settings) -> bool:
    """Whether stored records wait to be indexed and it is time: every flush commits the index
    (and a small one costs as much as a big one), so they gather until `queue_flush_records`
    wait, the oldest has waited `queue_flush_seconds`, or a load has stored its last batch."""
    waiting = store.dirty_count()
    if not waiting:
        return False
    if complete or waiting >= settings.queue_flush_records:
        return True
    oldest = store.oldest_dirty_record()
    return oldest is None or now() - oldest >= settings.queue_flush_seconds


def _flush_pool(writer: CatalogueWriter, settings, dirty: int):
    """`build_pool` over worker processes, or one that builds in this process.

    A flush of `queue_pool_flush` dirty records or more is worth the pool's start-up. A worker
    run with `--pool solo` may start processes; a prefork pool's child (daemonic) may not, and
    builds in its own process."""
    if dirty < settings.queue_pool_flush or multiprocessing.current_process().daemon:
        return build_pool(0, writer.build_context)
    processes = settings.workers or os.cpu_count() or 1
    log.info("flush of %d dirty records: building documents in %d processes", dirty, processes)
    return build_pool(processes, writer.build_context)
