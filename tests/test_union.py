"""The union catalogue: one document per title across libraries, deltas, deletes, tombstones."""

from __future__ import annotations

import dataclasses

import pymarc
import pytest

from indexer.catalogue.store import CatalogueStore
from indexer.engine import SearchRequest, open_engine
from indexer.load.runner import delete_records, load_libraries, load_library
from indexer.settings import load_settings
from indexer.union.rebuild import _union_groups, all_groups
from tests.conftest import shared, write_libraries


def make_settings(path):
    path.mkdir(parents=True, exist_ok=True)
    write_libraries(path / "libraries.toml", "UVA", "UVB")
    return load_settings(environ={}, data_dir=path, workers=0)


def quiet(settings, code, files, **kw):
    return load_library(settings, code, files, progress=False, log=lambda *a: None, **kw)


def documents(settings) -> dict[str, dict]:
    engine = open_engine(settings)
    try:
        out, after = {}, None
        while batch := engine.scan(after, 500):
            for d in batch:
                d.pop("datestamp", None)
                out[d["id"]] = d
            after = batch[-1]["id"]
        return out
    finally:
        engine.close()


def search(settings, text: str = "", **kw):
    engine = open_engine(settings)
    try:
        return engine.search(SearchRequest(text=text, **kw))
    finally:
        engine.close()


def records_of(path) -> list[pymarc.Record]:
    with open(path, "rb") as fh:
        return [r for r in pymarc.MARCReader(fh, to_unicode=True, permissive=True) if r]


def write(records, path):
    with open(path, "wb") as fh:
        for r in records:
            fh.write(r.as_marc())
    return path


@pytest.fixture
def uva():
    return shared("marc", "solrmarc__uva_001-200.mrc")


def test_the_same_records_in_two_libraries_give_one_result_per_title(tmp_path, uva):
    settings = make_settings(tmp_path / "a")
    quiet(settings, "UVA", [uva])
    alone = search(settings, limit=0).total
    report = quiet(settings, "UVB", [uva])
    assert report.loaded == 200
    assert search(settings, limit=0).total == alone
    for doc in list(documents(settings).values())[:50]:
        libraries = {m["library"] for m in doc["members"]}
        assert libraries == {"UVA", "UVB"}
        assert {h["library"] for h in doc["holdings"]} <= libraries
    counts = {
        f.value: f.count for f in search(settings, facets=("library",), limit=0).facets["library"]
    }
    assert counts == {"UVA": alone, "UVB": alone}


@pytest.fixture
def halves(tmp_path, uva):
    """Two libraries' files sharing 80 of their 140 records each."""
    records = records_of(uva)
    return write(records[:140], tmp_path / "a.mrc"), write(records[60:], tmp_path / "b.mrc")


def test_merging_does_not_depend_on_load_order(tmp_path, halves):
    first, second = make_settings(tmp_path / "ab"), make_settings(tmp_path / "ba")
    half_a, half_b = halves
    quiet(first, "UVA", [half_a])
    quiet(first, "UVB", [half_b])
    quiet(second, "UVB", [half_b])
    quiet(second, "UVA", [half_a])
    assert documents(first) == documents(second)


def test_one_run_of_several_libraries_gives_the_documents_of_separate_loads(tmp_path, halves):
    apart, together = make_settings(tmp_path / "apart"), make_settings(tmp_path / "together")
    half_a, half_b = halves
    quiet(apart, "UVA", [half_a])
    quiet(apart, "UVB", [half_b])
    reports = load_libraries(
        together, [("UVA", [half_a]), ("UVB", [half_b])], progress=False, log=lambda *a: None
    )
    assert [(r.library, r.loaded, r.merged_with) for r in reports] == [
        ("UVA", 140, ["UVB"]),
        ("UVB", 140, ["UVA"]),
    ]
    merged = documents(together)
    assert merged == documents(apart)
    assert reports[0].documents_written == len(merged)  # each document written once
    assert any(len(d["members"]) == 2 for d in merged.values())


