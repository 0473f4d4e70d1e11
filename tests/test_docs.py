"""The README documents every setting and both set-up commands; .ci/run calls the test command."""

from __future__ import annotations

from indexer.settings import SETTINGS, env_name, load_settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    missing = [env_name(s.name) for s in SETTINGS if env_name(s.name) not in README]
    # host and port share a row
    assert missing == []


def test_every_setting_has_help_and_a_default_that_loads():
    assert all(s.help for s in SETTINGS)
    settings = load_settings(environ={})
    assert settings.engine == "tantivy"
    assert settings.libraries.name == "libraries.toml"


def test_settings_come_from_lantern_environment_variables(tmp_path):
    settings = load_settings(environ={"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_WORKERS": "3"})
    assert settings.data_dir == tmp_path and settings.workers == 3
    assert settings.libraries == tmp_path / "libraries.toml"


def test_a_bad_setting_is_a_clear_error():
    import pytest

    from indexer.errors import ConfigError

    with pytest.raises(ConfigError, match="LANTERN_WORKERS"):
        load_settings(environ={"LANTERN_WORKERS": "many"})
    with pytest.raises(ConfigError, match="LANTERN_ENGINE"):
        load_settings(environ={"LANTERN_ENGINE": "solr"})


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make demo" in README and "make test" in README
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_lantern_settings_lists_the_queue_settings_with_the_others(monkeypatch):
    from click.testing import CliRunner

    from lantern.cli import main

    monkeypatch.setenv("LANTERN_QUEUE_FLUSH_SECONDS", "2.5")
    listed = CliRunner().invoke(main, ["settings"], catch_exceptions=False).output
    for name in (
        "LANTERN_QUEUE_PREFIX",
        "LANTERN_QUEUE_VISIBILITY_TIMEOUT",
        "LANTERN_QUEUE_FLUSH_RECORDS",
        "LANTERN_QUEUE_POOL_FLUSH",
    ):
        assert name in listed
    assert any(
        line.startswith("LANTERN_QUEUE_FLUSH_SECONDS") and " 2.5 " in line
        for line in listed.splitlines()
    )
    assert "LANTERN_QUEUE_BATCH_DELAY" not in listed and "QUEUE_BATCH_DELAY" not in README
