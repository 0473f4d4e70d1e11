"""200 ids in one availability request, through a real gunicorn: by GET (the request line has
room for them) or by POST; whatever is too large is refused in the endpoint's own format (an
ILS-DI XML <error>, the API's JSON error), not the server's HTML page."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from lxml import etree

from indexer.feed.availability import MAX_IDS
from tests.opac.test_server import free_port

DLF = "{http://diglib.org/ilsdi/1.1}"
GUNICORN_DEFAULT_LINE = 4094


def ask(port: int, method: str, path: str, body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def gunicorn(demo_app):
    settings = demo_app.config["LANTERN_SETTINGS"]
    port = free_port()
    env = {**os.environ, "LANTERN_LIBRARIES": str(settings.libraries)}
    command = [sys.executable, "-m", "opac.server", "--data-dir", str(settings.data_dir)]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            ask(port, "GET", "/api/v1/search?q=&size=1")
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {proc.stdout.read()}")
            time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def item_ids(demo) -> list[str]:
    """200 real item ids (DOCUMENT:ITEM), as the bib answer gives them."""
    ids: list[str] = []
    page = 1
    while len(ids) < MAX_IDS:
        found = demo.get(f"/api/v1/search?q=&size=100&page={page}").get_json()["results"]
        bibs = [r["id"] for r in found]
        answer = demo.get("/api/v1/availability", query_string={"id": " ".join(bibs)})
        ids += [i["id"] for r in answer.get_json()["records"] for i in r["items"]]
        page += 1
    return ids[:MAX_IDS]


def test_200_item_ids_by_get_fit_the_request_line(gunicorn, item_ids):
    query = urlencode({"service": "GetAvailability", "id_type": "item", "id": " ".join(item_ids)})
    assert len(f"GET /ilsdi?{query} HTTP/1.1") > GUNICORN_DEFAULT_LINE
    status, kind, body = ask(gunicorn, "GET", f"/ilsdi?{query}")
    assert status == 200 and kind.startswith("text/xml"), body[:300]
    assert len(etree.fromstring(body).findall(f"{DLF}record")) == MAX_IDS


@pytest.mark.parametrize("path", ["/ilsdi", "/api/v1/availability"])
def test_200_item_ids_by_post(gunicorn, item_ids, path):
    form = [("service", "GetAvailability"), ("id_type", "item")] + [("id", i) for i in item_ids]
    status, kind, body = ask(gunicorn, "POST", path, urlencode(form))
    assert status == 200, body[:300]
    if path == "/ilsdi":
        assert len(etree.fromstring(body).findall(f"{DLF}record")) == MAX_IDS
    else:
        import json

        assert len(json.loads(body)["records"]) == MAX_IDS


@pytest.mark.parametrize("path", ["/ilsdi", "/api/v1/availability"])
def test_too_many_ids_or_too_large_a_body_is_refused_in_the_endpoints_format(
    gunicorn, item_ids, path
):
    import json

    def refusal(status, kind, body, expected):
        assert status == expected, body[:300]
        if path == "/ilsdi":
            assert kind.startswith("text/xml") and etree.fromstring(body).tag == "error"
        else:
            assert kind.startswith("application/json")
            assert json.loads(body)["ok"] is False and json.loads(body)["status"] == expected

    many = [("service", "GetAvailability"), ("id_type", "item")]
    many += [("id", f"{i}x") for i in item_ids] + [("id", "ONE.MORE:1")]
    refusal(*ask(gunicorn, "POST", path, urlencode(many)), 400)
    huge = urlencode([("service", "GetAvailability"), ("id", "X" * 200_000)])
    refusal(*ask(gunicorn, "POST", path, huge), 413)
