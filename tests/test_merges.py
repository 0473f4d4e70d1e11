"""Librarians' merge decisions from the shell: split a member out, merge two records that share
nothing, list, undo; each applied at once to the documents, and written to the overrides file
the loader reads."""

from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner

from indexer.catalogue.writer import CatalogueWriter
from lantern.cli import main
from tests.test_union import documents, make_settings, quiet, records_of, shared, write


@pytest.fixture
def region(tmp_path):
    """UVA and UVB holding 140 records each, 80 of them the same: 80 merged documents."""
    records = records_of(shared("marc", "solrmarc__uva_001-200.mrc"))
    settings = make_settings(tmp_path / "data")
    quiet(settings, "UVA", [write(records[:140], tmp_path / "a.mrc")])
    quiet(settings, "UVB", [write(records[60:], tmp_path / "b.mrc")])
    return settings


def run(settings, *args):
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(settings.data_dir), "merge", *args],
        env={"LANTERN_LIBRARIES": str(settings.libraries)},
    )
    return result


def keys_of(doc: dict) -> set[str]:
    return {f"{m['library']}:{m['record_id']}" for m in doc["members"]}


def members(settings) -> dict[str, set[str]]:
    return {i: keys_of(d) for i, d in documents(settings).items()}


def doc_of(settings, key: str) -> set[str]:
    return next(keys for keys in members(settings).values() if key in keys)


def test_split_takes_one_member_out_at_once_and_undo_puts_it_back(region):
    before = members(region)
    merged = next(keys for keys in before.values() if len(keys) == 2)
    uvb = next(k for k in merged if k.startswith("UVB:"))
    result = run(region, "split", uvb, "--reason", "bound with a local supplement")
    assert result.exit_code == 0, result.output
    change = result.output.split(":")[0]
    assert doc_of(region, uvb) == {uvb}
    assert len(members(region)) == len(before) + 1

    saved = tomllib.loads((region.data_dir / "merge-overrides.toml").read_text())
    (table,) = saved["never_merge"]
    assert sorted(table["records"]) == sorted(merged)
    assert table["reason"] == "bound with a local supplement"
    assert table["by"].startswith("cli:") and table["change"] == change

    listed = json.loads(run(region, "list", "--json").output)
    assert [c["change"] for c in listed] == [change]

    assert run(region, "undo", change).exit_code == 0
    assert doc_of(region, uvb) == merged
    assert members(region) == before


def test_always_merges_records_that_share_nothing(region):
    singles = [keys for keys in members(region).values() if len(keys) == 1]
    a, b = sorted(next(iter(k)) for k in singles[:2])
    result = run(region, "always", a, b, "--reason", "the same report, catalogued twice")
    assert result.exit_code == 0, result.output
    assert doc_of(region, a) == {a, b}
    docs = documents(region)
    joined = next(d for d in docs.values() if keys_of(d) == {a, b})
    assert any("always merge" in m["reason"] for m in joined["members"])
    # A full rebuild reads the same file: records that share no blocking key stay merged.
    reindex = CliRunner().invoke(
        main,
        ["--data-dir", str(region.data_dir), "reindex"],
        env={"LANTERN_LIBRARIES": str(region.libraries)},
    )
    assert reindex.exit_code == 0, reindex.output
    assert doc_of(region, a) == {a, b}


def test_a_document_id_stands_for_its_document(region):
    docs = members(region)
    (first, keys_a), (second, keys_b) = [(i, k) for i, k in docs.items() if len(k) == 1][:2]
    assert run(region, "always", first, second, "-r", "same title").exit_code == 0
    assert doc_of(region, next(iter(keys_a))) == keys_a | keys_b


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["always", "UVA:nosuch", "UVB:nosuch", "-r", "why"], "no record UVA:nosuch"),
        (["always", "UVA:x"], "--reason"),
        (["never", "UVA:a1", "-r", "why"], "no record"),
        (["undo", "c-unknown"], "no merge change"),
    ],
)
def test_mistakes_are_usage_errors_and_change_nothing(region, args, message):
    result = run(region, *args)
    assert result.exit_code == 2 and message in result.output
    assert not (region.data_dir / "merge-overrides.toml").exists()


def test_a_lone_record_cannot_be_split(region):
    lone = next(next(iter(k)) for k in members(region).values() if len(k) == 1)
    result = run(region, "split", lone, "-r", "why")
    assert result.exit_code == 2 and "nothing to split" in result.output


def test_a_running_load_is_not_raced(region):
    merged = next(keys for keys in members(region).values() if len(keys) == 2)
    with CatalogueWriter.open(region):  # what a load holds
        result = run(region, "split", sorted(merged)[1], "-r", "why")
    assert result.exit_code == 1 and "one indexing process may write" in result.output
    assert not (region.data_dir / "merge-overrides.toml").exists()
    assert doc_of(region, sorted(merged)[1]) == merged


def test_a_merge_takes_the_record_from_a_member_it_must_never_merge_with(region):
    """Merging a record into a document one of whose members it must never merge with: the
    decision named holds, and that member leaves the document (no silent refusal)."""
    first, second = sorted(next(keys for keys in members(region).values() if len(keys) == 2))
    lone = next(next(iter(k)) for k in members(region).values() if len(k) == 1)
    assert run(region, "never", lone, second, "-r", "different editions").exit_code == 0
    assert run(region, "always", lone, first, "-r", "same title").exit_code == 0
    assert doc_of(region, lone) == {lone, first}
    assert doc_of(region, second) == {second}
