"""Harvest the feed with sickle (an independent OAI-PMH client) over a real socket, change, add
and delete records, harvest again `from=`, and compare both harvests with the catalogue."""

from __future__ import annotations

import math
import time

import pymarc
import pytest

from indexer.catalogue.store import CatalogueStore
from indexer.engine import open_engine
from indexer.feed.oai_args import utc
from indexer.load.runner import delete_records
from tests.feed.conftest import build_catalogue, holders_852, quiet_load

sickle = pytest.importorskip("sickle")
from sickle.oaiexceptions import NoRecordsMatch  # noqa: E402

MARC = "{http://www.loc.gov/MARC21/slim}"


def store_state(settings) -> dict[str, tuple[float, bool]]:
    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        return {i: (s, gone) for i, s, gone, _ in store.changes(limit=10**9)}
    finally:
        store.close()


def harvest(url: str, **args) -> dict[str, tuple[bool, str, object]]:
    """id -> (deleted, datestamp, MARCXML record element or None), failing on any repeat."""
    client = sickle.Sickle(url + "/oai")
    found: dict[str, tuple[bool, str, object]] = {}
    try:
        for record in client.ListRecords(metadataPrefix="marc21", ignore_deleted=False, **args):
            doc_id = record.header.identifier.rsplit(":", 1)[1]
            assert doc_id not in found, f"{doc_id} harvested twice"
            marc = None if record.header.deleted else record.xml.find(f".//{MARC}record")
            found[doc_id] = (record.header.deleted, record.header.datestamp, marc)
    except NoRecordsMatch:
        pass
    return found


def title_of(marc) -> str:
    return marc.findtext(f"{MARC}datafield[@tag='245']/{MARC}subfield[@code='a']")


def records_of(generated, code: str) -> list[pymarc.Record]:
    with open(generated.files[code], "rb") as fh:
        return [r for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True) if r]


def single_member_docs(settings, code: str) -> list[dict]:
    engine = open_engine(settings)
    docs, after = [], None
    while batch := engine.scan(after, 500):
        docs += batch
        after = batch[-1]["id"]
    return [
        d for d in docs if [m["library"] for m in d["members"]] == [code] and d["format"] == "Book"
    ]


def write(path, records: list[pymarc.Record]):
    with open(path, "wb") as fh:
        for record in records:
            record.leader = record.leader[:9] + "a" + record.leader[10:]
            fh.write(record.as_marc())
    return path


def change_add_delete(settings, generated, tmp_path) -> dict[str, str]:
    """Retitle one record, add a new one, withdraw a third; returns what to look for."""
    targets = single_member_docs(settings, "RDE")
    changed_doc, deleted_doc = targets[0], targets[1]
    retitle(settings, generated, tmp_path, "RDE", changed_doc)
    delete_records(settings, "RDE", [deleted_doc["members"][0]["record_id"]], log=lambda *a: None)
    return {"changed": changed_doc["id"], "deleted": deleted_doc["id"], "added": "RDE.FEEDNEW1"}


def retitle(settings, generated, tmp_path, code: str, doc: dict, add: bool = True) -> None:
    """Load `doc`'s record with a new title (and, with `add`, a brand-new record too)."""
    by_id = {r["001"].data: r for r in records_of(generated, code)}
    changed = by_id[doc["members"][0]["record_id"]]
    changed["245"]["a"] = "Zebra crossings in the emergency department"
    added = pymarc.Record(leader=changed.leader)
    added.add_field(pymarc.Field(tag="001", data="FEEDNEW1"))
    added.add_field(pymarc.Field(tag="008", data=changed["008"].data))
    added.add_field(
        pymarc.Field(
            tag="245",
            indicators=["0", "0"],
            subfields=[pymarc.Subfield("a", "Quokka husbandry for ward managers")],
        )
    )
    batch = [changed, added] if add else [changed]
    quiet_load(settings, code, [write(tmp_path / f"delta-{code}.mrc", batch)])


def test_full_then_incremental_harvest_match_the_catalogue_exactly(tmp_path, serve):
    settings, generated = build_catalogue(tmp_path, records=400, seed=21)
    server = serve(settings, OAI_PAGE_SIZE=100)
    time.sleep(1.1)  # the load's datestamps fall in an earlier second than the harvest
    started = time.time()
    full = harvest(server.url)
    state = store_state(settings)
    assert set(full) == set(state)
    assert {i for i, (gone, _, _) in full.items() if gone} == {
        i for i, (_, g) in state.items() if g
    }
    engine = open_engine(settings)
    for doc_id, (gone, stamp, marc) in full.items():
        assert stamp == utc(state[doc_id][0])
        if not gone:
            display = engine.get(doc_id)
            holdings = marc.findall(f"{MARC}datafield[@tag='852']")
            assert [f.findtext(f"{MARC}subfield[@code='a']") for f in holdings] == holders_852(
                display
            )

    time.sleep(1.1)
    wanted = change_add_delete(settings, generated, tmp_path)
    since = utc(math.floor(started))
    delta = harvest(server.url, **{"from": since})
    state = store_state(settings)
    expected = {i for i, (stamp, _) in state.items() if stamp >= math.floor(started)}
    assert set(delta) == expected, "nothing missed, nothing extra"
    assert title_of(delta[wanted["changed"]][2]).startswith("Zebra crossings")
    assert title_of(delta[wanted["added"]][2]).startswith("Quokka husbandry")
    assert delta[wanted["deleted"]][0] is True

    merged = {**full, **delta}
    assert {i: gone for i, (gone, _, _) in merged.items()} == {
        i: gone for i, (_, gone) in state.items()
    }
    for doc_id, (gone, _, marc) in merged.items():
        if not gone:
            assert title_of(marc).startswith(engine.get(doc_id)["title"])


def test_records_changed_during_a_harvest_are_neither_repeated_nor_lost(tmp_path, serve):
    settings, generated = build_catalogue(tmp_path, records=400, seed=22)
    server = serve(settings, OAI_PAGE_SIZE=100)
    time.sleep(1.1)
    started = time.time()
    client = sickle.Sickle(server.url + "/oai")
    headers = client.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False)
    seen = [next(headers).identifier.rsplit(":", 1)[1] for _ in range(150)]
    order = sorted(store_state(settings).items(), key=lambda kv: (kv[1][0], kv[0]))
    not_yet = {i for i, _ in order[250:]}  # beyond the pages sickle has fetched so far
    late = next(d for d in single_member_docs(settings, "KVH") if d["id"] in not_yet)
    early = next(d for d in single_member_docs(settings, "RDE") if d["id"] in seen)
    retitle(settings, generated, tmp_path, "KVH", late, add=False)
    retitle(settings, generated, tmp_path, "RDE", early)
    seen += [h.identifier.rsplit(":", 1)[1] for h in headers]
    assert len(seen) == len(set(seen)), "a record was sent twice in one harvest"
    assert late["id"] not in seen, "changed after the harvest began: left for the next one"

    after = harvest(server.url, **{"from": utc(math.floor(started))})
    state = store_state(settings)
    assert set(seen) | set(after) == set(state), "a change made during the harvest was lost"
    bound = math.floor(started) + 1
    assert all(state[i][0] < bound or i in after for i in seen)
    assert {late["id"], early["id"], "RDE.FEEDNEW1"} <= set(after)
