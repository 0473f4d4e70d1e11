"""`lantern demo --no-serve`: the generated consortium loads and is searchable; reruns reuse it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lantern.cli import main
from lantern.exits import EXIT_INTERRUPTED
from tests.conftest import REPO


def test_demo_generates_loads_and_merges_shared_titles(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "instance"))
    runner = CliRunner()
    result = runner.invoke(
        main, ["demo", "--no-serve", "--records", "400", "--libraries", "4"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Demo consortium ready" in result.output
    assert (tmp_path / "instance" / "libraries.toml").exists()

    found = json.loads(runner.invoke(main, ["search", "--json", "--size", "100", ""]).output)
    # The generator gives about 40% of titles to more than one library: one result each.
    assert 150 < found["total"] < 400
    merged = [r for r in found["results"] if len({m["library"] for m in r["members"]}) > 1]
    assert merged, "titles held by several libraries should be merged"
    for r in merged:
        assert {m["library"] for m in r["members"]} >= {h["library"] for h in r["holdings"]}
    libraries = {f["value"] for f in found["facets"]["library"]}
    assert len(libraries) == 4
    formats = {f["value"] for f in found["facets"]["format"]}
    assert {"Book", "E-book"} <= formats

    again = runner.invoke(main, ["demo", "--no-serve", "--records", "400", "--libraries", "4"])
    assert again.exit_code == 0 and "already loaded" in again.output


def test_a_demo_of_another_size_starts_from_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "instance"))
    runner = CliRunner()
    for records in (200, 100):
        result = runner.invoke(
            main,
            ["demo", "--no-serve", "--records", str(records), "--libraries", "2"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
    found = json.loads(runner.invoke(main, ["search", "--json", ""]).output)
    assert found["total"] <= 100  # 200 records would have left more documents behind


def test_the_demo_refuses_a_data_dir_with_a_real_catalogue(tmp_path, monkeypatch):
    data = tmp_path / "instance"
    data.mkdir()
    (data / "catalogue.sqlite").write_bytes(b"")
    monkeypatch.setenv("LANTERN_DATA_DIR", str(data))
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--records", "50"])
    assert result.exit_code != 0 and "did not make" in result.output


def test_a_demo_loaded_by_an_earlier_version_is_rebuilt_not_refused(tmp_path, monkeypatch):
    """An upgrade that changes the index's fields: the next `make demo` rebuilds the index
    from the demo's catalogue instead of failing to open it."""
    from indexer.engine.fields import load_fields
    from indexer.engine.tantivy.engine import TantivyEngine
    from indexer.engine.tantivy.indexdir import new_index_dir, swap_live_index

    data = tmp_path / "instance"
    monkeypatch.setenv("LANTERN_DATA_DIR", str(data))
    runner = CliRunner()
    args = ["demo", "--no-serve", "--records", "200", "--libraries", "2"]
    assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    total = json.loads(runner.invoke(main, ["search", "--json", ""]).output)["total"]
    older = new_index_dir(data / "index")
    fields = {name: f for name, f in load_fields().items() if name != "series"}
    with TantivyEngine(older, writer=True, fields=fields, heap_size=50_000_000, threads=1):
        pass
    swap_live_index(data / "index", older)
    assert runner.invoke(main, ["search", "--json", ""]).exit_code != 0

    again = runner.invoke(main, args, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "earlier version" in again.output
    assert json.loads(runner.invoke(main, ["search", "--json", ""]).output)["total"] == total


def test_the_demo_summary_adds_up_and_names_the_report_once(tmp_path, monkeypatch):
    """Each library's time is its own reading and mapping; the merge is said once, in the
    total, and so is the report (one for the whole run)."""
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "instance"))
    args = ["demo", "--no-serve", "--records", "1200", "--libraries", "4"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    own = [
        float(s)
        for s in re.findall(r"^\w+: loaded [\d,]+ records? in ([\d.]+) s", result.output, re.M)
    ]
    total, merging = re.search(
        r"^All 4 libraries: [\d,]+ records in ([\d.]+) s .*of which ([\d.]+) s merging",
        result.output,
        re.M,
    ).groups()
    assert len(own) == 4
    assert sum(own) + float(merging) <= float(total) + 0.05 * 5  # each rounded to 0.1 s
    assert result.output.count("report: ") == 1


@pytest.mark.slow
def test_ctrl_c_during_the_demo_load_stops_it_in_one_line(tmp_path):
    """Ctrl+C (SIGINT to the terminal's process group: the command and its pool processes)
    while the demo loads: one line, exit status 130, no traceback, nothing left running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "--data-dir", str(tmp_path / "instance")]
        + ["demo", "--no-serve", "--records", "20000"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even under nohup
    )
    try:
        for line in proc.stdout:
            if "loading them" in line:
                break
        else:
            pytest.fail("the demo never said it was loading")
        os.killpg(proc.pid, signal.SIGINT)
        rest = proc.stdout.read()
        assert proc.wait(timeout=120) == EXIT_INTERRUPTED, rest
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1].startswith("lantern: interrupted (Ctrl+C)")
