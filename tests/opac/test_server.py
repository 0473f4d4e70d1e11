"""`python -m opac.server`: the OPAC in several worker processes, answering the JSON API."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(demo_app):
    settings = demo_app.config["LANTERN_SETTINGS"]
    port = free_port()
    env = {**os.environ, "LANTERN_LIBRARIES": str(settings.libraries)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "opac.server",
            "--data-dir",
            str(settings.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(port, "/api/v1/search?q=&size=1")
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {proc.stdout.read()}")
            time.sleep(0.2)
    yield port, proc
    proc.terminate()
    proc.wait(20)


def test_it_serves_the_same_search_as_the_app(server, demo):
    port, _ = server
    status, found = get(port, "/api/v1/search?q=medicine&filter=format:Book")
    assert status == 200
    assert found == demo.get("/api/v1/search?q=medicine&filter=format:Book").get_json()
    assert found["total"] > 0 and found["facets"]["library"]


def test_it_runs_worker_processes(server):
    port, proc = server
    # The first answer comes from whichever worker booted first; give the other its moment.
    deadline = time.monotonic() + 30
    while True:
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        if len(children) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(children) == 2


def test_errors_keep_their_json_shape(server):
    port, _ = server
    status, body = get(port, "/api/v1/search?page=0")
    assert status == 400 and body["status"] == 400 and body["error"]


def test_a_missing_index_is_one_clear_error(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "opac.server",
            "--data-dir",
            str(tmp_path / "nothing"),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no search index" in done.stderr and "Worker failed to boot" not in done.stderr
