"""Library codes in any case, through the real CLI: `inc` is the library `INC` for load,
--replace, search scopes, delete, export and status; a delete whose ids are not found fails."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lantern.cli import main
from lantern.exits import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from tests.conftest import shared

UVA_200 = ("marc", "solrmarc__uva_001-200.mrc")


@pytest.fixture
def runner(settings, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LANTERN_WORKERS", "1")
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def total(runner, *args) -> int:
    result = run(runner, "search", "--json", *args, "")
    assert result.exit_code == EXIT_OK, result.output
    return json.loads(result.output)["total"]


@pytest.fixture
def loaded_lower_case(runner):
    """UVA's 200 records loaded as `inc` (no libraries file names it)."""
    result = run(runner, "load", "-q", "--library", "inc", str(shared(*UVA_200)))
    assert result.exit_code == EXIT_OK, result.output
    assert "INC: loaded 200 records" in result.output
    return runner


def test_delete_in_another_case_withdraws_the_records(loaded_lower_case):
    runner = loaded_lower_case
    before = total(runner)
    result = run(runner, "delete", "--library", "inc", "u1", "u2")
    assert result.exit_code == EXIT_OK, result.output
    assert "INC: withdrew 2 records" in result.output
    assert total(runner) == before - 2
    assert total(runner, "--scope", "Inc") == before - 2


def test_a_delete_whose_ids_are_not_found_exits_non_zero(loaded_lower_case):
    result = run(loaded_lower_case, "delete", "--library", "INC", "u3", "no-such-id")
    assert result.exit_code == EXIT_NOT_FOUND, result.output
    assert "withdrew 1 record;" in result.output
    assert "1 record not found: no-such-id" in result.output


def test_a_delete_of_a_library_that_is_not_there_is_a_usage_error(loaded_lower_case):
    result = run(loaded_lower_case, "delete", "--library", "xyz", "u3")
    assert result.exit_code == EXIT_USAGE, result.output
    assert "no library XYZ" in result.output and "known: INC" in result.output


def test_replace_in_another_case_replaces_the_same_library(loaded_lower_case, tmp_path):
    from pymarc import MARCReader, MARCWriter

    runner = loaded_lower_case
    first_ten = tmp_path / "ten.mrc"
    with shared(*UVA_200).open("rb") as fh, first_ten.open("wb") as out:
        writer = MARCWriter(out)
        for n, record in enumerate(MARCReader(fh, to_unicode=True, permissive=True)):
            if n < 10:
                writer.write(record)
    result = run(runner, "load", "-q", "--replace", "--library", "Inc", str(first_ten))
    assert result.exit_code == EXIT_OK, result.output
    assert "withdrawn: 190" in result.output
    assert total(runner, "--scope", "inc") == 10


def test_export_in_another_case_writes_the_library_titles(loaded_lower_case, tmp_path):
    out = tmp_path / "inc.mrc"
    result = run(loaded_lower_case, "export", "-q", "--library", "inc", str(out))
    assert result.exit_code == EXIT_OK, result.output
    assert result.output.startswith("198 records written")


def test_each_in_two_cases_is_one_library(runner):
    path = str(shared(*UVA_200))
    result = run(runner, "load", "-q", "--each", "inc", path, "--each", "INC", path)
    assert result.exit_code == EXIT_OK, result.output
    assert "INC: loaded 400 records" in result.output
    assert "All" not in result.output  # one library, not two