def test_grouping_the_whole_catalogue_at_once_gives_the_groups_of_looking_up_each_record(
    tmp_path, halves
):
    settings = make_settings(tmp_path / "s")
    half_a, half_b = halves
    quiet(settings, "UVA", [half_a])
    quiet(settings, "UVB", [half_b])
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        keys = store.all_keys()
        looked_up = _union_groups(keys, store.links_among(keys))
        assert sum(len(g) > 1 for g in looked_up) >= 80  # the shared records, at least
        assert all_groups(store) == looked_up
        # A blocking key left behind by a record no longer stored links nothing.
        store.db.execute(
            "INSERT INTO match_keys(mkey, key) VALUES ('t:x', 'UVA:gone'), ('t:x', ?)",
            (looked_up[0][0],),
        )
        assert all_groups(store) == looked_up
    finally:
        store.close()


def test_records_checkpointed_before_a_crash_are_indexed_by_the_next_flush(tmp_path, uva):
    from indexer.catalogue.writer import CatalogueWriter
    from indexer.load.pipeline import batches, call, init_worker
    from indexer.load.report import LoadReport
    from indexer.load.runner import absorb_outcomes

    settings = make_settings(tmp_path / "crash")
    with CatalogueWriter.open(settings) as writer:
        library = writer.consortium.resolve("UVA")[0]
        init_worker(library, None, None)
        report = LoadReport("UVA", True)
        for item in batches(uva, None):
            absorb_outcomes(call(item), uva, "UVA", writer, report, set())
        writer.checkpoint()
        # the process dies here: no flush, nothing indexed
    assert search(settings, limit=0).total == 0
    report = quiet(settings, "UVA", [uva])  # the same file again: every record unchanged...
    assert report.unchanged == 200
    assert search(settings, limit=0).total == report.documents_written > 150  # ...yet indexed


def test_a_permanent_link_follows_its_record_into_a_merged_document(tmp_path, uva):
    from opac import create_app

    settings = make_settings(tmp_path / "links")
    quiet(settings, "UVB", [uva])
    before = sorted(documents(settings))
    quiet(settings, "UVA", [uva])  # same titles, smaller keys: the anchors (and ids) change
    after = documents(settings)
    old_id = before[0]
    assert old_id.startswith("UVB.") and old_id not in after
    client = create_app(settings=settings).test_client()
    moved = client.get(f"/record/{old_id}")
    assert moved.status_code == 301
    new_id = moved.headers["Location"].rsplit("/", 1)[1]
    assert f"UVB:{old_id[4:]}" in {
        f"{m['library']}:{m['record_id']}" for m in after[new_id]["members"]
    }
    assert client.get(moved.headers["Location"]).status_code == 200
    export = client.get(f"/record/{old_id}/export/ris")
    assert export.status_code == 301
    assert export.headers["Location"].endswith(f"/{new_id}/export/ris")
    api = client.get(f"/api/v1/records/{old_id}")
    assert api.status_code == 301
    assert api.headers["Location"].endswith(f"/api/v1/records/{new_id}")
    assert client.get(api.headers["Location"]).json["id"] == new_id
    assert client.get("/api/v1/records/UVB.no-such-record").status_code == 404
    assert client.get("/record/UVB.no-such-record").status_code == 404
    assert client.get("/record/nodot").status_code == 404


def test_a_changed_record_rewrites_only_its_document(tmp_path, uva):
    settings = make_settings(tmp_path / "c")
    records = records_of(uva)
    quiet(settings, "UVA", [write(records, tmp_path / "v1.mrc")])
    changed = records[5]
    target = changed["001"].data
    for f in changed.get_fields("999"):
        f.delete_subfield("k")
        f.add_subfield("k", "CHECKEDOUT")
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    doc_id = store.doc_ids_of([f"UVA:{target}"]).pop()
    before = store.document_state(doc_id)
    store.close()
    report = quiet(settings, "UVA", [write(records, tmp_path / "v2.mrc")])
    assert report.unchanged == 199 and report.documents_written == 1
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    assert store.document_state(doc_id)[0] > before[0]
    store.close()
    doc = documents(settings)[doc_id]
    assert {h["status"] for h in doc["holdings"]} == {"on_loan"}


