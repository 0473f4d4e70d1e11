"""Queued loads with real Redis and real Celery workers end exactly as single-process loads."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from indexer.load.runner import load_library
from lantern.sample.generate import generate_consortium
from tests.conftest import libraries_toml, shared
from tests.queue.conftest import data_dir
from tests.test_union import documents

LIBRARIES = libraries_toml("UVA", "UVB")


def in_process(settings, loads: dict[str, list]) -> dict[str, dict]:
    for code, files in loads.items():
        load_library(settings, code, files, progress=False, log=lambda *a: None)
    return documents(settings)


def task_ids(worker_log, event: str) -> set[str]:
    """Map tasks a worker's log says it `event` (received / succeeded)."""
    return set(
        re.findall(r"indexer\.tasks\.map_batch\[([0-9a-f-]+)\] " + event, worker_log.read_text())
    )


def holdings_count(docs: dict[str, dict]) -> int:
    return sum(len(d["holdings"]) for d in docs.values())


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    """Four libraries sharing many titles, about 12 batches in all."""
    return generate_consortium(tmp_path_factory.mktemp("gen"), records=6000, libraries=4, seed=11)


def test_four_map_workers_loading_overlapping_libraries_give_the_single_process_index(
    harness, tmp_path, consortium
):
    toml = consortium.libraries_toml
    queued = data_dir(tmp_path / "queued", toml.read_text())
    expected = in_process(
        data_dir(tmp_path / "single", toml.read_text()),
        {code: [path] for code, path in consortium.files.items()},
    )
    harness.start_worker("map", 4)
    # The documented writer: solo, building every flush of 100 records or more in a pool.
    writer = harness.start_worker("write", 1, pool="solo", LANTERN_QUEUE_POOL_FLUSH="100")
    load_ids = [harness.enqueue(queued, code, path) for code, path in consortium.files.items()]
    harness.wait(*load_ids)
    got = documents(queued)
    assert len(got) == len(expected)
    assert got == expected
    assert holdings_count(got) == holdings_count(expected) > 0
    shared_titles = [d for d in got.values() if len({m["library"] for m in d["members"]}) > 1]
    assert len(shared_titles) > 100  # the libraries really overlapped
    assert "building documents in" in harness.log_of(writer)  # the writer's pool was used
    for load_id in load_ids:
        state = harness.status(queued, load_id)
        assert state["state"] == "finished" and state["pending"] == 0 and state["failed"] == 0


def test_a_worker_killed_mid_batch_loses_nothing(harness, tmp_path):
    sample = generate_consortium(tmp_path / "gen", records=3000, libraries=2, seed=5)
    toml = sample.libraries_toml
    queued = data_dir(tmp_path / "queued", toml.read_text())
    expected = in_process(
        data_dir(tmp_path / "single", toml.read_text()),
        {code: [path] for code, path in sample.files.items()},
    )
    slow = {"app": "tests.queue.slow_tasks", "LANTERN_QUEUE_VISIBILITY_TIMEOUT": "6"}
    doomed = harness.start_worker("map,write", 2, **slow)
    load_ids = [harness.enqueue(queued, code, path) for code, path in sample.files.items()]
    total = sum(harness.status(queued, i)["batches"] for i in load_ids)
    deadline = time.monotonic() + 120
    while sum(harness.batches_done(i) for i in load_ids) < 1:
        assert time.monotonic() < deadline, harness.logs()
        time.sleep(0.1)
    harness.kill(doomed)  # SIGKILL to the worker and its pool children, batches in flight
    assert sum(harness.batches_done(i) for i in load_ids) < total
    in_flight = task_ids(harness.workers[0][1], "received") - task_ids(
        harness.workers[0][1], "succeeded"
    )
    harness.start_worker("map,write", 2, **slow)
    harness.wait(*load_ids)
    # Every batch the dead worker held is delivered again (one whose work was stored before the
    # kill is then skipped): none is lost, even after the loads have finished.
    assert in_flight
    deadline = time.monotonic() + 60
    while not in_flight <= task_ids(harness.workers[1][1], "succeeded"):
        assert time.monotonic() < deadline, harness.logs()
        time.sleep(0.3)
    got = documents(queued)
    assert got == expected
    assert holdings_count(got) == holdings_count(expected)


