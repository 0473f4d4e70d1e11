"""Preview: a draft tried on a query beside the live configuration, the live files untouched."""

from __future__ import annotations

import pytest

from indexer.errors import InvalidTuningError
from indexer.tuning import history
from indexer.tuning.preview import preview
from tests.tuning.conftest import search


def snapshot(directory):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}


def test_a_synonym_that_finds_a_record_shows_it_as_new_and_the_live_files_stay(tuned):
    before = snapshot(tuned.synonyms_dir)
    live_text = (tuned.synonyms_dir / "health.txt").read_text()
    shown = preview(tuned, "health.txt", live_text + "matoaka => pocahontas\n", "matoaka")
    assert shown.live_total == 0 and shown.live == []
    assert shown.draft_total >= 1
    assert shown.draft[0].change == "new" and "ocahontas" in shown.draft[0].title.lower()
    assert snapshot(tuned.synonyms_dir) == before
    assert history.versions(tuned, "health.txt") == []
    assert search(tuned, "matoaka").total == 0  # readers still see the live files


def test_a_boosts_draft_shows_what_moved_up_down_and_away(tuned):
    live_text = (tuned.synonyms_dir / "boosts.toml").read_text()
    draft = live_text.replace("subject = 2.5", "subject = 100.0")
    draft = draft.replace("title = 10.0", "title = 0.1").replace("exact = 200.0", "exact = 0.0")
    shown = preview(tuned, "boosts.toml", draft, "history", size=10)
    assert shown.live_total == shown.draft_total
    changes = {row.change for row in shown.draft}
    assert changes & {"up", "down", "new"}
    live_ids = [r.id for r in shown.live]
    for row in shown.draft:
        if row.change in ("up", "down"):
            was = live_ids.index(row.id) + 1
            assert row.places == abs(was - row.rank) and (row.change == "up") == (row.rank < was)
        if row.change == "new":
            assert row.id not in live_ids
    draft_ids = {r.id for r in shown.draft}
    assert [r.id for r in shown.gone] == [i for i in live_ids if i not in draft_ids]
    assert (tuned.synonyms_dir / "boosts.toml").read_text() == live_text


def test_a_draft_with_errors_is_not_previewed(tuned):
    with pytest.raises(InvalidTuningError):
        preview(tuned, "health.txt", "GORD =>\n", "reflux")
