"""`lantern reindex`: rebuild every search document from the store into a fresh index, then swap.

The live index's writer lock is held throughout, so no load changes the store meanwhile; the
new index is built beside the live one and swapped in atomically only when it is complete.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.catalogue.store import now
from indexer.catalogue.writer import CatalogueWriter
from indexer.engine import Engine, open_engine
from indexer.engine.tantivy.indexdir import new_index_dir, swap_live_index
from indexer.errors import ConfigError, IndexSchemaError
from indexer.union.rebuild import build_job, rebuild_all, set_build_context


def _pool(processes: int, context):
    if processes <= 1:
        return None
    return multiprocessing.get_context("forkserver").Pool(processes, set_build_context, (context,))


def _reindex_behind_alias(settings, workers: int | None, log) -> dict:
    """OpenSearch: write a new versioned index, then move the alias to it in one call."""
    started = time.perf_counter()
    with CatalogueWriter.open(settings) as live:
        pool = _pool(workers if workers is not None else (os.cpu_count() or 1), live.build_context)
        live.engine.begin_rebuild()
        try:
            changes = rebuild_all(live.store, live.engine, live.build_context,
                                  (lambda jobs: pool.imap(build_job, jobs)) if pool else None)
            live.engine.finish_rebuild()
            live.store.restamp(changes.stamp, now())
            live.store.commit()
        except BaseException:
            live.engine.abort_rebuild()
            raise
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        documents = live.engine.count()
    seconds = time.perf_counter() - started
    log(f"Rebuilt {documents:,} documents in {seconds:.1f} s; the alias now points at them.")
    return {"documents": documents, "seconds": seconds}


@contextmanager
def _rebuild_writers(settings, target: Path, log) -> Iterator[tuple[CatalogueWriter, Engine]]:
    """(the catalogue's writer, an engine writing the new index at `target`).

    The catalogue's writer holds the live index's lock, so no load changes the store while the
    rebuild reads it. A live index built with other fields (by an earlier version of Lantern)
    cannot be opened, by a load or by this, so then the new index's own lock is held instead.
    """
    try:
        live = CatalogueWriter.open(settings)
    except IndexSchemaError:
        log("The live index was built with other fields than this version defines; "
            "rebuilding it.")
        with CatalogueWriter.open(settings, index_dir=target) as live:
            yield live, live.engine
        return
    with live:
        yield live, open_engine(settings.engine, target, writer=True,
                                threads=settings.writer_threads,
                                heap_size=settings.writer_heap_mb * 1_000_000)


def reindex(settings, *, workers: int | None = None, log=print) -> dict:
    if settings.engine == "opensearch":
        return _reindex_behind_alias(settings, workers, log)
    if settings.engine != "tantivy":
        raise ConfigError(f"lantern reindex does not know the engine {settings.engine!r}")
    started = time.perf_counter()
    target = new_index_dir(settings.data_dir)
    with _rebuild_writers(settings, target, log) as (live, engine):
        processes = workers if workers is not None else (settings.workers or os.cpu_count() or 1)
        pool = None
        try:
            pool = _pool(processes, live.build_context)
            run = (lambda jobs: pool.imap(build_job, jobs)) if pool else None
            changes = rebuild_all(live.store, engine, live.build_context, run)
            engine.commit()
            live.store.restamp(changes.stamp, now())
            live.store.commit()
            documents = engine.count()
        except BaseException:
            engine.close()
            shutil.rmtree(target, ignore_errors=True)
            raise
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        engine.close()
        swap_live_index(settings.data_dir, target)
    seconds = time.perf_counter() - started
    log(f"Rebuilt {documents:,} documents in {seconds:.1f} s "
        f"({changes.written - changes.unchanged:,} changed since they were last built); "
        f"the new index is live.")
    return {"documents": documents, "seconds": seconds}
