"""`lantern check` (issue 21, item 3): every file a librarian edits, read by its own loader; each
mistake as `file:line: reason` and a non-zero status, a short summary and 0 when all is well."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lantern.cli import main
from tests.conftest import libraries_toml

REPO = Path(__file__).resolve().parents[1]
OVERRIDES = '[[never_merge]]\nrecords = ["UVA:1", "UVB:2"]\nnote = "bound with"\n'


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A deployment's own copies of the schemas, the synonyms and the data directory's files."""
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    shutil.copytree(REPO / "synonyms", tmp_path / "synonyms")
    data = tmp_path / "data"
    data.mkdir()
    (data / "libraries.toml").write_text(libraries_toml("UVA", "UVB", "EXE"))
    (data / "merge-overrides.toml").write_text(OVERRIDES)
    monkeypatch.setenv("LANTERN_DATA_DIR", str(data))
    monkeypatch.setenv("LANTERN_SCHEMAS_DIR", str(tmp_path / "schemas"))
    monkeypatch.setenv("LANTERN_SYNONYMS_DIR", str(tmp_path / "synonyms"))
    monkeypatch.delenv("LANTERN_LIBRARIES", raising=False)
    return tmp_path


def run():
    return CliRunner().invoke(main, ["check"], catch_exceptions=False)


def test_all_well_is_a_short_summary_and_status_0(deployment):
    result = run()
    assert result.exit_code == 0, result.output
    assert "libraries file" in result.output and "3 libraries" in result.output
    assert "1 never-merge and 0 always-merge pairs" in result.output
    assert result.output.splitlines()[-1].startswith("lantern check: 12 files, no errors")


def _edit(path: Path, old: str | None, new: str) -> int:
    """Replace `old` (None: append `new`); the line the edit is on."""
    text = path.read_text()
    if old is None:
        text = text.rstrip("\n") + "\n" + new
        at = len(text.splitlines()) - new.count("\n") + 1
    else:
        assert old in text, old
        at = text[: text.index(old)].count("\n") + 1
        text = text.replace(old, new, 1)
    path.write_text(text)
    return at


MISTAKES = {
    "libraries: not TOML": (
        "data/libraries.toml",
        None,
        "[[library]\n",
        "the libraries file is not valid TOML",
    ),
    "libraries: unknown profile": (
        "data/libraries.toml",
        'holdings = "sirsi999"',
        'holdings = "sirsi99"',
        "library #1 (UVA): holdings profile 'sirsi99' does not exist",
    ),
    "mapping rules": (
        "schemas/marc21.toml",
        '[[rule]]\nfield = "control_number"',
        '[[rule]]\nfield = "control_numbr"',
        "rule 1 (control_numbr): unknown target field 'control_numbr'",
    ),
    "holdings profile": (
        "schemas/holdings/koha952.toml",
        'name = "koha952"',
        'name = "koha"',
        "profile.name: 'koha' must match the file name",
    ),
    "boosts": (
        "synonyms/boosts.toml",
        "title = 10.0",
        'title = "ten"',
        "fields.title must be a number from 0.1 to 100",
    ),
    "synonyms": ("synonyms/health.txt", None, "broken => => ,,\n", "has 2 `=>`"),
    "merge overrides": (
        "data/merge-overrides.toml",
        'records = ["UVA:1", "UVB:2"]',
        'records = ["UVA:1"]',
        "never_merge #1: 'records' needs two or more keys",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_each_mistake_is_named_by_file_line_and_reason_with_status_1(deployment, case):
    name, old, new, reason = MISTAKES[case]
    path = deployment / name
    line = _edit(path, old, new)
    result = run()
    assert result.exit_code == 1, result.output
    errors = [row for row in result.output.splitlines() if row.startswith("error")]
    (named,) = [row for row in errors if row.startswith(f"error  {path}:{line}: {reason}")]
    # the files that use it (`auto` and the libraries file use profiles) say so, once
    assert all(f"uses {path}, which has errors" in row for row in errors if row != named)
    assert f"{len(errors)} error" in result.output


def test_every_line_of_a_synonym_file_is_checked_not_only_the_first(deployment):
    path = deployment / "synonyms" / "health.txt"
    first = _edit(path, None, "=> nothing\n")
    second = _edit(path, None, '"unclosed, quote\n')
    result = run()
    assert result.exit_code == 1
    assert f"{path}:{first}: has nothing left of =>" in result.output
    assert f"{path}:{second}: has an unclosed quote" in result.output


def test_a_prefixes_table_left_in_boosts_is_a_warning_not_an_error(deployment):
    path = deployment / "synonyms" / "boosts.toml"
    line = _edit(path, None, '[prefixes]\ntitle = ["title"]\n')
    result = run()
    assert result.exit_code == 0, result.output
    assert f"warn   {path}:{line}: [prefixes] is not read" in result.output
    assert "1 warning" in result.output