def test_rejected_records_and_every_format_are_reported_as_in_process(harness, tmp_path):
    files = {
        "UVA": [
            shared("malformed", "marc4j__bad_hathi_records.mrc"),
            shared("malformed", "marc4j__chabon-missing-subfield-code.xml"),
        ],
        "UVB": [shared("marc", "solrmarc__uva_001-200.mrc")],
    }
    queued = data_dir(tmp_path / "queued", LIBRARIES)
    single = data_dir(tmp_path / "single", LIBRARIES)
    reports = {
        code: load_library(single, code, paths, progress=False, log=lambda *a: None)
        for code, paths in files.items()
    }
    harness.start_worker("map,write", 2)
    load_ids = {code: harness.enqueue(queued, code, *paths) for code, paths in files.items()}
    harness.wait(*load_ids.values())
    assert documents(queued) == documents(single)
    for code, load_id in load_ids.items():
        state, report = harness.status(queued, load_id), reports[code].to_json()
        assert state["loaded"] == report["loaded"]
        assert state["skipped"] == report["skipped"]
        # File names, not paths: the queue reports resolved paths (a linked data folder differs).
        assert sorted(
            (Path(r["file"]).name, r["record"], r["reason"]) for r in state["rejected"]
        ) == sorted((Path(r["file"]).name, r["record"], r["reason"]) for r in report["rejected"])
    assert reports["UVA"].rejected  # the malformed files really had broken records


def test_a_failed_batch_is_reported_with_its_records(harness, tmp_path):
    settings = data_dir(tmp_path / "queued", LIBRARIES)
    source = shared("marc", "solrmarc__uva_001-200.mrc")
    doomed = tmp_path / "vanishing.mrc"
    doomed.write_bytes(source.read_bytes())
    load_id = harness.enqueue(settings, "UVA", doomed)
    doomed.unlink()  # gone before any worker reads it
    harness.start_worker("map,write", 1)
    harness.wait(load_id)
    done = harness.lantern(settings, "status", load_id)
    assert done.returncode == 3
    assert "FAILED batch 0: vanishing.mrc records 1-200" in done.stdout
    assert "No such file" in done.stdout
    state = harness.status(settings, load_id)
    assert state["failed"] == 1 and state["state"] == "finished with failed batches"


def test_replace_through_the_queue_withdraws_what_the_files_no_longer_hold(harness, tmp_path):
    from tests.test_union import records_of, write

    records = records_of(shared("marc", "solrmarc__uva_001-200.mrc"))
    full, part = write(records, tmp_path / "full.mrc"), write(records[:120], tmp_path / "p.mrc")
    queued = data_dir(tmp_path / "queued", LIBRARIES)
    single = data_dir(tmp_path / "single", LIBRARIES)
    for path in (full, part):
        load_library(
            single, "UVA", [path], progress=False, log=lambda *a: None, replace=path is part
        )
    harness.start_worker("map,write", 2)
    harness.wait(harness.enqueue(queued, "UVA", full))
    replaced = harness.enqueue(queued, "UVA", part, options=("--replace",))
    harness.wait(replaced)
    assert documents(queued) == documents(single)
    assert harness.status(queued, replaced)["withdrawn"] == 80


def test_a_failure_of_our_mapping_code_is_reported_apart_through_the_queue(harness, tmp_path):
    """As in-process: records our mapping code raised on are not rejected records; `lantern
    status` says so and exits 5. The schemas dir travels in the load's settings, not the
    worker's environment (the worker starts without it)."""
    import json
    import shutil

    from tests.conftest import REPO

    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    with (schemas / "marc21.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nfield = "language_codes"\nfrom = ["041a"]\n'
            'steps = [{ step = "split_codes", width = 0 }]\n'
        )
    settings = data_dir(tmp_path / "queued", LIBRARIES)
    harness.start_worker("map,write", 1)
    harness.env["LANTERN_SCHEMAS_DIR"] = str(schemas)
    load_id = harness.enqueue(settings, "UVA", shared("marc", "solrmarc__uva_001-200.mrc"))
    harness.wait(load_id)
    done = harness.lantern(settings, "status", load_id)
    assert done.returncode == 5, done.stdout + done.stderr
    assert "MAPPING CODE FAILED on 20 records" in done.stdout
    state = json.loads(harness.lantern(settings, "status", "--json", load_id).stdout)
    assert state["loaded"] == 180 and state["rejected"] == []
    assert state["mapping_failed_count"] == 20
    assert "ZeroDivisionError" in state["mapping_traceback"]
