"""What `pip install` reads: the extras the README names exist and bring what they promise (a
fresh virtual environment per extra is `.ci/extras.py`, run by .ci/run), and no metadata that
setuptools warns about on every install."""

from __future__ import annotations

import importlib.util
import tomllib

from packaging.requirements import Requirement

from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _extras_script():
    spec = importlib.util.spec_from_file_location("ci_extras", REPO / ".ci" / "extras.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_extra_the_readme_names_exists_and_ci_checks_it():
    extras = _extras_script()
    named = extras.readme_extras()
    assert {"queue", "opensearch"} <= set(named)
    assert set(named) <= set(PROJECT["project"]["optional-dependencies"])
    assert set(named) <= set(extras.IMPORTS), "add what the extra promises to .ci/extras.py"


def test_the_queue_extra_brings_celerys_redis_transport():
    """kombu's Redis transport imports `packaging`, which only celery[redis] asks for."""
    for extra in ("queue", "test"):
        wanted = [Requirement(r) for r in PROJECT["project"]["optional-dependencies"][extra]]
        celery = next(r for r in wanted if r.name == "celery")
        assert "redis" in celery.extras, extra


def test_the_licence_is_an_spdx_expression_not_the_deprecated_table():
    assert PROJECT["project"]["license"] == "MIT"
    setuptools = next(
        Requirement(r) for r in PROJECT["build-system"]["requires"] if r.startswith("setuptools")
    )
    # setuptools 77 is the first that reads an SPDX string; older ones refuse it
    assert not setuptools.specifier.contains("76.1") and setuptools.specifier.contains("77.0")
