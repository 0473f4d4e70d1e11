"""Queued loads in Redis: what each load is, its batches, and what became of every batch.

`lantern load --queue` writes a load's description and its batch list here; each map task writes
its batch's result (done with counts and rejected records, or failed with the error); the final
flush marks the load finished. `lantern status` reads it all back. Writing a result again (a
redelivered batch) replaces it, so counts never double.

Keys, under the deployment's prefix (LANTERN_QUEUE_PREFIX):
    PREFIX:loads                 sorted set of load ids by creation time
    PREFIX:load:ID               hash: meta (JSON), finished (JSON, once indexed)
    PREFIX:load:ID:batches       hash: batch number -> its spec (JSON)
    PREFIX:load:ID:results       hash: batch number -> its result (JSON)
    PREFIX:running:LIBRARY       the id of the library's load under way (one at a time)

A load's meta says `queued` once every batch was sent to the workers. A Redis outage can lose
a message (the enqueue cut short, a flush or a retry that could not be sent): the running
loads are what the write worker resumes whenever it (re)connects (`indexer.queue.work`).
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field

from indexer.errors import LoadRunningError
from indexer.load.report import record_outcomes

KEEP_SECONDS = 30 * 24 * 3600  # a finished load's record stays this long


@dataclass
class LoadProgress:
    """A queued load's state, summed over its batches."""

    load_id: str
    meta: dict
    batches: int
    done: int = 0
    failed: int = 0
    loaded: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    skipped: Counter = field(default_factory=Counter)
    rejected: list[dict] = field(default_factory=list)
    mapping_failed: list[dict] = field(default_factory=list)  # our mapping code raised on them
    mapping_traceback: str | None = None  # the first such failure's
    warnings: Counter = field(default_factory=Counter)
    failed_batches: list[dict] = field(default_factory=list)
    finished: dict | None = None

    @property
    def pending(self) -> int:
        return self.batches - self.done - self.failed

    @property
    def state(self) -> str:
        if self.finished is not None:
            return "finished with failed batches" if self.failed else "finished"
        return "indexing" if self.pending == 0 else "mapping"

    def to_json(self) -> dict:
        return {
            "load": self.load_id,
            "library": self.meta["library"],
            "state": self.state,
            "files": self.meta["files"],
            "batches": self.batches,
            "done": self.done,
            "failed": self.failed,
            "pending": self.pending,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            **record_outcomes(self),
            "failed_batches": self.failed_batches,
            "failed_files": self.meta["failed_files"],
            "finished": self.finished,
        }


