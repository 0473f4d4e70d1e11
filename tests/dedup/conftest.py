"""Real records for the dedup tests: Princeton's small set (German and Arabic books, 2009).

They are mapped with the evaluation's local mapper (bench.dedup_eval.local_map), which fills the
same keys as indexer.mapping, so these tests do not depend on the mapping rules being finished.
"""

from __future__ import annotations

import pytest

from bench.dedup_eval import local_map, read_file
from tests.conftest import shared


@pytest.fixture(scope="session")
def princeton() -> dict[str, dict]:
    """Mapped records of pul-elixindexer__small_set.mrc by control number."""
    records = read_file(shared("marc", "pul-elixindexer__small_set.mrc"))
    return {m["control_number"]: m for m in map(local_map, records)}


@pytest.fixture
def book(princeton) -> dict:
    """Beyme, Geschichte der politischen Theorien in Deutschland, 1. Aufl. 2009, 609 p."""
    return dict(princeton["6000002"])
