"""`lantern demo --no-serve`: the generated consortium loads and is searchable; reruns reuse it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lantern.cli import main


def test_demo_generates_loads_and_merges_nothing_silently(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "instance"))
    runner = CliRunner()
    result = runner.invoke(main, ["demo", "--no-serve", "--records", "400", "--libraries", "4"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Demo consortium ready" in result.output
    assert (tmp_path / "instance" / "libraries.toml").exists()

    found = json.loads(runner.invoke(main, ["search", "--json", ""]).output)
    assert found["total"] >= 400 * 0.9
    libraries = {f["value"] for f in found["facets"]["library"]}
    assert len(libraries) == 4
    formats = {f["value"] for f in found["facets"]["format"]}
    assert {"Book", "E-book"} <= formats

    again = runner.invoke(main, ["demo", "--no-serve", "--records", "400", "--libraries", "4"])
    assert again.exit_code == 0 and "already loaded" in again.output