class LoadRegistry:
    def __init__(self, client, prefix: str = "lantern") -> None:
        self.redis = client
        self.prefix = prefix

    @classmethod
    def connect(cls, redis_url: str, prefix: str, outage_seconds: float = 0) -> LoadRegistry:
        """`outage_seconds`: how long each command keeps trying while Redis is unreachable (a
        worker outlasts a restart of Redis; a command line says at once that it is down)."""
        import redis
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        if outage_seconds <= 0:
            return cls(redis.Redis.from_url(redis_url), prefix)
        retry = Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=int(outage_seconds / 2) + 5)
        return cls(redis.Redis.from_url(redis_url, retry=retry), prefix)

    def _key(self, load_id: str, part: str = "") -> str:
        return f"{self.prefix}:load:{load_id}" + (f":{part}" if part else "")

    @staticmethod
    def new_id(library: str) -> str:
        return f"{time.strftime('%Y%m%dT%H%M%S')}-{library}-{secrets.token_hex(3)}"

    def _running_key(self, library: str) -> str:
        return f"{self.prefix}:running:{library.upper()}"

    def check_free(self, library: str) -> None:
        """LoadRunningError when a load of `library` is under way (before planning one)."""
        holder = self.redis.get(self._running_key(library))
        if holder is not None and self.is_running(holder.decode()):
            raise LoadRunningError(self._busy_message(library, holder.decode()))

    def create(self, load_id: str, meta: dict, specs: list[dict]) -> None:
        """Record a load and its batches, and make it its library's running load, in one
        transaction: LoadRunningError when another load of the library is under way."""
        import redis

        running = self._running_key(meta["library"])
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(running)
                    holder = pipe.get(running)
                    if holder is not None and self.is_running(holder.decode()):
                        raise LoadRunningError(self._busy_message(meta["library"], holder.decode()))
                    pipe.multi()
                    pipe.set(running, load_id)
                    pipe.hset(self._key(load_id), "meta", json.dumps(meta))
                    if specs:
                        pipe.hset(
                            self._key(load_id, "batches"),
                            mapping={str(n): json.dumps(s) for n, s in enumerate(specs)},
                        )
                    pipe.zadd(f"{self.prefix}:loads", {load_id: time.time()})
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue  # another load of the library was queued meanwhile: look again

    def _busy_message(self, library: str, holder: str) -> str:
        progress = self.progress(holder)
        return (
            f"a queued load of {library} is under way ({holder}: {progress.state}, "
            f"{progress.done:,} of {progress.batches:,} batches done); one load per library "
            f"at a time: wait for it (lantern status {holder} --wait)"
        )

    def is_running(self, load_id: str) -> bool:
        """Recorded and not finished."""
        key = self._key(load_id)
        return bool(self.redis.exists(key)) and not self.redis.hexists(key, "finished")

    def mark_queued(self, load_id: str) -> None:
        """Every batch of the load was sent to the workers."""
        self.redis.hset(self._key(load_id), "queued", "1")

    def is_queued(self, load_id: str) -> bool:
        return bool(self.redis.hexists(self._key(load_id), "queued"))

    def running(self) -> list[str]:
        """The loads under way, one per library at most."""
        found = []
        for key in self.redis.scan_iter(match=f"{self.prefix}:running:*", count=500):
            holder = self.redis.get(key)
            if holder is not None and self.is_running(holder.decode()):
                found.append(holder.decode())
        return sorted(found)

    def meta(self, load_id: str) -> dict:
        raw = self.redis.hget(self._key(load_id), "meta")
        if raw is None:
            raise KeyError(f"no queued load {load_id!r}")
        return json.loads(raw)

    def spec(self, load_id: str, batch: int) -> dict:
        return json.loads(self.redis.hget(self._key(load_id, "batches"), str(batch)))

    def pending_batches(self, load_id: str) -> list[int]:
        """The load's batches without a result yet."""
        done = {int(b) for b in self.redis.hkeys(self._key(load_id, "results"))}
        return [b for b in range(self.meta(load_id)["batches"]) if b not in done]

    def result(self, load_id: str, batch: int) -> dict | None:
        raw = self.redis.hget(self._key(load_id, "results"), str(batch))
        return json.loads(raw) if raw else None

    def record_result(self, load_id: str, batch: int, result: dict) -> None:
        self.redis.hset(self._key(load_id, "results"), str(batch), json.dumps(result))

    def finish(self, load_id: str, summary: dict) -> None:
        """Mark the load finished (`summary` says how) and let its library load again."""
        library = self.meta(load_id)["library"]
        pipe = self.redis.pipeline()
        pipe.hset(self._key(load_id), "finished", json.dumps(summary))
        for part in ("", "batches", "results"):
            pipe.expire(self._key(load_id, part), KEEP_SECONDS)
        pipe.execute()
        # Released only by its own load (a later one may hold it once this one finished).
        import redis

        running = self._running_key(library)
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(running)
                if pipe.get(running) == load_id.encode():
                    pipe.multi()
                    pipe.delete(running)
                    pipe.execute()
            except redis.WatchError:
                pass  # a later load of the library took it meanwhile

    def is_finished(self, load_id: str) -> bool:
        return self.redis.hexists(self._key(load_id), "finished")

    def recent(self, limit: int = 20) -> list[str]:
        ids = [i.decode() for i in self.redis.zrevrange(f"{self.prefix}:loads", 0, limit - 1)]
        return [i for i in ids if self.redis.exists(self._key(i))]

    def progress(self, load_id: str) -> LoadProgress:
        meta = self.meta(load_id)
        finished = self.redis.hget(self._key(load_id), "finished")
        progress = LoadProgress(
            load_id, meta, meta["batches"], finished=json.loads(finished) if finished else None
        )
        progress.rejected += meta["problems"]
        results = self.redis.hgetall(self._key(load_id, "results"))
        for batch, raw in sorted(results.items(), key=lambda item: int(item[0])):
            result = json.loads(raw)
            if result["status"] == "failed":
                progress.failed += 1
                progress.failed_batches.append({"batch": int(batch), **result})
                continue
            progress.done += 1
            progress.loaded += result["loaded"]
            progress.unchanged += result["unchanged"]
            progress.withdrawn += result["withdrawn"]
            progress.skipped.update(result["skipped"])
            progress.rejected += result["rejected"]
            progress.mapping_failed += result.get("mapping_failed", [])
            progress.mapping_traceback = progress.mapping_traceback or result.get(
                "mapping_traceback"
            )
            progress.warnings.update(result["warnings"])
        if progress.finished:
            progress.withdrawn += progress.finished.get("withdrawn", 0)
        return progress
