"""docker-compose.yml: valid for Compose, with OpenSearch secured and every service checked."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    plugin = docker and subprocess.run([docker, "compose", "version"], capture_output=True)
    if plugin and plugin.returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def config(env: dict[str, str]) -> subprocess.CompletedProcess:
    command = compose_command()
    if command is None:
        pytest.skip(
            "neither `docker compose` nor `docker-compose` is installed (.ci/run installs it)"
        )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENSEARCH_INITIAL_ADMIN_PASSWORD", "LANTERN_BASE_URL")
    }
    return subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


REQUIRED = {
    "OPENSEARCH_INITIAL_ADMIN_PASSWORD": "Correct-Horse-42",
    "LANTERN_BASE_URL": "https://opac.example.nhs.uk",
}


def test_compose_config_validates_with_an_admin_password():
    result = config(REQUIRED)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"opensearch", "redis", "opac", "map-worker", "write-worker"} <= set(services)
    assert services["opac"]["environment"]["LANTERN_BASE_URL"] == "https://opac.example.nhs.uk"


def test_compose_refuses_to_start_without_the_public_address():
    result = config({"OPENSEARCH_INITIAL_ADMIN_PASSWORD": "Correct-Horse-42"})
    assert result.returncode != 0
    assert "LANTERN_BASE_URL" in result.stderr


def test_the_opac_takes_a_request_line_of_200_ids():
    from opac.server import REQUEST_LINE_BYTES

    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    command = services["opac"]["command"]
    assert command[command.index("--limit-request-line") + 1] == str(REQUEST_LINE_BYTES)


def test_compose_refuses_to_start_opensearch_without_a_password():
    result = config({"LANTERN_BASE_URL": REQUIRED["LANTERN_BASE_URL"]})
    assert result.returncode != 0
    assert "OPENSEARCH_INITIAL_ADMIN_PASSWORD" in result.stderr


def test_every_service_has_a_health_check_and_opensearch_a_set_heap():
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    for name, service in services.items():
        assert "healthcheck" in service, name
    env = services["opensearch"]["environment"]
    assert "-Xms" in str(env) and "-Xmx" in str(env)
    assert (
        "plugins.security.disabled" not in env
        or str(env["plugins.security.disabled"]).lower() == "false"
    )
    assert services["opac"]["command"][0] == "gunicorn"
    assert "solo" in services["write-worker"]["command"]


def test_the_lantern_services_trust_the_cluster_ca_mounted_for_them():
    """The compose cluster signs its certificate with its own CA: every Lantern service has
    that CA mounted where LANTERN_OPENSEARCH_CA says (else every call fails with an SSL error)."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    for name in ("opac", "map-worker", "write-worker"):
        service = services[name]
        where = service["environment"]["LANTERN_OPENSEARCH_CA"]
        mounted = [str(v).split(":")[-2] for v in service["volumes"]]
        assert where in mounted, name
        assert service["environment"]["LANTERN_OPENSEARCH_URL"].startswith("https://")
