"""Fixtures for the holdings and libraries tests (shared-data helpers: holdings_data.py)."""

from __future__ import annotations

import pytest

from indexer.libraries import Library


@pytest.fixture
def library() -> Library:
    return Library(code="RDE", name="Royal Devon and Exeter NHS Foundation Trust Library")
