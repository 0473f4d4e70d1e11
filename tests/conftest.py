"""Shared fixtures: where the shared real data lives, and settings for a throwaway data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """A path in ../shared/data; skips the test when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture
def settings(tmp_path):
    from indexer.settings import load_settings

    return load_settings(environ={}, data_dir=tmp_path / "instance")
