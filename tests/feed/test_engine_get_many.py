"""Engine.get_many: the batch fetch the feed uses for a page of records."""

from __future__ import annotations

from indexer.engine import open_engine


def test_get_many_returns_what_get_returns_and_leaves_out_unknown_ids(catalogue):
    engine = open_engine(catalogue)
    ids = [d["id"] for d in engine.scan(None, 300)]
    asked = ids[::3] + ["NOPE.1", "odd id:with*chars"] + ids[:2]
    found = engine.get_many(asked)
    assert set(found) == set(ids[::3]) | set(ids[:2])
    assert all(found[i] == engine.get(i) for i in found)
    assert engine.get_many([]) == {}
