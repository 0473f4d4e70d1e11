"""Shared test data for the MARC readers: the repo's sibling `shared/data` folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file under shared/data, or skip the test when the shared data is not checked out."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {'/'.join(parts)}")
    return path


def shared_dir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"shared test data not available: {name}/")
    return path