def test_replace_withdraws_what_the_library_no_longer_has_and_leaves_tombstones(tmp_path, uva):
    settings = make_settings(tmp_path / "r")
    records = records_of(uva)
    quiet(settings, "UVA", [write(records, tmp_path / "all.mrc")])
    before = documents(settings)
    report = quiet(settings, "UVA", [write(records[:150], tmp_path / "fewer.mrc")], replace=True)
    assert report.withdrawn == 50 and report.unchanged == 150
    after = documents(settings)
    gone = set(before) - set(after)
    assert len(gone) == report.documents_removed > 40
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    assert all(store.document_state(d)[1] for d in gone)
    store.close()


def test_deletes_by_leader_and_by_command(tmp_path, uva):
    settings = make_settings(tmp_path / "d")
    records = records_of(uva)
    quiet(settings, "UVA", [write(records, tmp_path / "all.mrc")])
    total = search(settings, limit=0).total
    doomed = records[10]
    doomed.leader = pymarc.Leader(str(doomed.leader)[:5] + "d" + str(doomed.leader)[6:])
    report = quiet(settings, "UVA", [write([doomed], tmp_path / "delta.mrc")])
    assert report.withdrawn == 1
    assert search(settings, limit=0).total == total - 1
    withdrawn = delete_records(
        settings, "uva", [records[20]["001"].data, "nope"], log=lambda *a: None
    )
    assert withdrawn == (1, ["nope"])  # the ids not found, for `lantern delete` to exit 7
    assert search(settings, limit=0).total == total - 2


def test_never_merge_overrides_split_a_merged_pair(tmp_path, uva):
    settings = make_settings(tmp_path / "o")
    (settings.data_dir / "merge-overrides.toml").write_text(
        '[[never_merge]]\nrecords = ["UVA:u121", "UVA:u122"]\n'
    )
    quiet(settings, "UVA", [uva])
    hits = search(settings, "isbn:9780892324293").hits
    assert len(hits) == 2
    assert all(len(h.display["members"]) == 1 for h in hits)


def test_print_and_ebook_editions_stay_apart_but_linked(tmp_path):
    from lantern.sample.generate import generate_consortium

    generated = generate_consortium(tmp_path / "gen", records=600, libraries=3, seed=5)
    settings = dataclasses.replace(
        make_settings(tmp_path / "p"), libraries=generated.libraries_toml
    )
    for code, path in generated.files.items():
        quiet(settings, code, [path])
    docs = documents(settings).values()
    linked = [d for d in docs if d.get("other_formats")]
    assert linked, "e-book editions of print titles should be linked"
    by_id = {d["id"]: d for d in docs}
    for d in linked:
        for other in d["other_formats"]:
            assert other["format"] != d["format"]
            assert other["id"] in by_id


def test_reindex_swaps_in_a_new_index_while_searches_keep_answering(tmp_path, uva):
    import subprocess
    import sys

    settings = make_settings(tmp_path / "x")
    quiet(settings, "UVA", [uva])
    before = documents(settings)
    live_before = settings.index_dir.resolve()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.index_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        import time

        time.sleep(1.0)
        from indexer.load.reindex import reindex

        result = reindex(settings, workers=1, log=lambda *a: None)
        time.sleep(1.0)
    finally:
        reader.terminate()
        out, err = reader.communicate(timeout=10)
    assert result["documents"] == len(before)
    assert settings.index_dir.resolve() != live_before
    assert documents(settings) == before
    counts = [int(n) for n in out.split()]
    assert counts and set(counts) == {len(before)}, err[-2000:]


READER = """
import sys
from indexer.engine import SearchRequest
from indexer.engine.tantivy.engine import TantivyEngine
engine = TantivyEngine(sys.argv[1])
while True:
    print(engine.search(SearchRequest(limit=0)).total, flush=True)
"""


