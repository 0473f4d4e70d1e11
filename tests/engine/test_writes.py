"""Writes, readers in other processes, the writer lock, and opening errors."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.engine.tantivy.engine import TantivyEngine
from indexer.errors import (
    ConfigError,
    EngineError,
    EngineUnavailableError,
    IndexLockedError,
    IndexSchemaError,
)
from tests.engine.catalogue import CATALOGUE, make_doc

REPO = Path(__file__).resolve().parents[2]

# A reader process that opens the index once and answers queries read from stdin,
# the way a web worker keeps its engine open across requests.
READER = """
import json, sys
from indexer.engine import SearchRequest
from indexer.engine.tantivy.engine import TantivyEngine
engine = TantivyEngine(sys.argv[1])
for line in sys.stdin:
    result = engine.search(SearchRequest(text=line.strip(), limit=50))
    print(json.dumps({"total": result.total, "ids": [h.id for h in result.hits],
                      "count": engine.count()}), flush=True)
"""

SECOND_WRITER = """
import sys
from indexer.engine.tantivy.engine import TantivyEngine
from indexer.errors import IndexLockedError
try:
    TantivyEngine(sys.argv[1], writer=True, heap_size=20_000_000, threads=1)
except IndexLockedError as exc:
    print("IndexLockedError:", exc)
