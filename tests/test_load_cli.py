"""`lantern load` and `lantern search` end to end: real files, a real index on disk, the CLI."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from lantern.cli import main
from lantern.exits import EXIT_FAILED, EXIT_MAPPING_FAILED, EXIT_OK, EXIT_REJECTED
from tests.conftest import REPO, shared, write_libraries


@pytest.fixture
def runner(settings, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LANTERN_WORKERS", "1")
    return CliRunner()


@pytest.fixture
def libraries(settings):
    return write_libraries(settings.libraries, "UVA", "NLNZ")


def load(runner, *args):
    return runner.invoke(main, ["load", "--quiet", *args], catch_exceptions=False)


def search_json(runner, query: str) -> dict:
    result = runner.invoke(main, ["search", "--json", query], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_load_binary_marc_then_search_finds_it_with_holdings(runner, libraries, settings):
    path = shared("marc", "solrmarc__uva_001-200.mrc")
    result = load(runner, "--library", "UVA", str(path))
    assert result.exit_code == EXIT_OK, result.output
    assert "UVA: loaded 200 records" in result.output
    reports = list(settings.reports_dir.glob("load-UVA-*.json"))
    report = json.loads(reports[0].read_text())
    assert report["loaded"] == 200 and report["rejected"] == []

    page = search_json(runner, "")
    # Two pairs of UVA's own records describe one book each (same ISBN / same OCLC number).
    assert page["total"] == 198
    merged = search_json(runner, "isbn:9780892324293")["results"][0]
    assert {m["record_id"] for m in merged["members"]} == {"u121", "u122"}
    assert "ISBN 9780892324293" in merged["members"][1]["reason"]
    first = page["results"][0]
    for key in ("id", "title", "format", "year", "holdings", "members"):
        assert key in first
    with_items = [r for r in page["results"] if r["holdings"] and r["holdings"][0]["call_number"]]
    assert with_items, "Sirsi 999 items should give call numbers"
    assert all(
        h["library"] == "UVA" and h["record_id"] for r in page["results"] for h in r["holdings"]
    )


def test_known_title_is_found_first(runner, libraries):
    path = shared("marc", "nlnz-pymarc_basics__NLNZ_100_example_marc.marc")
    assert load(runner, "--library", "NLNZ", str(path)).exit_code == EXIT_OK
    from pymarc import MARCReader

    with path.open("rb") as fh:
        records = [r for r in MARCReader(fh, to_unicode=True, permissive=True) if r]
    titles = [r["245"]["a"].rstrip(" /:;,.") for r in records[:15] if r["245"] and r["245"]["a"]]
    hits = 0
    for title in titles:
        page = search_json(runner, title)
        if page["results"] and page["results"][0]["title"].lower() == title.lower():
            hits += 1
    assert hits >= len(titles) - 1, f"{hits} of {len(titles)} titles first"


def test_broken_records_are_reported_and_the_rest_of_the_file_loads(runner, libraries, settings):
    path = shared("malformed", "marc4j__bad_oversize_field_bad_directory.mrc")
    result = load(runner, "--library", "UVA", str(path))
    report = json.loads(next(settings.reports_dir.glob("load-UVA-*.json")).read_text())
    assert report["loaded"] >= 4
    if report["rejected"]:
        assert result.exit_code == EXIT_REJECTED
        first = report["rejected"][0]
        assert first["file"].endswith(path.name) and first["record"] >= 1 and first["reason"]
        assert "rejected" in result.output
    else:
        assert result.exit_code == EXIT_OK
    assert "Traceback" not in result.output


def test_a_failure_of_our_mapping_code_is_its_own_outcome_not_a_rejected_record(
    runner, libraries, settings, tmp_path, monkeypatch
):
    """A rule our steps accept but cannot run (split_codes of width 0 divides by zero on every
    041 $a) is a bug in Lantern's mapping, not bad data: its own list in the report, the
    traceback printed once, exit status 5; the records without 041 still load."""
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    with (schemas / "marc21.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nfield = "language_codes"\nfrom = ["041a"]\n'
            'steps = [{ step = "split_codes", width = 0 }]\n'
        )
    monkeypatch.setenv("LANTERN_SCHEMAS_DIR", str(schemas))
    path = shared("marc", "solrmarc__uva_001-200.mrc")  # 20 of its 200 records have an 041
    result = load(runner, "--library", "UVA", str(path))
    assert result.exit_code == EXIT_MAPPING_FAILED, result.output
    report = json.loads(next(settings.reports_dir.glob("load-UVA-*.json")).read_text())
    assert report["rejected"] == [] and report["loaded"] == 180
    assert report["mapping_failed_count"] == 20
    failure = report["mapping_failed"][0]
    assert failure["file"].endswith(path.name) and failure["control_number"]
    assert "ZeroDivisionError" in failure["error"]
    assert "ZeroDivisionError" in report["mapping_traceback"]
    assert "MAPPING CODE FAILED on 20 records" in result.output
    assert result.output.count("Traceback (most recent call last)") == 1
    assert "rejected" not in result.output


def test_a_truncated_file_loads_what_precedes_the_break(runner, libraries, settings, tmp_path):
    good = shared("marc", "solrmarc__uva_001-200.mrc").read_bytes()
    cut = tmp_path / "cut.mrc"
    cut.write_bytes(good[: len(good) - 300])
    result = load(runner, "--library", "UVA", str(cut))
    assert result.exit_code == EXIT_REJECTED, result.output
    report = json.loads(next(settings.reports_dir.glob("load-UVA-*.json")).read_text())
    assert report["loaded"] == 199
    assert report["rejected"][0]["record"] == 200
    assert report["rejected"][0]["byte_offset"] is not None


def test_authority_records_are_skipped_not_rejected(runner, libraries, settings):
    result = load(runner, "--library", "NLNZ", str(shared("marc", "evergreen__auth-subset100.mrc")))
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(next(settings.reports_dir.glob("load-NLNZ-*.json")).read_text())
    assert report["loaded"] == 0 and sum(report["skipped"].values()) >= 1
    assert any("authority" in reason for reason in report["skipped"])


def test_unknown_library_code_loads_with_the_auto_profile_and_says_so(runner, libraries):
    path = shared("marc", "evergreen__nepali.marc")
    result = load(runner, "--library", "NEWLIB", str(path))
    assert result.exit_code in (EXIT_OK, EXIT_REJECTED)
    assert "'auto' holdings profile" in result.output
    page = search_json(runner, "")
    assert page["total"] > 0 and page["results"][0]["members"][0]["library"] == "NEWLIB"


def test_loading_the_same_file_twice_keeps_one_document_per_record(runner, libraries):
    path = shared("marc", "solrmarc__uva_001-200.mrc")
    load(runner, "--library", "UVA", str(path))
    second = load(runner, "--library", "UVA", str(path))
    assert "unchanged since the last load: 200" in second.output
    assert "search documents written: 0" in second.output
    assert search_json(runner, "")["total"] == 198


def test_marcxml_and_gzip_are_detected_from_content(runner, libraries, tmp_path):
    import gzip

    xml = shared("marc", "marc4j__chabon.xml").read_bytes()
    hidden = tmp_path / "export.dat"
    hidden.write_bytes(gzip.compress(xml))
    result = load(runner, "--library", "NLNZ", str(hidden))
    assert result.exit_code == EXIT_OK, result.output
    assert search_json(runner, "Chabon")["total"] >= 1


def test_a_second_writer_gets_a_clear_error(runner, libraries, settings):
    from indexer.engine import open_engine

    load(runner, "--library", "UVA", str(shared("marc", "marc4j__chabon.mrc")))
    holder = open_engine(settings, writer=True)
    try:
        result = load(runner, "--library", "UVA", str(shared("marc", "marc4j__chabon.mrc")))
    finally:
        holder.close()
    assert result.exit_code == EXIT_FAILED
    assert "only one indexing process may write" in result.output


def test_a_damaged_gzip_keeps_the_records_before_the_damage(runner, libraries, settings, tmp_path):
    import gzip

    packed = gzip.compress(shared("marc", "solrmarc__uva_001-200.mrc").read_bytes())
    damaged = tmp_path / "export.mrc.gz"
    damaged.write_bytes(packed[: len(packed) * 2 // 3])
    result = load(runner, "--library", "UVA", str(damaged))
    assert result.exit_code == EXIT_REJECTED, result.output
    report = json.loads(next(settings.reports_dir.glob("load-UVA-*.json")).read_text())
    assert 50 < report["loaded"] < 200
    assert any(r["record"] == 0 and r["reason"] for r in report["rejected"])


def test_every_isbn_form_finds_the_record_first(runner, libraries):
    """u66 "C, a reference manual" carries ISBN-10 0131100165 (ISBN-13 9780131100169)."""
    load(runner, "--library", "UVA", str(shared("marc", "solrmarc__uva_001-200.mrc")))
    for typed in (
        "0131100165",
        "0-13-110016-5",
        "9780131100169",
        "978-0-13-110016-9",
        "978 0 13 110016 9",
        "isbn:0-13-110016-5",
    ):
        first = search_json(runner, typed)["results"][0]
        assert first["members"][0]["record_id"] == "u66", typed


def test_each_loads_several_libraries_in_one_run_with_a_report_for_each(
    runner, libraries, settings, tmp_path
):
    report_path = tmp_path / "joint.json"
    result = load(
        runner,
        "--each",
        "UVA",
        str(shared("marc", "solrmarc__uva_001-200.mrc")),
        "--each",
        "NLNZ",
        str(shared("marc", "pymarc__test.dat")),
        "--report",
        str(report_path),
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "All 2 libraries" in result.output
    report = json.loads(report_path.read_text())
    assert [lib["library"] for lib in report["libraries"]] == ["UVA", "NLNZ"]
    assert report["loaded"] == sum(lib["loaded"] for lib in report["libraries"]) > 200
    assert 0 < report["merge_seconds"] < report["seconds"]
    found = search_json(runner, "")
    assert {f["value"] for f in found["facets"]["library"]} == {"UVA", "NLNZ"}


def test_files_without_a_library_are_a_usage_error(runner, libraries):
    result = load(runner, str(shared("marc", "pymarc__test.dat")))
    assert result.exit_code == 2
    assert "--library" in result.output


def test_search_json_prints_what_the_search_endpoint_returns(runner, libraries, settings):
    """Same reading of the query (its limits and notices), same document."""
    from opac import create_app

    assert (
        load(runner, "--library", "UVA", str(shared("marc", "solrmarc__uva_001-200.mrc"))).exit_code
        == EXIT_OK
    )
    client = create_app(settings).test_client()
    for query in ["history", "e* history", "history " * 150]:
        endpoint = client.get("/api/v1/search", query_string={"q": query, "size": 10})
        assert search_json(runner, query) == endpoint.get_json(), query[:40]
    assert search_json(runner, "e* history")["notices"]
    refused = runner.invoke(main, ["search", "--size", "5000", "history"])
    assert refused.exit_code == EXIT_FAILED and "size" in refused.output


def test_a_load_with_its_own_schemas_dir_leaves_the_environment_alone(
    libraries, settings, tmp_path, monkeypatch
):
    """LANTERN_SCHEMAS_DIR reaches the mapping as an argument; the load once wrote it into
    os.environ, where every later rules or profile lookup in the process picked it up."""
    from dataclasses import replace

    from indexer.load.runner import load_library

    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    monkeypatch.delenv("LANTERN_SCHEMAS_DIR", raising=False)
    own = replace(settings, schemas_dir=schemas)
    report = load_library(
        own,
        "UVA",
        [shared("marc", "marc4j__chabon.mrc")],
        workers=0,
        progress=False,
        log=lambda *a: None,
    )
    assert report.loaded == 2
    assert "LANTERN_SCHEMAS_DIR" not in os.environ
