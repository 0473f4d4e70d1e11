"""Asking the member systems of a page's copies, all at once, never for longer than a page can
wait, and never again and again a system that is down.

Each library with a [library.availability] table has its connector, a circuit breaker
(pybreaker: after FAIL_MAX failures in a row its system is not asked for RESET_S seconds, then
once to see) and a cache of its answers for its `ttl` seconds (cachetools), shared by every
reader of the process. The libraries of one page are asked concurrently; a page waits for the
slowest of them at most its timeout (a system that takes longer is answered "could not check
just now"). Only real answers are cached: a failure, a timeout or an open breaker never is.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, TimeoutError, as_completed
from dataclasses import dataclass, field

import pybreaker
from cachetools import TTLCache

from indexer.availability.connectors import make_connector
from indexer.availability.model import ConnectorError, CopyStatus

FAIL_MAX = 3  # failures in a row that open a library's breaker
RESET_S = 30.0  # seconds an open breaker keeps its system from being asked
CACHED_RECORDS = 20_000  # records of one library whose answers are kept
LIVE, FAILED, NOT_ASKED = "live", "failed", "not asked"


@dataclass
class Answer:
    """What one library's system said of the records asked: `state` live (asked now or
    cached), failed (an error, a timeout or an open breaker: `reason`), or not asked (the
    library names no system)."""

    library: str
    state: str
    statuses: dict[str, list[CopyStatus]] = field(default_factory=dict)  # by record id
    reason: str = ""


class LiveAvailability:
    def __init__(self, consortium, *, fail_max: int = FAIL_MAX, reset_s: float = RESET_S):
        self.consortium = consortium
        self.fail_max, self.reset_s = fail_max, reset_s
        self._lock = threading.Lock()
        self._connectors: dict[str, object] = {}
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._caches: dict[str, TTLCache] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid: int | None = None

    def ask(self, wanted: Mapping[str, Mapping[str, Sequence[str]]]) -> dict[str, Answer]:
        """The statuses of `wanted` (library code -> its records: record id -> item ids),
        every library at once."""
        return {answer.library: answer for answer in self.answers(wanted)}

    def answers(self, wanted: Mapping[str, Mapping[str, Sequence[str]]]) -> Iterator[Answer]:
        """Each library's answer as soon as it is known: the ones that need no asking (no
        system, all cached) first, then the others as their systems answer, then the ones that
        did not answer in time."""
        jobs = {}
        deadline = 0.0
        for code, records in wanted.items():
            library = self.consortium.libraries.get(code)
            config = library.availability if library is not None else None
            if config is None:
                yield Answer(code, NOT_ASKED)
                continue
            kept, missing = self._cached(code, config, list(records))
            if not missing:
                yield Answer(code, LIVE, kept)
                continue
            # An open breaker refuses at once, without asking (and lets one through to see
            # once its time is up).
            asked = {record_id: list(records[record_id]) for record_id in missing}
            jobs[self._threads().submit(self._fetch, code, config, asked)] = (code, kept)
            deadline = max(deadline, config.timeout)
        try:
            for job in as_completed(jobs, timeout=deadline + 0.05):
                code, kept = jobs.pop(job)
                if job.exception() is not None:
                    yield Answer(code, FAILED, kept, _reason(job.exception()))
                else:
                    yield Answer(code, LIVE, {**kept, **job.result()})
        except TimeoutError:
            pass
        for code, kept in jobs.values():
            yield Answer(code, FAILED, kept, "its system did not answer in time")

    def breaker_state(self, code: str) -> str:
        return self._breaker(code).current_state

    def _fetch(self, code: str, config, records: dict[str, list[str]]) -> dict:
        connector = self._connector(code, config)
        found = self._breaker(code).call(connector.statuses, records)
        by_record: dict[str, list[CopyStatus]] = {r: [] for r in records}
        for status in found:
            by_record.setdefault(status.record_id, []).append(status)
        cache = self._cache(code, config)
        with self._lock:
            for record_id, statuses in by_record.items():
                cache[record_id] = statuses  # a real answer, "no copies" included
        return by_record

    def _cached(self, code, config, ids) -> tuple[dict[str, list[CopyStatus]], list[str]]:
        cache = self._cache(code, config)
        kept, missing = {}, []
        with self._lock:
            for record_id in ids:
                statuses = cache.get(record_id)
                if statuses is None:
                    missing.append(record_id)
                else:
                    kept[record_id] = statuses
        return kept, missing

    def _cache(self, code: str, config) -> TTLCache:
        with self._lock:
            if code not in self._caches:
                self._caches[code] = TTLCache(
                    CACHED_RECORDS, max(config.ttl, 0.001), time.monotonic
                )
            return self._caches[code]

    def _breaker(self, code: str) -> pybreaker.CircuitBreaker:
        with self._lock:
            if code not in self._breakers:
                self._breakers[code] = pybreaker.CircuitBreaker(
                    fail_max=self.fail_max, reset_timeout=self.reset_s, name=code
                )
            return self._breakers[code]

    def _connector(self, code: str, config):
        with self._lock:
            if code not in self._connectors:
                self._connectors[code] = make_connector(config)
            return self._connectors[code]

    def _threads(self) -> ThreadPoolExecutor:
        # One pool per process: a pool inherited through fork() has no threads behind it.
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="lantern-live")
            self._pool_pid = os.getpid()
        return self._pool


def _reason(exc: BaseException) -> str:
    if isinstance(exc, pybreaker.CircuitBreakerError):
        return "its system failed: not asked for now"
    if isinstance(exc, ConnectorError):
        return f"its system could not be read: {exc}"
    return f"its system could not be asked: {type(exc).__name__}"
