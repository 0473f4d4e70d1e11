"""`lantern demo --no-serve`: the generated consortium loads and is searchable; reruns reuse it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lantern.cli import main


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
