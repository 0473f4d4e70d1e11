"""Small helpers for the catalogue store's SQL."""

from __future__ import annotations

from collections.abc import Iterator


def chunks(items: list, size: int) -> Iterator[list]:
    """`items` in lists of at most `size`: SQLite takes a bounded number of `?` per statement."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