"""


def _python(script: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], env=env, text=True, cwd=REPO, **kwargs
    )


@pytest.fixture
def writer(tmp_path):
    engine = TantivyEngine(tmp_path / "idx", writer=True, heap_size=20_000_000, threads=1)
    engine.upsert(CATALOGUE, new=True)
    engine.commit()
    yield engine
    engine.close()


def test_a_running_reader_process_sees_each_commit(writer, tmp_path):
    reader = _python(READER, str(tmp_path / "idx"), stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(text: str) -> dict:
        reader.stdin.write(text + "\n")
        reader.stdin.flush()
        return json.loads(reader.stdout.readline())

    try:
        assert ask("lancet")["ids"] == ["lancet"]
        writer.delete(["lancet"])
        writer.upsert([make_doc("bmj", "The BMJ", fmt="Journal", year=1840)])
        assert ask("lancet")["ids"] == ["lancet"]  # not committed yet
        writer.commit()
        assert ask("lancet")["total"] == 0
        assert ask("bmj")["ids"] == ["bmj"]
        writer.upsert([make_doc("bmj", "British medical journal", fmt="Journal")])
        writer.commit()
        answer = ask("bmj")
        assert answer["total"] == 0 and answer["count"] == len(CATALOGUE)
        assert ask("british medical journal")["ids"] == ["bmj"]
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)


def test_a_second_writer_process_is_refused_with_the_holder(writer, tmp_path):
    other = _python(SECOND_WRITER, str(tmp_path / "idx"), stdout=subprocess.PIPE)
    out, _ = other.communicate(timeout=60)
    assert out.startswith("IndexLockedError:")
    assert f'"pid": {os.getpid()}' in out


def test_a_second_writer_in_the_same_process_is_refused_until_the_first_closes(tmp_path):
    first = TantivyEngine(tmp_path / "idx", writer=True, heap_size=20_000_000, threads=1)
    with pytest.raises(IndexLockedError):
        TantivyEngine(tmp_path / "idx", writer=True)
    first.close()
    second = TantivyEngine(tmp_path / "idx", writer=True, heap_size=20_000_000)
    second.close()


def test_upsert_replaces_and_uncommitted_writes_are_dropped_on_close(writer, tmp_path):
    writer.upsert([make_doc("kumar", "Kumar and Clark's clinical medicine", year=2021)])
    writer.commit()
    assert writer.count() == len(CATALOGUE)
    assert writer.get("kumar")["title"] == "Kumar and Clark's clinical medicine"
    writer.upsert([make_doc("ghost", "Never committed")])
    writer.close()
    reader = TantivyEngine(tmp_path / "idx")
    assert reader.get("ghost") is None and reader.count() == len(CATALOGUE)


def test_get_scan_and_count(writer):
    assert writer.get("ohcm")["title"] == "Oxford handbook of clinical medicine"
    assert writer.get("nope") is None
    seen, after = [], None
    while page := writer.scan(after, 7):
        seen += [d["id"] for d in page]
        after = page[-1]["id"]
    assert seen == sorted(d["id"] for d in CATALOGUE)
    assert writer.count() == len(CATALOGUE)
    assert writer.scan(None, 0) == []


def test_scan_after_an_id_the_query_parser_cannot_take(writer):
    writer.upsert([make_doc("a:b c", "Odd id"), make_doc("a:b d", "Odd id two")])
    writer.commit()
    assert [d["id"] for d in writer.scan("a:b c", 2)] == ["a:b d", "anatomy"]


def test_writes_need_a_writer(tmp_path, writer):
    reader = TantivyEngine(tmp_path / "idx")
    with pytest.raises(EngineError):
        reader.upsert([make_doc("x", "X")])


def test_documents_with_unknown_fields_or_no_id_are_refused(writer):
    with pytest.raises(EngineError, match="colour"):
        writer.upsert([{"id": "x", "colour": "red"}])
    with pytest.raises(EngineError, match="id"):
        writer.upsert([{"title": "No id"}])


def test_opening_errors(tmp_path, settings):
    with pytest.raises(EngineUnavailableError):
        TantivyEngine(tmp_path / "missing")
    with pytest.raises(EngineUnavailableError):
        open_engine(settings)  # a reader before the first load
    with pytest.raises(ConfigError, match="tantivy"):
        open_engine(dataclasses.replace(settings, engine="solr"))


def test_an_index_built_with_other_fields_is_refused(tmp_path, writer):
    meta = tmp_path / "idx" / "meta.json"
    data = json.loads(meta.read_text())
    data["schema"] = data["schema"][:-1]
    meta.write_text(json.dumps(data))
    with pytest.raises(IndexSchemaError, match="fields.toml.*lantern reindex"):
        TantivyEngine(tmp_path / "idx")


def test_search_after_the_index_vanishes_is_an_error_not_zero_results(tmp_path):
    path = tmp_path / "idx"
    with TantivyEngine(path, writer=True, heap_size=20_000_000, threads=1) as w:
        w.upsert(CATALOGUE[:3], new=True)
        w.commit()
    reader = TantivyEngine(path)
    assert reader.search(SearchRequest("medicine")).total > 0
    (path / "meta.json").unlink()
    with pytest.raises(EngineUnavailableError):
        reader.search(SearchRequest("medicine"))


def test_a_rebuild_writes_beside_the_live_index_and_keeps_its_lock_throughout(tmp_path):
    """Tantivy's rebuild: a new directory beside the live one, the link swapped at the end,
    the old directory kept for readers still on it; an aborted one leaves nothing behind; and
    no second writer gets in at any moment (no load can change the store meanwhile)."""
    from indexer.engine.tantivy.indexdir import ensure_live_index

    link = ensure_live_index(tmp_path / "index")
    live = link.resolve()

    def second_writer_refused() -> bool:
        try:
            TantivyEngine(link, writer=True, heap_size=20_000_000, threads=1).close()
        except IndexLockedError:
            return True
        return False

    with TantivyEngine(link, writer=True, heap_size=20_000_000, threads=1) as engine:
        engine.upsert(CATALOGUE, new=True)
        engine.commit()
        engine.begin_rebuild()
        engine.upsert(CATALOGUE[:3], new=True)
        engine.abort_rebuild()
        assert list((tmp_path / "indexes").iterdir()) == [live]
        engine.begin_rebuild()
        engine.upsert(CATALOGUE[:3], new=True)
        assert second_writer_refused()
        engine.finish_rebuild()
        assert second_writer_refused()
        assert link.resolve() != live and live.exists() and engine.count() == 3
    assert not second_writer_refused()
