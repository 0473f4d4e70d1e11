"""Issue 21, item 1: a librarian breaks the libraries file (and boosts.toml and a synonym file)
while the OPAC is
served by gunicorn, then a worker dies (a timeout or an out-of-memory kill does the same as the
kill -9 here). The new worker boots with the last good configuration, the master and the other
workers stay, every request is answered, and the log names each file, line and reason."""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from indexer.settings import load_settings
from tests.opac.test_server import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from lantern.demo import load_demo

    synonyms = tmp_path_factory.mktemp("synonyms")
    for name in ("boosts.toml", "health.txt"):
        shutil.copyfile(REPO / "synonyms" / name, synonyms / name)
    base = load_settings(
        environ={}, data_dir=tmp_path_factory.mktemp("outage") / "instance", synonyms_dir=synonyms
    )
    loaded = load_demo(base, records=80, libraries=2, log=lambda *a: None)
    return dataclasses.replace(loaded)


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _status(port: int, path: str) -> int:
    return _get(port, path)[0]


def _expanded(port: int, query: str) -> list:
    status, body = _get(port, f"/api/v1/search?q={query}&size=1")
    assert status == 200
    return json.loads(body)["expanded"]


def _workers(master: int) -> set[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout.split()
    return {int(pid) for pid in found}


def _wait_for(what: str, check, proc, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"the server stopped while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"no {what} in {seconds} s:\n{log.read_text()}")


# `lantern serve` (opac/server.py), and gunicorn's own command as the Dockerfile runs it.
SERVERS = {
    "lantern serve": lambda port: [
        *("-m", "opac.server", "--host", "127.0.0.1", "--port", str(port), "--workers", "2")
    ],
    "gunicorn opac.wsgi:app": lambda port: [
        *("-m", "gunicorn", "-c", "python:opac.gunicorn_conf", "--workers", "2"),
        *("--bind", f"127.0.0.1:{port}", "opac.wsgi:app"),
    ],
}


def _serve(settings, command: list[str], log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "LANTERN_DATA_DIR": str(settings.data_dir),
        "LANTERN_LIBRARIES": str(settings.libraries),
        "LANTERN_SYNONYMS_DIR": str(settings.synonyms_dir),
    }
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, *command], env=env, stdout=out, stderr=subprocess.STDOUT
        )


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_worker_killed_while_the_files_are_broken_comes_back_with_the_last_good_ones(
    settings, tmp_path, server
):
    port, log = free_port(), tmp_path / "server.log"
    proc = _serve(settings, SERVERS[server](port), log)
    libraries, boosts = Path(settings.libraries), Path(settings.synonyms_dir) / "boosts.toml"
    synonyms = Path(settings.synonyms_dir) / "health.txt"
    good_libraries, good_boosts = libraries.read_text(), boosts.read_text()
    good_synonyms = synonyms.read_text()
    try:
        _wait_for("answer", lambda: _ok(port), proc, log)
        widened = _expanded(port, "anaemia")
        assert widened
        first = _wait_for("two workers", lambda: len(_workers(proc.pid)) == 2, proc, log)
        assert first
        before = _workers(proc.pid)
        library_lines = good_libraries.count("\n")
        libraries.write_text(good_libraries + "\n[[library]\n")  # a half-typed header
        boosts.write_text(good_boosts.replace("title = 10.0", 'title = "ten"'))
        synonyms.write_text("anaemia => => ,,\n")  # every good line gone
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        _wait_for(
            "new worker",
            lambda: len(_workers(proc.pid) - before) == 1 and len(_workers(proc.pid)) == 2,
            proc,
            log,
        )
        statuses = [_status(port, "/api/v1/search?q=medicine&size=1") for _ in range(20)]
        statuses += [_status(port, "/search?q=title:medicine") for _ in range(6)]
        statuses += [_status(port, f"/library/{_a_code(good_libraries)}/") for _ in range(4)]
        assert proc.poll() is None, log.read_text()
        assert set(statuses) == {200}, statuses
        assert all(_expanded(port, "anaemia") == widened for _ in range(10))
        said = _wait_for("the error in the log", lambda: _both_named(log), proc, log)
        assert f"{libraries}:{library_lines + 2}: the libraries file is not valid TOML" in said
        assert f"{boosts}:" in said and "fields.title must be" in said and "'ten'" in said
        assert f"{synonyms}:1: has 2 `=>`" in said
    finally:
        libraries.write_text(good_libraries)
        boosts.write_text(good_boosts)
        synonyms.write_text(good_synonyms)
        proc.terminate()
        proc.wait(20)


def _ok(port: int) -> bool:
    try:
        return _status(port, "/api/v1/search?q=&size=1") == 200
    except OSError:
        return False


def _a_code(libraries_text: str) -> str:
    return tomllib.loads(libraries_text)["library"][0]["code"]


def _both_named(log: Path) -> str | None:
    text = log.read_text()
    return text if "libraries file is not valid TOML" in text and "fields.title" in text else None


def test_a_libraries_file_never_good_stops_the_start_with_its_line(settings, tmp_path):
    broken = tmp_path / "libraries.toml"
    broken.write_text(Path(settings.libraries).read_text() + '\n[[library]]\ncode = "my-lib"\n')
    line = broken.read_text().count("\n")
    env = {**os.environ, "LANTERN_LIBRARIES": str(broken)}
    done = subprocess.run(
        [
            sys.executable,
            *SERVERS["lantern serve"](free_port()),
            "--data-dir",
            str(settings.data_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"{broken}:{line}: library #" in done.stderr and "letters and digits" in done.stderr
    assert "Worker failed to boot" not in done.stderr
