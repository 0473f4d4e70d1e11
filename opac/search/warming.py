"""Answering the most asked searches ahead of readers, after each commit.

A process of the OPAC looks every few seconds at the index's version (a commit, a rebuilt
index, an edited ranking or synonym file make a new one). When a version has stayed the same
for two looks and no process has answered the most asked searches for it yet, the first to
take DATA_DIR/warm.lock answers them (stopping if another commit comes meanwhile), on a thread
of its own (readers are served meanwhile, from the new version at once), and keeps the answers
where every process finds them (indexer/engine/tantivy/warmed.py). The searches: the blank one
(the home page's browse) and the ones readers asked most over the search log's days, across
the whole consortium and without filters, as the results page asks them.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

from indexer.searchlog.reports import most_asked

log = logging.getLogger("lantern.warming")
POLL_S = 5.0
LOCK_FILE = "warm.lock"


def warm_requests(service, searches: list[str]) -> list:
    """The engine requests of the results page's first page for each search."""
    from opac.search.service import SearchParams

    params = [SearchParams(q=q) for q in dict.fromkeys(["", *searches])]
    return [service.request(p, 1, p.size) for p in params]


def warm_now(service, settings) -> tuple[int, float] | None:
    """Answer the most asked searches for the index version in use, unless a process has
    already (or is doing it now). Returns (answers kept, seconds), or None."""
    engine = service.engine
    if settings.warm_searches <= 0 or not hasattr(engine, "warm"):
        return None
    lock_path = Path(settings.data_dir) / LOCK_FILE
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process is answering them
        if engine.warmed_version() == engine.version():
            return None
        started = time.perf_counter()
        searches = most_asked(settings.search_log_path, settings.warm_searches - 1)
        kept = engine.warm(warm_requests(service, searches))
        return kept, time.perf_counter() - started


class Warmer:
    """A daemon thread of one OPAC process that calls warm_now when the version changes."""

    def __init__(self, service, settings) -> None:
        self.service, self.settings = service, settings
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start looking (not for an engine that keeps no answers, as OpenSearch's own caches
        do this work)."""
        wanted = self.settings.warm_searches > 0 and hasattr(self.service.engine, "warm")
        if wanted and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lantern-warm", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        seen = None
        while not self._stopped.is_set():
            try:
                version = self.service.engine.version()
                # A version seen at two looks in a row: a load committing again and again is
                # answered for once it pauses, not after every commit.
                if version == seen:
                    done = warm_now(self.service, self.settings)
                    if done:
                        log.info("answered %d most asked searches ahead in %.1f s", *done)
                seen = version
            except Exception:  # noqa: BLE001 - warming is a help, never a failure
                log.exception("answering the most asked searches ahead failed")
            self._stopped.wait(POLL_S)
