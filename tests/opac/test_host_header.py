"""The Host header is not trusted: absolute URLs (OAI-PMH baseURL and <request>, the Atom feed,
opensearch.xml, openapi.json, permanent links) come from LANTERN_BASE_URL, or from a host
LANTERN_ALLOWED_HOSTS names, or (neither set: a development server) from localhost; any
other Host gets 400, and nothing one request says is kept for the next."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from opac import create_app
from tests.conftest import REPO

BASE = "https://opac.example.nhs.uk"
EVIL = "evil.example"
PAGES = (
    "/oai?verb=Identify",
    "/search.atom?q=",
    "/opensearch.xml",
    "/api/v1/openapi.json",
)


@pytest.fixture(scope="module")
def opac_settings(demo_app):
    return demo_app.config["LANTERN_SETTINGS"]


def _app(settings, **changes):
    return create_app(
        settings=dataclasses.replace(settings, **changes), test_config={"TESTING": True}
    )


def _get(client, path: str, host: str):
    return client.get(path, base_url=f"http://{host}")


@pytest.fixture(scope="module")
def doc_path(opac_settings):
    client = _app(opac_settings, base_url=BASE).test_client()
    return "/record/" + client.get("/api/v1/search?q=").get_json()["results"][0]["id"]


def test_with_a_base_url_no_answer_names_the_host_it_was_asked_by(opac_settings, doc_path):
    client = _app(opac_settings, base_url=BASE).test_client()
    for path in (*PAGES, doc_path):  # the first /oai request of the process among them
        response = _get(client, path, EVIL)
        assert response.status_code == 200, path
        assert EVIL not in response.get_data(as_text=True), path
        assert BASE in response.get_data(as_text=True), path
    # and what the first request said is not what later ones answer
    identify = _get(client, "/oai?verb=Identify", "localhost").get_data(as_text=True)
    assert f"<baseURL>{BASE}/oai</baseURL>" in identify


def test_without_a_base_url_only_localhost_is_answered(opac_settings):
    client = _app(opac_settings, base_url="").test_client()
    for path in PAGES:
        assert _get(client, path, EVIL).status_code == 400, path
        response = _get(client, path, "localhost:5000")
        assert response.status_code == 200, path
        assert "http://localhost:5000" in response.get_data(as_text=True), path
    assert _get(client, "/", "127.0.0.1:8080").status_code == 200


def test_allowed_hosts_each_answer_with_their_own_urls_never_a_cached_one(opac_settings):
    client = _app(
        opac_settings, base_url="", allowed_hosts="opac.trust.example, .region.example"
    ).test_client()
    assert _get(client, "/oai?verb=Identify", EVIL).status_code == 400
    assert _get(client, "/", "localhost").status_code == 400
    for host in ("opac.trust.example", "opac.region.example", "opac.trust.example"):
        identify = _get(client, "/oai?verb=Identify", host).get_data(as_text=True)
        assert f"<baseURL>http://{host}/oai</baseURL>" in identify
        assert f">http://{host}/oai</request>" in identify
        atom = _get(client, "/search.atom?q=", host).get_data(as_text=True)
        assert f'href="http://{host}/search.atom?q="' in atom


def test_serving_beyond_this_machine_needs_a_base_url_or_allowed_hosts(opac_settings):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    command = [sys.executable, "-m", "lantern.cli", "--data-dir", str(opac_settings.data_dir)]
    result = subprocess.run(
        [*command, "serve", "--host", "0.0.0.0", "--port", "0", "--server", "werkzeug"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=REPO,
        timeout=120,  # a server that starts instead would never end
    )
    assert result.returncode == 1
    assert "LANTERN_BASE_URL" in result.stderr + result.stdout