def test_reindex_rebuilds_an_index_an_earlier_version_built_with_other_fields(tmp_path, uva):
    """After an upgrade that changes the index's fields, the old index cannot be opened (by a
    search or a load), and the error names the way out: `lantern reindex` rebuilds it."""
    from indexer.engine.fields import load_fields
    from indexer.engine.tantivy.engine import TantivyEngine
    from indexer.engine.tantivy.indexdir import new_index_dir, swap_live_index
    from indexer.errors import IndexSchemaError
    from indexer.load.reindex import reindex

    settings = make_settings(tmp_path / "u")
    quiet(settings, "UVA", [uva])
    before = documents(settings)
    older = new_index_dir(settings.index_dir)
    fields = {name: f for name, f in load_fields().items() if name != "series"}
    with TantivyEngine(older, writer=True, fields=fields, heap_size=50_000_000, threads=1) as old:
        old.commit()
    swap_live_index(settings.index_dir, older)
    with pytest.raises(IndexSchemaError, match="lantern reindex"):
        search(settings)
    said = []
    result = reindex(settings, workers=1, log=said.append)
    assert "other fields" in said[0]
    # the store keeps records as they were mapped: new mapped fields need the exports again
    assert "load each library's export again" in said[0]
    assert result["documents"] == len(before)
    assert settings.index_dir.resolve() != older.resolve()
    assert documents(settings) == before


def test_a_failed_rebuild_leaves_the_live_index_untouched(tmp_path, uva):
    import sqlite3

    settings = make_settings(tmp_path / "f")
    quiet(settings, "UVA", [uva])
    live = settings.index_dir.resolve()
    db = sqlite3.connect(settings.data_dir / "catalogue.sqlite")
    broken = """{"mapped": null, "holdings": []}"""
    assert db.execute("UPDATE records SET data = ? WHERE key = 'UVA:u1'", (broken,)).rowcount == 1
    db.commit()
    db.close()
    from indexer.load.reindex import reindex

    with pytest.raises(AttributeError):
        reindex(settings, workers=1, log=lambda *a: None)
    assert settings.index_dir.resolve() == live
    assert search(settings, limit=0).total == 198
    assert sorted(p.name for p in (settings.data_dir / "indexes").iterdir()) == [live.name]


KILLED_REINDEX = """
import os, signal, sys
from indexer.catalogue.writer import CatalogueWriter
from indexer.settings import load_settings
from indexer.union.rebuild import rebuild_all

settings = load_settings(environ={}, data_dir=sys.argv[1], workers=0)
live = CatalogueWriter.open(settings)
live.engine.begin_rebuild()
rebuild_all(live.store, live.engine, live.build_context)
os.kill(os.getpid(), signal.SIGKILL)  # killed before the new index was committed and swapped in
"""


def test_a_reindex_after_a_killed_one_keeps_the_last_good_index_and_drops_the_partial_one(
    tmp_path, uva
):
    import subprocess
    import sys

    from indexer.load.reindex import reindex

    settings = make_settings(tmp_path / "k")
    quiet(settings, "UVA", [uva])
    good = settings.index_dir.resolve()
    killed = subprocess.run([sys.executable, "-c", KILLED_REINDEX, str(settings.data_dir)])
    assert killed.returncode == -9
    indexes = settings.data_dir / "indexes"
    partial = {p.name for p in indexes.iterdir()} - {good.name}
    assert len(partial) == 1  # the killed reindex left its unfinished directory
    before = documents(settings)
    reindex(settings, workers=1, log=lambda *a: None)
    rebuilt = settings.index_dir.resolve()
    # The live index and the one it replaced (readers may still have it open) stay; the
    # killed reindex's directory goes, whatever the directories' modification times say.
    assert sorted(p.name for p in indexes.iterdir()) == sorted({good.name, rebuilt.name})
    assert documents(settings) == before
