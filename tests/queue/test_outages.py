"""Queued loads outlast a restart of Redis: every load ends, `lantern status --wait` returns,
and one load per library holds throughout.

Each test runs a redis-server of its own (append-only, as docker-compose runs it, so what it
held survives a restart) that it kills with SIGKILL and starts again on the same port, with
real Celery workers and the real command line against it.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from indexer.queue.plan import plan_load
from indexer.queue.registry import LoadRegistry
from lantern.sample.generate import generate_consortium
from tests.queue.conftest import WAIT_SECONDS, QueueHarness, data_dir, redis
from tests.queue.test_queued_loads import in_process
from tests.test_union import documents


class RedisServer:
    """A redis-server on a free port, in its own process group, that can die and come back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, (self.folder / "redis.log").read_text()
                time.sleep(0.1)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    own = RedisServer(tmp_path / "redis")
    own.start()
    yield own
    own.kill()


@pytest.fixture
def harness(tmp_path, server):
    h = QueueHarness(tmp_path, redis.Redis.from_url(server.url), redis_url=server.url)
    try:
        yield h
    finally:
        if server.proc.poll() is not None:  # a failed test left it down: close() needs it
            server.start()
        h.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """One library's export of about 3,000 records: six batches."""
    return generate_consortium(tmp_path_factory.mktemp("gen"), records=3000, libraries=1, seed=3)


def wait_status(harness, settings, load_id: str) -> tuple[int, dict]:
    done = harness.lantern(
        settings, "status", "--json", "--wait", "--timeout", str(WAIT_SECONDS - 30), load_id
    )
    return done.returncode, json.loads(done.stdout)


def test_a_load_mapped_while_redis_restarts_finishes_as_an_in_process_load(
    harness, server, tmp_path, sample
):
    (code, path), toml = next(iter(sample.files.items())), sample.libraries_toml.read_text()
    expected = in_process(data_dir(tmp_path / "single", toml), {code: [path]})
    queued = data_dir(tmp_path / "queued", toml)
    harness.start_worker("map", 1, app="tests.queue.slow_tasks")
    harness.start_worker("write", 1, pool="solo")
    load_id = harness.enqueue(queued, code, path)
    deadline = time.monotonic() + 120
    while harness.batches_done(load_id) < 2:
        assert time.monotonic() < deadline, harness.logs()
        time.sleep(0.1)
    server.kill()  # while the next batch is held or mapped, and flushes are asked for
    time.sleep(3)
    server.start()
    status, state = wait_status(harness, queued, load_id)
    assert status == 0, harness.logs()
    assert state["state"] == "finished" and state["pending"] == 0 and state["failed"] == 0
    assert documents(queued) == expected


def test_a_load_whose_enqueue_redis_cut_short_resumes_and_keeps_its_library_to_itself(
    harness, server, tmp_path, sample
):
    (code, path), toml = next(iter(sample.files.items())), sample.libraries_toml.read_text()
    expected = in_process(data_dir(tmp_path / "single", toml), {code: [path]})
    queued = data_dir(tmp_path / "queued", toml)
    registry = LoadRegistry(redis.Redis.from_url(server.url), harness.prefix)
    meta = plan_load(queued, code, [path], registry)  # recorded: its batches not yet sent...
    server.kill()  # ...when Redis dies
    server.start()
    assert harness.status(queued, meta["id"])["state"] == "mapping"
    second = harness.lantern(queued, "load", "--queue", "--library", code, str(path))
    assert second.returncode == 1
    assert "under way" in second.stderr and meta["id"] in second.stderr
    waited = harness.lantern(queued, "status", "--wait", "--timeout", "2", meta["id"])
    assert waited.returncode == 4  # no worker yet: still running, and --wait returned
    harness.start_worker("map", 1)
    harness.start_worker("write", 1, pool="solo")  # connects: resumes the load under way
    status, state = wait_status(harness, queued, meta["id"])
    assert status == 0, harness.logs()
    assert state["done"] == state["batches"] == meta["batches"]
    assert documents(queued) == expected
    again = harness.enqueue(queued, code, path)  # the library is free again
    status, state = wait_status(harness, queued, again)
    assert status == 0 and state["unchanged"] == meta["records"]
