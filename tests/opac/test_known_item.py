"""Known-item searching on real records: the exact title typed comes first.

Loads a spread of the shared MARC files, takes each record's title proper as the query a reader
would type, and measures success@1 (the first result has exactly that title) and success@10
(the record itself is in the first ten). Prints the figures; asserts the levels reached.
"""

from __future__ import annotations

import random

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.load.runner import load_library
from indexer.normalise import normalise_title
from indexer.settings import load_settings
from tests.conftest import shared

MAX_FILE_BYTES = 3_000_000
MAX_QUERIES = 600


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    marc = shared("marc")
    files = sorted(
        p
        for p in marc.iterdir()
        if p.suffix in (".mrc", ".marc") and p.stat().st_size < MAX_FILE_BYTES
    )
    if len(files) < 20:
        pytest.skip("too few shared MARC files for a known-item evaluation")
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("known") / "instance")
    load_library(settings, "KI", files, progress=False, log=lambda *a: None)
    return open_engine(settings)


def test_known_item_title_searches(loaded):
    docs, after = [], None
    while True:
        batch = loaded.scan(after, 1000)
        if not batch:
            break
        docs += batch
        after = batch[-1]["id"]
    items = [d for d in docs if len(normalise_title(d.get("title") or "")) >= 3]
    random.Random(4).shuffle(items)
    items = items[:MAX_QUERIES]
    at1 = at10 = 0
    for doc in items:
        query = doc["title"]
        found = loaded.search(SearchRequest(text=query, limit=10))
        ids = [h.id for h in found.hits]
        if found.hits and normalise_title(
            found.hits[0].display.get("title") or ""
        ) == normalise_title(query):
            at1 += 1
        at10 += doc["id"] in ids
    n = len(items)
    print(
        f"\nknown-item: {n} title queries over {len(docs)} records from the shared MARC files: "
        f"success@1 {at1 / n:.3f}, success@10 {at10 / n:.3f}"
    )
    assert n >= 200
    assert at1 / n >= 0.97
    assert at10 / n >= 0.9
