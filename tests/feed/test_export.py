"""`lantern export`: binary MARC 21, MARCXML and JSON lines with holdings and links, delete
lists since a date, and the location lookup table."""

from __future__ import annotations

import datetime
import time

import pymarc
import pytest
from click.testing import CliRunner
from lxml import etree

from indexer.catalogue.store import CatalogueStore
from indexer.engine import open_engine
from indexer.load.runner import delete_records
from lantern.cli import main
from tests.feed.conftest import build_catalogue, holders_852

MARC = "{http://www.loc.gov/MARC21/slim}"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    settings, _ = build_catalogue(tmp_path_factory.mktemp("export"), records=400, seed=31)
    return settings


def run(settings, *args):
    env = {"LANTERN_LIBRARIES": str(settings.libraries)}
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(settings.data_dir), "export", *args],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result


def live_docs(settings, library: str | None = None) -> dict[str, dict]:
    engine = open_engine(settings)
    docs, after = {}, None
    while batch := engine.scan(after, 500):
        docs.update((d["id"], d) for d in batch)
        after = batch[-1]["id"]
    return {i: d for i, d in docs.items() if library is None or library in d["libraries"]}


def test_binary_marc21_rereads_with_pymarc_with_every_holding_and_link(exported, tmp_path):
    out = tmp_path / "all.mrc"
    result = run(exported, "--format", "marc21", str(out))
    docs = live_docs(exported)
    with open(out, "rb") as fh:
        records = list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
    assert None not in records, "every record re-reads"
    assert {r["001"].data for r in records} == set(docs)
    assert f"{len(docs):,} records written" in result.output
    for record in records:
        display = docs[record["001"].data]
        assert record.leader[9] == "a"
        assert [f["a"] for f in record.get_fields("852")] == holders_852(display)
        assert [f["u"] for f in record.get_fields("856")] == [
            a["url"] for link in display.get("links", []) for a in link["access"]
        ]
    raw = out.read_bytes()
    assert raw.count(b"\x1d") == len(records)
    tsv = (tmp_path / "all.mrc.locations.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == "code\tname\tkind\tlibrary"
    rows = {tuple(line.split("\t")[:3]) for line in tsv[1:]}
    assert ("RDE", "Royal Devon and Exeter Healthcare Library", "library") in rows
    assert ("RDEWON", "Wonford Library", "site") in rows


def test_marcxml_of_one_library_validates_and_holds_only_its_titles(exported, tmp_path, oai_schema):
    out = tmp_path / "kvh.xml"
    run(exported, "--format", "marcxml", "--library", "kvh", "-q", str(out))
    doc = etree.parse(str(out))
    assert oai_schema.validate(doc), oai_schema.error_log
    ids = {r.findtext(f"{MARC}controlfield[@tag='001']") for r in doc.getroot()}
    assert ids == set(live_docs(exported, "KVH"))


def test_jsonl_reads_back_as_marc_in_json(exported, tmp_path):
    out = tmp_path / "all.jsonl"
    run(exported, "--format", "jsonl", "-q", str(out))
    records = list(
        pymarc.JSONReader(out.read_text(encoding="utf-8").replace("\n", ",").rstrip(",").join("[]"))
    )
    assert len(records) == len(live_docs(exported))
    assert all(r["245"] is not None for r in records)


def test_since_exports_only_changes_and_lists_deletions(exported, tmp_path):
    time.sleep(1.1)
    since = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    victim = next(
        d
        for d in live_docs(exported, "NMH").values()
        if [m["library"] for m in d["members"]] == ["NMH"]
    )
    delete_records(exported, "NMH", [victim["members"][0]["record_id"]], log=lambda *a: None)
    out, deletes = tmp_path / "delta.mrc", tmp_path / "deletes.txt"
    run(exported, "--since", since, "--deletes", str(deletes), "-q", str(out))
    assert deletes.read_text().split() == [victim["id"]]
    store = CatalogueStore(exported.data_dir / "catalogue.sqlite")
    try:
        cut = datetime.datetime.fromisoformat(since).timestamp()
        changed_live = {i for i, _, gone, _ in store.changes(since=cut, limit=10**6) if not gone}
    finally:
        store.close()
    with open(out, "rb") as fh:
        assert {r["001"].data for r in pymarc.MARCReader(fh, to_unicode=True)} == changed_live


def test_a_bad_since_is_a_usage_error(exported, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(exported.data_dir),
            "export",
            "--since",
            "last tuesday",
            str(tmp_path / "x.mrc"),
        ],
    )
    assert result.exit_code != 0 and "--since" in result.output
