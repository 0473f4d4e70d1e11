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
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field

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
    def connect(cls, redis_url: str, prefix: str) -> LoadRegistry:
        import redis

        return cls(redis.Redis.from_url(redis_url), prefix)

    def _key(self, load_id: str, part: str = "") -> str:
        return f"{self.prefix}:load:{load_id}" + (f":{part}" if part else "")

    @staticmethod
    def new_id(library: str) -> str:
        return f"{time.strftime('%Y%m%dT%H%M%S')}-{library}-{secrets.token_hex(3)}"

    def create(self, load_id: str, meta: dict, specs: list[dict]) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self._key(load_id), "meta", json.dumps(meta))
        if specs:
            pipe.hset(
                self._key(load_id, "batches"),
                mapping={str(n): json.dumps(s) for n, s in enumerate(specs)},
            )
        pipe.zadd(f"{self.prefix}:loads", {load_id: time.time()})
        pipe.execute()

    def meta(self, load_id: str) -> dict:
        raw = self.redis.hget(self._key(load_id), "meta")
        if raw is None:
            raise KeyError(f"no queued load {load_id!r}")
        return json.loads(raw)

    def spec(self, load_id: str, batch: int) -> dict:
        return json.loads(self.redis.hget(self._key(load_id, "batches"), str(batch)))

    def result(self, load_id: str, batch: int) -> dict | None:
        raw = self.redis.hget(self._key(load_id, "results"), str(batch))
        return json.loads(raw) if raw else None

    def record_result(self, load_id: str, batch: int, result: dict) -> None:
        self.redis.hset(self._key(load_id, "results"), str(batch), json.dumps(result))

    def finish(self, load_id: str, summary: dict) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self._key(load_id), "finished", json.dumps(summary))
        for part in ("", "batches", "results"):
            pipe.expire(self._key(load_id, part), KEEP_SECONDS)
        pipe.execute()

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
