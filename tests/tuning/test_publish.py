"""Publishing writes the real file atomically and the next search sees it; a file changed on
disk since it was opened is refused with a diff; every version is kept, diffed and rolled back."""

from __future__ import annotations

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.errors import InvalidTuningError, StaleEditError, TuningError
from indexer.tuning import history
from indexer.tuning.files import digest, editable_names
from indexer.tuning.publish import current, publish, rollback
from opac.search.service import SearchParams, open_search_service
from tests.tuning.conftest import search

RULE = "matoaka => pocahontas\n"


def test_publish_writes_the_file_and_the_next_search_sees_it(tuned):
    path = tuned.synonyms_dir / "health.txt"
    service = open_search_service(tuned)  # one open service, as the OPAC's: no restart
    assert service.search(SearchParams(q="matoaka"))["total"] == 0
    opened = current(tuned, "health.txt")
    inode = path.stat().st_ino
    done = publish(tuned, "health.txt", opened.text + RULE, opened.sha256, "alice", "Pocahontas")
    assert path.read_text() == opened.text + RULE
    assert path.stat().st_ino != inode  # a new file renamed over the old, never half-written
    assert done.version.number == 2 and done.version.by == "alice"
    # no temporary file is left beside it for the engines to read
    assert sorted(p.name for p in tuned.synonyms_dir.iterdir()) == ["boosts.toml", "health.txt"]
    found = service.search(SearchParams(q="matoaka"))
    assert found["total"] >= 1 and "ocahontas" in found["results"][0]["title"].lower()


def test_boosts_published_change_the_order_on_the_next_search(tuned):
    engine = open_engine(tuned)  # one open engine: boosts.toml is re-read without a restart
    before = engine.search(SearchRequest(text="history", limit=20))
    opened = current(tuned, "boosts.toml")
    heavier = opened.text.replace("subject = 2.5", "subject = 100.0")
    heavier = heavier.replace("title = 10.0", "title = 0.1").replace("exact = 200.0", "exact = 0.0")
    publish(tuned, "boosts.toml", heavier, opened.sha256, "alice", "subjects first")
    after = engine.search(SearchRequest(text="history", limit=20))
    engine.close()
    assert after.total == before.total
    assert [h.id for h in after.hits] != [h.id for h in before.hits]


def test_a_file_changed_on_disk_since_it_was_opened_is_refused_with_a_diff(tuned):
    path = tuned.synonyms_dir / "health.txt"
    opened = current(tuned, "health.txt")
    path.write_text(opened.text + "pressure ulcer, bedsore\n")  # a change made in git
    with pytest.raises(StaleEditError) as refused:
        publish(tuned, "health.txt", opened.text + RULE, opened.sha256, "bob", "mine")
    assert "+pressure ulcer, bedsore" in refused.value.diff
    assert refused.value.live_hash == digest(path.read_bytes())
    assert "matoaka" not in path.read_text()
    # the hand-made text was recorded as a version of its own, never lost
    kinds = [v.kind for v in history.versions(tuned, "health.txt")]
    assert kinds == ["found", "changed on disk"]


def test_a_text_with_errors_is_refused_and_nothing_is_written(tuned):
    path = tuned.synonyms_dir / "health.txt"
    before = path.read_bytes()
    opened = current(tuned, "health.txt")
    with pytest.raises(InvalidTuningError) as refused:
        publish(tuned, "health.txt", opened.text + "GORD =>\n", opened.sha256, "bob")
    assert [p.line for p in refused.value.report.errors] == [len(opened.text.splitlines()) + 1]
    assert path.read_bytes() == before
    assert len(history.versions(tuned, "health.txt")) == 1


def test_history_diff_and_rollback_to_the_file_as_shipped(tuned):
    path = tuned.synonyms_dir / "health.txt"
    shipped = path.read_bytes()
    opened = current(tuned, "health.txt")
    publish(tuned, "health.txt", opened.text + RULE, opened.sha256, "alice", "add")
    second = current(tuned, "health.txt")
    publish(tuned, "health.txt", second.text.replace(RULE, ""), second.sha256, "bob", "drop")
    assert [(v.number, v.kind, v.by) for v in history.versions(tuned, "health.txt")] == [
        (1, "found", "disk"),
        (2, "published", "alice"),
        (3, "published", "bob"),
    ]
    assert "+matoaka => pocahontas" in history.diff(tuned, "health.txt", 1, 2)
    assert "-matoaka => pocahontas" in history.diff(tuned, "health.txt", 2, 3)
    assert history.diff(tuned, "health.txt", 1, 3) == ""

    back = rollback(tuned, "health.txt", 2, "carol", "it was right")
    assert (back.version.number, back.version.kind) == (4, "rollback")
    assert back.version.reason == "rollback to v2: it was right"
    assert path.read_text().endswith(RULE)
    assert search(tuned, "matoaka").total >= 1
    rollback(tuned, "health.txt", 1, "carol", "as shipped")
    assert path.read_bytes() == shipped
    with pytest.raises(TuningError):
        rollback(tuned, "health.txt", 99, "carol")


@pytest.mark.parametrize(
    "name", ["../health.txt", "..", "sub/health.txt", "/etc/passwd", "health.md", ".hidden.txt"]
)
def test_names_outside_the_synonym_files_are_refused(tuned, name):
    with pytest.raises(TuningError):
        publish(tuned, name, "a, b\n", None, "mallory")
    with pytest.raises(TuningError):
        current(tuned, name)
    assert not (tuned.synonyms_dir.parent / "health.txt").exists()


def test_a_new_synonym_file_can_be_created(tuned):
    assert editable_names(tuned) == ["health.txt", "boosts.toml"]
    done = publish(tuned, "local.txt", "matoaka, pocahontas\n", None, "alice", "new file")
    assert done.version.number == 1
    assert (tuned.synonyms_dir / "local.txt").read_text() == "matoaka, pocahontas\n"
    assert search(tuned, "matoaka").total >= 1
    assert editable_names(tuned) == ["health.txt", "local.txt", "boosts.toml"]
