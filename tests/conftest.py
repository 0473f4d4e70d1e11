"""Shared fixtures: where the shared real data lives, and settings for a throwaway data dir."""

from __future__ import annotations

import json
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


def shared_dir(name: str) -> Path:
    """A folder in ../shared/data; skips the test when it is absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"shared data not available: {name}/")
    return path


# The member libraries the tests load into, by code: each test module writes the ones it needs.
TEST_LIBRARIES = {
    "UVA": {
        "name": "University of Virginia test library",
        "region": "TN",
        "holdings": "sirsi999",
        "proxy": "https://proxy.example.org/login?url=",
        "priority": 1,
    },
    "UVB": {"name": "Second test library", "region": "TN", "holdings": "sirsi999", "priority": 2},
    "NLNZ": {
        "name": "National Library of New Zealand test library",
        "region": "TN",
        "holdings": "auto",
        "priority": 2,
    },
    "EVG": {
        "name": "Evergreen concerto (test copy)",
        "region": "NW",
        "proxy": "https://ezproxy.example.nhs.uk/login?url=",
    },
    "EXE": {
        "name": "Exeter Health Library",
        "region": "SW",
        "holdings": "auto",
        "proxy": "https://proxy.exe.example/login?url=",
    },
    "TRU": {
        "name": "Truro Knowledge Spa",
        "region": "SW",
        "holdings": "auto",
        "proxy": "https://proxy.tru.example/login?url=",
    },
}


def libraries_toml(*codes: str) -> str:
    """A libraries file for the "Test network" consortium with these TEST_LIBRARIES."""
    lines = ["[consortium]", 'name = "Test network"', 'code = "TN"']
    for code in codes:
        lines += ["", "[[library]]", f"code = {json.dumps(code)}"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in TEST_LIBRARIES[code].items()]
    return "\n".join(lines) + "\n"


def write_libraries(path: Path, *codes: str) -> Path:
    """Write `libraries_toml(*codes)` to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(libraries_toml(*codes))
    return path


@pytest.fixture
def settings(tmp_path):
    from indexer.settings import load_settings

    return load_settings(environ={}, data_dir=tmp_path / "instance")
