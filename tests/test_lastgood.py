"""indexer/lastgood.py: a process keeps the last good reading of each file, logs a broken one
once, and forgets the readings of files that are gone (the console's temporary drafts)."""

from __future__ import annotations

import logging

import pytest

from indexer import lastgood
from indexer.errors import ConfigError


def reading(path):
    text = path.read_text()
    if "broken" in text:
        raise ConfigError(f"{path}:1: broken")
    return text


def test_a_broken_file_gives_the_last_good_reading_and_one_log_line(tmp_path, caplog):
    path = tmp_path / "a.toml"
    path.write_text("good")
    assert lastgood.read_or_keep("test", path, lambda: reading(path)) == "good"
    path.write_text("broken!")
    with caplog.at_level(logging.ERROR, logger="lantern.config"):
        for _ in range(3):
            assert lastgood.read_or_keep("test", path, lambda: reading(path)) == "good"
    assert [r.getMessage().count(f"{path}:1: broken") for r in caplog.records] == [1]


def test_a_file_never_good_is_an_error(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text("broken")
    with pytest.raises(ConfigError, match="broken"):
        lastgood.read_or_keep("test", path, lambda: reading(path))


def test_the_readings_of_removed_files_are_forgotten(tmp_path):
    draft, live = tmp_path / "draft.toml", tmp_path / "live.toml"
    for path in (draft, live):
        path.write_text("good")
        lastgood.read_or_keep("test", path, lambda p=path: reading(p))
    draft.unlink()
    lastgood.read_or_keep("test", live, lambda: reading(live))
    draft.write_text("broken")  # a new draft of the same name has no last good reading
    with pytest.raises(ConfigError):
        lastgood.read_or_keep("test", draft, lambda: reading(draft))
