"""Celery tasks of queued loads: thin wrappers over `indexer.queue.work`.

    celery -A indexer.queue.tasks worker -Q map              # parse and map: as many as you like
    celery -A indexer.queue.tasks worker -Q write --pool solo  # the one writer of the index

The embedded Tantivy index takes one writer at a time, so exactly one worker with one process
consumes the `write` queue (solo, so that a big flush may build documents on every core); the
parallelism is in parsing and mapping on the `map` queue. Tasks take ids only (the load's files,
library and settings are in Redis), are idempotent, are acknowledged only once done (a worker
lost mid-task means the batch is delivered again) and retry with backoff while the engine is
unreachable or locked. No task waits on another.

A restart of Redis loses nothing: workers' messages and registry commands keep trying for
several minutes (`OUTAGE_SECONDS`), and whenever the write worker (re)connects it sends again
what a longer outage may have lost (`work.resume_loads`), so every queued load ends.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback

from celery import Celery, bootsteps
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from indexer.errors import EngineUnavailableError, IndexLockedError, StoreError
from indexer.queue import work as queue
from indexer.settings import load_settings

log = logging.getLogger(__name__)

MAP_QUEUE, WRITE_QUEUE = "map", "write"
# The tasks keep the names they had before the module moved into indexer/queue/: messages a
# deployment queued before an upgrade still find their task (and the flush its queue).
MAP_TASK, FLUSH_TASK = "indexer.tasks.map_batch", "indexer.tasks.flush_catalogue"
# The engine down or its writer busy, SQLite's write lock held too long or its disk full,
# Redis restarting.
RETRYABLE = (
    EngineUnavailableError,
    IndexLockedError,
    sqlite3.OperationalError,
    StoreError,
    RedisConnectionError,
    BrokerError,
)


def make_app() -> Celery:
    settings = load_settings()
    url = settings.redis_url
    keyprefix = settings.queue_prefix + ":"
    visibility = settings.queue_visibility_timeout
    app = Celery("lantern", broker=url, backend=url, include=["indexer.queue.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,  # progress lives in the load registry, not in results
        worker_prefetch_multiplier=1,  # batches are long: one at a time per process
        task_default_queue=MAP_QUEUE,
        task_routes={FLUSH_TASK: {"queue": WRITE_QUEUE}},
        broker_transport_options={
            "visibility_timeout": visibility,
            # Look for messages of vanished workers this often (kombu's default: every 100 s).
            "unacked_restore_interval": max(1, min(10, visibility // 2)),
            "unacked_restore_throttle": 1,
            "global_keyprefix": keyprefix,
        },
        result_backend_transport_options={"global_keyprefix": keyprefix},
        broker_connection_retry_on_startup=True,
        # Sending a task (a batch, a flush, a retry) waits out a restart of Redis, as the
        # registry's commands do, instead of failing at once and losing the message.
        task_publish_retry_policy={
            "max_retries": queue.OUTAGE_SECONDS // 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 2,
        },
    )
    app.steps["consumer"].add(ResumeLoads)
    return app


class ResumeLoads(bootsteps.StartStopStep):
    """Each time the write worker (re)connects to Redis, resume the loads under way."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, c) -> None:
        if WRITE_QUEUE not in {q.name for q in c.task_consumer.queues}:
            return
        try:
            resumed = queue.resume_loads(
                queue.worker_registry(),
                lambda load_id, batch: map_batch.delay(load_id, batch),
                lambda load_id: flush_catalogue.delay(load_id),
            )
        except Exception:  # never stop the worker: the next (re)connection tries again
            log.exception("could not resume the queued loads")
            return
        if resumed:
            log.info("resumed queued loads: %s", ", ".join(resumed))


app = make_app()


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: doubling up to a minute, and always less than
    the visibility timeout. Redis hands a task that waits unacknowledged past that timeout to
    another worker, and a retry waits unacknowledged: each would run twice, and fail and retry
    twice, multiplying (the storm a short timeout and a slow machine set off in a test)."""
    ceiling = max(1, load_settings().queue_visibility_timeout // 2)
    return min(60, 2**retries, ceiling)


@app.task(name=MAP_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def map_batch(self, load_id: str, batch: int) -> None:
    """Parse, map and store one batch of a queued load, then ask the writer to flush."""
    try:
        queue.map_batch(load_id, batch)
    except RETRYABLE as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
        queue.batch_failed(load_id, batch, _describe(exc))
    except Exception as exc:  # a bug or a vanished file: report the batch, fail loudly
        queue.batch_failed(load_id, batch, _describe(exc))
        _ask_for_flush(load_id)
        raise
    _ask_for_flush(load_id)


def _ask_for_flush(load_id: str) -> None:
    """The batch's result is recorded: a flush that cannot be sent, after waiting out an
    outage, is sent by the write worker when it reconnects (ResumeLoads)."""
    try:
        flush_catalogue.delay(load_id)
    except BrokerError as exc:
        log.warning(
            "flush of %s not sent (%s): resumed when the write worker reconnects", load_id, exc
        )


@app.task(name=FLUSH_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20)
def flush_catalogue(self, load_id: str) -> str:
    """Index what the map workers stored; finish `load_id` once all its batches are done."""
    try:
        return queue.flush_load(load_id)
    except RETRYABLE as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


def enqueue_load(meta: dict, registry) -> None:
    """One map task per batch of a planned load (a load without batches is flushed at once);
    then the load is marked queued. Cut short by an outage, the write worker sends the rest
    when it reconnects (ResumeLoads)."""
    for batch in range(meta["batches"]):
        map_batch.delay(meta["id"], batch)
    if not meta["batches"]:
        flush_catalogue.delay(meta["id"])
    registry.mark_queued(meta["id"])


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
