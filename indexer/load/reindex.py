"""`lantern reindex`: rebuild every search document from the store into a fresh index, then swap.

The live index's writer lock is held throughout, so no load changes the store meanwhile; the
engine builds the new index beside the live one (Tantivy: a new directory; OpenSearch: a new
versioned index behind the alias) and swaps it in atomically only when it is complete.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from indexer.catalogue.store import now
from indexer.catalogue.writer import CatalogueWriter
from indexer.errors import IndexSchemaError
from indexer.union.rebuild import build_job, rebuild_all, set_build_context


def _pool(processes: int, context):
    if processes <= 1:
        return None
    return multiprocessing.get_context("forkserver").Pool(processes, set_build_context, (context,))


@contextmanager
def _rebuild_writer(settings, log) -> Iterator[CatalogueWriter]:
    """The catalogue's writer, its engine ready to rebuild.

    A live index built with other fields (by an earlier version of Lantern) cannot be opened,
    by a load or by this: then the engine is opened only to replace it (no load can change the
    store meanwhile, as no load can open that index either).
    """
    try:
        live = CatalogueWriter.open(settings)
    except IndexSchemaError:
        log("The live index was built with other fields than this version defines; "
            "rebuilding it.")
        live = CatalogueWriter.open(settings, to_rebuild=True)
    with live:
        yield live


def reindex(settings, *, workers: int | None = None, log=print) -> dict:
    started = time.perf_counter()
    with _rebuild_writer(settings, log) as live:
        processes = workers if workers is not None else (settings.workers or os.cpu_count() or 1)
        pool = None
        live.engine.begin_rebuild()
        try:
            pool = _pool(processes, live.build_context)
            run = (lambda jobs: pool.imap(build_job, jobs)) if pool else None
            changes = rebuild_all(live.store, live.engine, live.build_context, run)
            live.engine.finish_rebuild()
        except BaseException:
            live.engine.abort_rebuild()
            raise
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        live.store.restamp(changes.stamp, now())
        live.store.commit()
        documents = live.engine.count()
    seconds = time.perf_counter() - started
    log(f"Rebuilt {documents:,} documents in {seconds:.1f} s "
        f"({changes.written - changes.unchanged:,} changed since they were last built); "
        f"the new index is live.")
    return {"documents": documents, "seconds": seconds}
