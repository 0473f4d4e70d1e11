"""The one process-pool set-up: loads, queued flushes and reindexing start their pools here.

Processes start from a fork server (a clean interpreter each, not a copy of a parent holding an
index writer and open SQLite handles); Windows has only spawn.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from indexer.union.rebuild import BuildContext, build_job, set_build_context


@contextmanager
def process_pool(processes: int, initializer: Callable, initargs: tuple = ()) -> Iterator:
    """A pool of `processes` processes, each set up by `initializer(*initargs)`, closed and
    joined on leaving; None for `processes` 0 (the caller works in this process)."""
    if processes < 1:
        yield None
        return
    method = "forkserver" if os.name != "nt" else "spawn"
    pool = multiprocessing.get_context(method).Pool(processes, _start, (initializer, initargs))
    try:
        yield pool
    except BaseException:  # Ctrl+C, or an error: the work still queued is not wanted
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _start(initializer: Callable, initargs: tuple) -> None:
    """Set up a pool process. Ctrl+C is the parent's to handle: it stops the pool; a worker
    that died of it would be replaced, and its lost batch waited for for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*initargs)


def build_runner(pool) -> Callable | None:
    """What `CatalogueWriter.flush` and `rebuild_all` take as `run_jobs`: build documents over
    `pool`, or None (build in this process)."""
    if pool is None:
        return None
    return lambda jobs: pool.imap(build_job, jobs)


@contextmanager
def build_pool(processes: int, context: BuildContext) -> Iterator[Callable | None]:
    """`run_jobs` that builds union documents in `processes` processes (None for 0)."""
    with process_pool(processes, set_build_context, (context,)) as pool:
        yield build_runner(pool)
