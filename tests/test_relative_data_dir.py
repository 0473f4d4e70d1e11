"""A data directory given as a relative path (LANTERN_DATA_DIR=instance) loads and rebuilds as
an absolute one does: the index link is made relative to where it stands, whatever form the
paths arrive in."""

from __future__ import annotations

from click.testing import CliRunner

from lantern.cli import main
from tests.conftest import shared

UVA_200 = ("marc", "solrmarc__uva_001-200.mrc")


def test_a_reindex_of_a_relative_data_directory_swaps_its_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANTERN_DATA_DIR", "instance")
    monkeypatch.setenv("LANTERN_WORKERS", "1")
    runner = CliRunner()
    loaded = runner.invoke(main, ["load", "-q", "--library", "UVA", str(shared(*UVA_200))])
    assert loaded.exit_code == 0, loaded.output
    before = (tmp_path / "instance" / "index").resolve()

    rebuilt = runner.invoke(main, ["reindex"])

    assert rebuilt.exit_code == 0, rebuilt.output
    link = tmp_path / "instance" / "index"
    assert link.is_symlink() and not link.readlink().is_absolute()
    assert link.resolve() != before and link.resolve().parent == tmp_path / "instance" / "indexes"
    searched = runner.invoke(main, ["search", "--json", "medicine"])
    assert searched.exit_code == 0, searched.output
