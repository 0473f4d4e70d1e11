"""Item-status deltas (`lantern load --items`): a copy's status changes in the search index, the
display record, the catalogue store and the Hub feed's datestamps, with nothing re-clustered."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from indexer.catalogue.items import ItemChange, apply_item_changes
from indexer.catalogue.store import CatalogueStore
from indexer.catalogue.writer import CatalogueWriter
from indexer.engine import SearchRequest, open_engine
from indexer.settings import load_settings
from lantern.cli import main
from lantern.exits import EXIT_OK, EXIT_REJECTED


@pytest.fixture
def demo(tmp_path):
    from lantern.demo import load_demo

    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    return load_demo(settings, records=200, libraries=2, log=lambda *a: None)


def lone_available_copy(settings) -> tuple[str, dict]:
    """(document id, copy) of a document whose only available copy this is."""
    engine = open_engine(settings)
    try:
        for doc in engine.scan(None, 1000):
            available = [h for h in doc.get("holdings") or [] if h["status"] == "available"]
            if len(available) == 1 and available[0].get("item_id") and not doc.get("links"):
                return doc["id"], available[0]
    finally:
        engine.close()
    pytest.skip("the demo has no document with a single available copy")


def found(settings, doc_id: str, **filters) -> bool:
    engine = open_engine(settings)
    try:
        request = SearchRequest(filters=tuple((k, (v,)) for k, v in filters.items()), limit=1000)
        return doc_id in {hit.id for hit in engine.search(request).hits}
    finally:
        engine.close()


def copy_now(settings, doc_id: str, item_id: str) -> dict | None:
    engine = open_engine(settings)
    try:
        holdings = engine.get(doc_id)["holdings"]
    finally:
        engine.close()
    return next((h for h in holdings if h["item_id"] == item_id), None)


def datestamps(settings) -> dict[str, float]:
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        return {i: d for i, d, _, _ in store.changes(limit=100_000)}
    finally:
        store.close()


def apply(settings, *changes: ItemChange):
    with CatalogueWriter.open(settings) as writer:
        return apply_item_changes(writer, changes)


def test_a_lent_copy_is_on_loan_in_the_index_the_facet_and_the_feed(demo):
    doc_id, copy = lone_available_copy(demo)
    assert found(demo, doc_id, availability="available")
    before = datestamps(demo)
    lent = ItemChange(copy["library"], None, copy["item_id"], "on_loan", "2026-12-21")
    applied = apply(demo, lent)
    assert [(c.item_id, old) for c, old in applied.changed] == [(copy["item_id"], "available")]
    assert applied.documents == [doc_id]
    now = copy_now(demo, doc_id, copy["item_id"])
    assert (now["status"], now["due_date"]) == ("on_loan", "2026-12-21")
    assert not found(demo, doc_id, availability="available")
    assert not found(demo, doc_id, available_library=copy["library"])
    assert found(demo, doc_id, availability="on_loan")
    after = datestamps(demo)
    assert after[doc_id] > before[doc_id]
    assert {i for i in before if after[i] != before[i]} == {doc_id}  # the feed says: this one
    returned = ItemChange(copy["library"], None, copy["item_id"], "available")
    apply(demo, returned)
    assert found(demo, doc_id, availability="available")
    assert copy_now(demo, doc_id, copy["item_id"])["due_date"] is None


def test_the_updated_document_is_what_a_full_rebuild_would_make(demo):
    doc_id, copy = lone_available_copy(demo)
    apply(demo, ItemChange(copy["library"], None, copy["item_id"], "on_loan", "2027-01-02"))
    with CatalogueWriter.open(demo) as writer:
        writer.dirty_keys |= writer.store.members_of([doc_id])
        changes = writer.flush()  # re-clusters and rebuilds the document the ordinary way
    assert changes.written == 0 and changes.unchanged >= 1  # same content: nothing to write


def test_a_lost_copy_leaves_the_display_and_comes_back_when_found(demo):
    doc_id, copy = lone_available_copy(demo)
    apply(demo, ItemChange(copy["library"], copy["record_id"], copy["item_id"], "lost"))
    assert copy_now(demo, doc_id, copy["item_id"]) is None
    store = CatalogueStore(demo.data_dir / "catalogue.sqlite")
    try:
        (record,) = store.records([f"{copy['library']}:{copy['record_id']}"])
    finally:
        store.close()
    kept = next(h for h in record.holdings if h["item_id"] == copy["item_id"])
    assert (kept["status"], kept["public"]) == ("lost", False)  # the store keeps the copy
    apply(demo, ItemChange(copy["library"], None, copy["item_id"], "available"))
    assert copy_now(demo, doc_id, copy["item_id"])["status"] == "available"


def test_the_same_status_again_changes_nothing(demo):
    doc_id, copy = lone_available_copy(demo)
    before = datestamps(demo)[doc_id]
    applied = apply(demo, ItemChange(copy["library"], None, copy["item_id"], "available"))
    assert (applied.changed, applied.unchanged, applied.documents) == ([], 1, [])
    assert datestamps(demo)[doc_id] == before


def test_load_items_applies_good_rows_and_names_the_line_of_each_bad_one(demo, monkeypatch):
    doc_id, copy = lone_available_copy(demo)
    monkeypatch.setenv("LANTERN_DATA_DIR", str(demo.data_dir))
    path = demo.data_dir / "statuses.csv"
    path.write_text(
        "item_id,status,due_date\n"
        f"{copy['item_id']},on_loan,2026-12-21\n"
        "no-such-copy,available,\n"
        f"{copy['item_id']},flying,\n"
        ",available,\n"
        f"{copy['item_id']},on_loan,next tuesday\n"
    )
    result = CliRunner().invoke(
        main, ["load", "--library", copy["library"], "--items", str(path)], catch_exceptions=False
    )
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "1 copies changed" in result.output
    assert "available -> on_loan: 1" in result.output
    assert "line 3: no-such-copy: no copy with this item id" in result.output
    assert "line 4:" in result.output and "'flying' is not one of" in result.output
    assert "line 5: (no item id): no item_id" in result.output
    assert "line 6:" in result.output and "not an ISO date" in result.output
    assert copy_now(demo, doc_id, copy["item_id"])["status"] == "on_loan"
    (report,) = demo.reports_dir.glob(f"items-{copy['library']}-*.json")
    body = json.loads(report.read_text())
    assert body["copies_changed"] == 1 and len(body["rejected"]) == 4
    good = demo.data_dir / "good.csv"
    good.write_text(f"item_id,status\n{copy['item_id']},available\n")
    again = CliRunner().invoke(
        main, ["load", "-l", copy["library"], "--items", str(good)], catch_exceptions=False
    )
    assert again.exit_code == EXIT_OK, again.output


def test_a_file_without_the_header_is_refused_whole(demo, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(demo.data_dir))
    path = demo.data_dir / "statuses.csv"
    path.write_text("barcode,state\n1,available\n")
    result = CliRunner().invoke(main, ["load", "-l", "NMH", "--items", str(path)])
    assert result.exit_code == 1
    assert "must name item_id, status" in result.output


def test_the_items_load_waits_for_no_one_while_another_writer_holds_the_index(demo, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(demo.data_dir))
    path = demo.data_dir / "statuses.csv"
    path.write_text("item_id,status\n000000000001,on_loan\n")
    with CatalogueWriter.open(demo):
        result = CliRunner().invoke(main, ["load", "-l", "NMH", "--items", str(path)])
    assert result.exit_code == 1
    assert "already open for writing" in result.output


def test_a_copy_added_by_a_later_load_is_found_by_its_item_id(demo):
    doc_id, copy = lone_available_copy(demo)
    with CatalogueWriter.open(demo) as writer:  # the item table is filled before the copy moves
        apply_item_changes(writer, [ItemChange(copy["library"], None, "nothing", "available")])
        key = f"{copy['library']}:{copy['record_id']}"
        (record,) = writer.store.records([key])
        for h in record.holdings:
            if h["item_id"] == copy["item_id"]:
                h["item_id"] = "NEW-BARCODE"
        from indexer.catalogue.items import _store_records

        _store_records(writer.store, [record], time.time())  # as a load stamps what it stores
        writer.store.commit()
    applied = apply(demo, ItemChange(copy["library"], None, "NEW-BARCODE", "on_loan"))
    assert [c.item_id for c, _ in applied.changed] == ["NEW-BARCODE"]


def test_a_copy_whose_record_awaits_its_merge_is_indexed_the_ordinary_way(demo):
    doc_id, copy = lone_available_copy(demo)
    with CatalogueWriter.open(demo) as writer:  # as a queued load leaves a record before its flush
        key = f"{copy['library']}:{copy['record_id']}"
        writer.store.db.execute("UPDATE records SET doc_id = NULL WHERE key = ?", (key,))
        writer.store.commit()
    applied = apply(demo, ItemChange(copy["library"], None, copy["item_id"], "on_loan"))
    assert applied.documents == [] and applied.rebuilt >= 1
    assert copy_now(demo, doc_id, copy["item_id"])["status"] == "on_loan"
    assert found(demo, doc_id, availability="on_loan")
