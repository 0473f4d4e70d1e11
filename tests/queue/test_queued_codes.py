"""A queued load in another case: `--library uva` queues UVA's load, and `lantern status`
finds it by its id however the id is typed."""

from __future__ import annotations

import json

from lantern.exits import EXIT_REJECTED, EXIT_RUNNING
from tests.conftest import libraries_toml, shared
from tests.queue.conftest import data_dir


def test_a_queued_load_in_lower_case_is_the_librarys_and_status_finds_it(harness, tmp_path):
    settings = data_dir(tmp_path / "queued", libraries_toml("UVA"))
    load_id = harness.enqueue(settings, "uva", shared("marc", "solrmarc__uva_001-200.mrc"))
    assert "-UVA-" in load_id
    done = harness.lantern(settings, "status", "--json", load_id.lower())  # no worker runs
    assert done.returncode == EXIT_RUNNING, done.stderr
    assert json.loads(done.stdout)["library"] == "UVA"


def test_a_queued_kbart_list_without_format_kbart_is_rejected_with_a_hint(harness, tmp_path):
    settings = data_dir(tmp_path / "queued", libraries_toml("UVA"))
    kbart = shared("kbart", "ezpaarse-platforms__bmc_journals_2016-03-07.txt")
    done = harness.lantern(settings, "load", "--queue", "--library", "UVA", str(kbart))
    assert done.returncode == EXIT_REJECTED, done.stdout + done.stderr
    assert "a KBART title list; load it with --format kbart" in done.stdout
