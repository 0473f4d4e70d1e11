"""Staff sign-in under `python -m opac.server` with several gunicorn workers and no
LANTERN_SECRET_KEY: every worker accepts the session, and it survives a restart."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse

import pytest

from tests.opac.test_server import free_port
from tests.staff.conftest import CSRF_FIELD, PASSWORDS


def _request(port, method, path, cookie="", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()
    finally:
        conn.close()


def _serve(settings, port):
    env = {k: v for k, v in os.environ.items() if k != "LANTERN_SECRET_KEY"}
    env["LANTERN_LIBRARIES"] = str(settings.libraries)
    args = ["--data-dir", str(settings.data_dir), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "opac.server", *args, "--workers", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _request(port, "GET", "/staff/login")
            return proc
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {proc.stdout.read()}")
            time.sleep(0.2)
    proc.kill()
    pytest.fail("the server did not start in 60 s")


def _stop(proc):
    proc.terminate()
    proc.wait(20)


def _sign_in(port) -> str:
    _, set_cookie, page = _request(port, "GET", "/staff/login")
    cookie = set_cookie.split(";", 1)[0]
    token = CSRF_FIELD.search(page).group(1)
    form = {"username": "vic.viewer", "password": PASSWORDS["vic.viewer"], "csrf_token": token}
    status, set_cookie, _ = _request(port, "POST", "/staff/login", cookie, form)
    assert status == 303
    return set_cookie.split(";", 1)[0]


def test_every_worker_accepts_the_session_and_a_restart_keeps_it(settings):
    port = free_port()
    proc = _serve(settings, port)
    try:
        cookie = _sign_in(port)
        # Each request is a new connection, so gunicorn hands them to its workers in turn.
        answers = [_request(port, "GET", "/staff/", cookie) for _ in range(24)]
        assert [status for status, _, _ in answers] == [200] * 24
        assert all(re.search(r"<strong>vic\.viewer</strong>", page) for _, _, page in answers)
    finally:
        _stop(proc)
    proc = _serve(settings, port)
    try:
        status, _, page = _request(port, "GET", "/staff/", cookie)
        assert status == 200 and "vic.viewer" in page
    finally:
        _stop(proc)
