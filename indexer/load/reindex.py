"""`lantern reindex`: rebuild every search document from the store into a fresh index, then swap.

The live index's writer lock is held throughout, so no load changes the store meanwhile; the
engine builds the new index beside the live one (Tantivy: a new directory; OpenSearch: a new
versioned index behind the alias) and swaps it in atomically only when it is complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from indexer.catalogue.store import now
from indexer.catalogue.writer import CatalogueWriter
from indexer.errors import IndexSchemaError
from indexer.load.pool import build_pool
from indexer.union.rebuild import rebuild_all


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
        log(
            "The live index was built with other fields than this version defines; rebuilding "
            "it. Records keep the fields they were mapped with when loaded: to fill in what "
            "this version maps from MARC that an earlier one did not (such as DOIs and PubMed "
            "ids), load each library's export again."
        )
        live = CatalogueWriter.open(settings, to_rebuild=True)
    with live:
        yield live


def reindex(settings, *, workers: int | None = None, log=print) -> dict:
    started = time.perf_counter()
    with _rebuild_writer(settings, log) as live:
        processes = workers if workers is not None else (settings.workers or os.cpu_count() or 1)
        live.engine.begin_rebuild()
        try:
            # One process builds alone (no pool); more build in a pool of that many.
            with build_pool(processes if processes > 1 else 0, live.build_context) as run_jobs:
                changes = rebuild_all(live.store, live.engine, live.build_context, run_jobs)
            live.engine.finish_rebuild()
        except BaseException:
            live.engine.abort_rebuild()
            raise
        live.store.restamp(changes.stamp, now())
        live.store.index_caught_up()  # the new index holds exactly what the store knows
        live.store.commit()
        documents = live.engine.count()
    seconds = time.perf_counter() - started
    log(
        f"Rebuilt {documents:,} documents in {seconds:.1f} s "
        f"({changes.written - changes.unchanged:,} changed since they were last built); "
        f"the new index is live."
    )
    return {"documents": documents, "seconds": seconds}
