"""Logging a search without slowing it: the request only appends to a list in memory; a
background thread of the same process cleans the entries (normalise, redact) and writes them in
one transaction every few seconds or every few hundred searches, and once more at exit.

Each OPAC worker process has its own buffer and thread (started by the first search it logs,
so after gunicorn's fork). A logging failure never reaches a reader: it is a one-line warning
in the server's log (at most one every few minutes) and those entries are dropped.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.searchlog import store
from indexer.searchlog.redact import clean_query, redact

log = logging.getLogger("lantern.searchlog")

FLUSH_EVERY = 200  # entries: a busy server writes in batches of this many
FLUSH_SECONDS = 2.0  # ...and a quiet one at least this often
MAX_BUFFERED = 20_000  # entries kept while the store cannot be written (then new ones dropped)
PURGE_EVERY_S = 3600  # old entries are purged on write at most once an hour
WARN_EVERY_S = 300


@dataclass(frozen=True)
class SearchEvent:
    """A reader's search as the service saw it, before cleaning. Nothing about the reader."""

    query: str
    scope: str
    filters: tuple[str, ...]
    hits: int
    suggestion: str | None
    from_suggestion: bool
    ms: float
    channel: str
    at: datetime.datetime

    def cleaned(self) -> store.LoggedSearch:
        return store.LoggedSearch(
            at=self.at,
            query=clean_query(self.query),
            scope=self.scope.upper(),
            # Facet values keep their case (format:Book); a hand-made URL can still put
            # anything in one, so they are redacted too.
            filters=tuple(redact(" ".join(f.split())) for f in self.filters),
            hits=self.hits,
            suggestion=clean_query(self.suggestion or ""),
            from_suggestion=self.from_suggestion,
            ms=self.ms,
            channel=self.channel,
        )


class SearchLog:
    def __init__(self, path: Path, days: int) -> None:
        self.path = path
        self.days = days
        self._pending: list[SearchEvent] = []
        self._lock = threading.Lock()  # the list
        self._writing = threading.Lock()  # the connection: one flush at a time
        self._wake = threading.Event()
        self._pid: int | None = None  # the process whose thread is running
        self._conn = None
        self._last_purge = 0.0
        self._last_warning = 0.0

    def record(self, event: SearchEvent) -> None:
        """Keep `event` for the next write; never blocks on the disk, never raises."""
        try:
            with self._lock:
                if len(self._pending) >= MAX_BUFFERED:
                    return
                self._pending.append(event)
                waiting = len(self._pending)
            if self._pid != os.getpid():
                self._start()
            if waiting >= FLUSH_EVERY:
                self._wake.set()
        except Exception as exc:  # noqa: BLE001 - a reader's search must not fail for the log
            self._warn(exc)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child has the parent's list but not its thread or its connection.
            self._pid, self._conn = os.getpid(), None
        threading.Thread(target=self._run, name="search-log", daemon=True).start()
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        """Write what is waiting now (also at exit, and by tests); returns entries written."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                return self._write(batch)
            except Exception as exc:  # noqa: BLE001 - dropped, said once, and the server goes on
                self._warn(exc)
                self._close()  # the next batch tries a fresh connection
                return 0

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001, S110 - a broken connection is dropped either way
                pass

    def _write(self, batch: list[SearchEvent]) -> int:
        if self._conn is None:
            self._conn = store.connect(self.path)
        written = store.write(self._conn, [e.cleaned() for e in batch])
        if not self._last_purge or time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = time.monotonic()
            store.purge(self._conn, self.days)
        return written

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning > WARN_EVERY_S or not self._last_warning:
            self._last_warning = now
            log.warning("search log %s not written: %s", self.path, exc)


def open_search_log(settings) -> SearchLog | None:
    """The OPAC's search log, or None when LANTERN_SEARCH_LOG_DAYS is 0 (logging off)."""
    if settings.search_log_days <= 0:
        return None
    return SearchLog(settings.search_log_path, settings.search_log_days)
