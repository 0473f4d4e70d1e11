"""What the operator's command line says when something is wrong: one line, `lantern: ...`, and
the exit status the README's table gives it; and summaries that count right."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lantern.cli import main
from lantern.exits import (
    EXIT_CANNOT_WRITE,
    EXIT_NOTHING_LOADED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
)
from tests.conftest import REPO, shared, write_libraries

UVA_200 = ("marc", "solrmarc__uva_001-200.mrc")


@pytest.fixture
def runner(settings, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LANTERN_WORKERS", "1")
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def one_line_error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("lantern: ")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_an_invalid_library_code_is_a_usage_error(runner):
    result = run(runner, "load", "-q", "--library", "my-lib", str(shared(*UVA_200)))
    assert result.exit_code == EXIT_USAGE
    assert "'my-lib' must be letters and digits" in one_line_error(result)


def test_a_kbart_list_loaded_as_marc_is_rejected_with_a_hint(runner):
    kbart = shared("kbart", "ezpaarse-platforms__bmc_journals_2016-03-07.txt")
    result = run(runner, "load", "-q", "--library", "EXE", str(kbart))
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "a KBART title list; load it with --format kbart" in result.output


def test_no_libraries_file_is_said_as_such(runner, settings):
    assert not settings.libraries.exists()
    result = run(runner, "load", "-q", "--library", "EXE", str(shared(*UVA_200)))
    assert result.exit_code == EXIT_OK, result.output
    assert f"There is no libraries file at {settings.libraries}" in result.output
    assert "is not in" not in result.output


def test_a_library_missing_from_the_libraries_file_is_said_as_such(runner, settings):
    write_libraries(settings.libraries, "UVA")
    result = run(runner, "load", "-q", "--library", "exe", str(shared(*UVA_200)))
    assert f"Library EXE is not in {settings.libraries}" in result.output


@pytest.mark.parametrize(
    "args",
    [("search", "asthma"), ("export", "-q", "out.mrc"), ("reindex",), ("delete", "-l", "X", "1")],
)
def test_an_empty_data_directory_says_to_load_first(runner, settings, args, monkeypatch):
    monkeypatch.chdir(settings.data_dir.parent)
    result = run(runner, *args)
    assert result.exit_code == EXIT_NOTHING_LOADED, result.output
    assert "run `lantern load" in one_line_error(result)


@pytest.fixture
def loaded(runner):
    result = run(runner, "load", "-q", "--library", "UVA", str(shared(*UVA_200)))
    assert result.exit_code == EXIT_OK, result.output
    return runner


def test_export_to_a_folder_that_does_not_exist_is_one_line(loaded, tmp_path):
    result = run(loaded, "export", "-q", str(tmp_path / "no" / "such" / "out.mrc"))
    assert result.exit_code == EXIT_CANNOT_WRITE
    assert "does not exist" in one_line_error(result)


def test_export_of_a_library_that_is_not_there_is_a_usage_error(loaded, tmp_path):
    out = tmp_path / "nope.mrc"
    result = run(loaded, "export", "-q", "--library", "NOPE", str(out))
    assert result.exit_code == EXIT_USAGE
    assert "no library NOPE" in one_line_error(result) and "known: UVA" in result.output
    assert not out.exists()


def test_search_in_an_unknown_scope_is_a_usage_error(loaded):
    result = run(loaded, "search", "--scope", "XXX", "medicine")
    assert result.exit_code == EXIT_USAGE
    assert "no library XXX" in one_line_error(result)


def test_one_record_is_not_records(runner, tmp_path):
    from pymarc import MARCReader

    with shared(*UVA_200).open("rb") as fh:
        first = next(iter(MARCReader(fh, to_unicode=True, permissive=True)))
    one = tmp_path / "one.mrc"
    one.write_bytes(first.as_marc())
    result = run(runner, "load", "-q", "--library", "UVA", str(one))
    assert "UVA: loaded 1 record in" in result.output


def test_records_repeated_in_a_first_load_are_not_unchanged_since_the_last_load(runner, settings):
    path = str(shared(*UVA_200))
    result = run(runner, "load", "-q", "--library", "UVA", path, path)
    assert result.exit_code == EXIT_OK, result.output
    assert "unchanged since the last load" not in result.output
    assert "the last copy is kept): 200" in result.output
    report = json.loads(next(settings.reports_dir.glob("load-UVA-*.json")).read_text())
    assert (report["loaded"], report["unchanged"], report["repeated"]) == (400, 0, 200)
    again = run(runner, "load", "-q", "--library", "UVA", path)
    assert "unchanged since the last load: 200" in again.output


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KB file system (tmpfs, which needs root: CI runs as root), unmounted at the end."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_under_the_catalogue_store_is_one_line(full_disk, tmp_path):
    """The catalogue store on a file system that fills up: one line, exit status 9."""
    data_dir = tmp_path / "instance"
    data_dir.mkdir()
    (data_dir / "catalogue.sqlite").symlink_to(full_disk / "catalogue.sqlite")
    big = shared("marc", "solrmarc__uva_001_2000.mrc")
    done = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "--data-dir", str(data_dir)]
        + ["load", "-q", "--library", "UVA", "--workers", "1", str(big)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("lantern: ") and "database or disk is full" in line
    shutil.rmtree(data_dir)


def test_every_exit_status_is_in_the_table_and_the_table_has_no_other():
    import re

    from lantern import exits

    statuses = {value for name, value in vars(exits).items() if name.startswith("EXIT_")}
    table = {int(n) for n in re.findall(r"^\| (\d+) \|", exits.__doc__, re.M)}
    assert statuses == table
