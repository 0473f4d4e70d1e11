"""Real Redis and real `celery worker` processes for the queued-load tests.

Each test gets its own key prefix (LANTERN_QUEUE_PREFIX), so runs sharing a Redis never see each
other's queues or loads; its workers run in their own process groups and are killed at the end.
Without a reachable Redis (the README's test command starts one) the tests skip and say so.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from indexer.settings import load_settings
from tests.conftest import REPO

pytest.importorskip("celery", reason="celery is not installed (pip install -e '.[queue]')")
redis = pytest.importorskip("redis", reason="redis-py is not installed (pip install -e '.[queue]')")

REDIS_URL = os.environ.get("LANTERN_REDIS_URL", "redis://127.0.0.1:6379/0")
WAIT_SECONDS = 240  # a hung worker fails the test instead of hanging CI


class QueueHarness:
    def __init__(self, tmp_path: Path, client, redis_url: str = REDIS_URL) -> None:
        self.prefix = f"lantern-test-{uuid.uuid4().hex[:10]}"
        self.client = client
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "LANTERN_REDIS_URL": redis_url,
            "LANTERN_QUEUE_PREFIX": self.prefix,
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        }  # a killed worker's log is complete
        self.workers: list[tuple[subprocess.Popen, Path]] = []

    def start_worker(
        self,
        queues: str,
        concurrency: int,
        pool: str = "prefork",
        app: str = "indexer.queue.tasks",
        **env: str,
    ) -> subprocess.Popen:
        """A `celery -A APP worker` in its own process group (killed at the end); APP
        `tests.queue.slow_tasks` holds every map task a moment before it runs."""
        log = self.tmp_path / f"worker-{len(self.workers)}.log"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "--pool",
                pool,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"w{len(self.workers)}-{self.prefix}@%h",
            ],
            cwd=REPO,
            env={**self.env, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append((proc, log))
        return proc

    def log_of(self, proc: subprocess.Popen) -> str:
        return next(log for p, log in self.workers if p is proc).read_text()

    def kill(self, proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
        """Signal the worker's whole process tree (its pool children too)."""
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def lantern(self, settings, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "lantern.cli", "--data-dir", str(settings.data_dir), *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )

    def enqueue(self, settings, library: str, *files: Path, options: tuple = ()) -> str:
        done = self.lantern(
            settings, "load", "--queue", "--library", library, *options, *map(str, files)
        )
        assert done.returncode == 0, done.stderr
        assert "one worker writes the index" in done.stdout
        return re.search(r"Queued load (\S+):", done.stdout).group(1)

    def status(self, settings, load_id: str) -> dict:
        done = self.lantern(settings, "status", "--json", load_id)
        assert done.returncode in (0, 3, 4), done.stderr
        return json.loads(done.stdout)

    def finished(self, load_id: str) -> bool:
        return self.client.hexists(f"{self.prefix}:load:{load_id}", "finished")

    def wait(self, *load_ids: str, seconds: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while not all(self.finished(i) for i in load_ids):
            if time.monotonic() > deadline:
                pytest.fail(f"queued loads not finished after {seconds} s:\n" + self.logs())
            time.sleep(0.3)

    def batches_done(self, load_id: str) -> int:
        return self.client.hlen(f"{self.prefix}:load:{load_id}:results")

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n" + log.read_text()[-3000:] for _, log in self.workers)

    def close(self) -> None:
        for proc, _ in self.workers:
            if proc.poll() is None:
                self.kill(proc)
        for key in self.client.scan_iter(match=f"{self.prefix}*", count=1000):
            self.client.delete(key)


@pytest.fixture
def harness(tmp_path):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); `make test` starts one")
    h = QueueHarness(tmp_path, client)
    try:
        yield h
    finally:
        h.close()


def data_dir(path: Path, libraries_toml: str):
    path.mkdir(parents=True, exist_ok=True)
    (path / "libraries.toml").write_text(libraries_toml)
    return load_settings(environ={}, data_dir=path, workers=0)
