"""Collection comparison: titles, last copies and pairwise overlap, checked against the merged
documents themselves, through the Flask-free comparison and `lantern collections`."""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest
from click.testing import CliRunner

from indexer.load.runner import load_libraries
from indexer.settings import load_settings
from lantern.cli import main
from lantern.sample.generate import generate_consortium
from opac.collections.compare import compare_collections, last_copies
from opac.search.service import open_search_service
from tests.test_union import documents


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """A generated region of four libraries sharing titles (print and e-books), loaded."""
    root = tmp_path_factory.mktemp("region")
    sample = generate_consortium(root / "gen", records=800, libraries=4, seed=11)
    settings = load_settings(
        environ={}, data_dir=root / "data", libraries=sample.libraries_toml, workers=0
    )
    load_libraries(
        settings,
        [(code, [path]) for code, path in sample.files.items()],
        progress=False,
        log=lambda *a: None,
    )
    return settings


@pytest.fixture(scope="module")
def held(region) -> dict[str, tuple[str, set[str]]]:
    """Each document's format and the libraries whose records it merges."""
    return {
        doc_id: (doc["format"], {m["library"] for m in doc["members"]})
        for doc_id, doc in documents(region).items()
    }


def expected(held, fmt: str | None = None):
    docs = {i: libs for i, (f, libs) in held.items() if fmt is None or f == fmt}
    codes = sorted(set().union(*docs.values()))
    titles = {c: sum(c in libs for libs in docs.values()) for c in codes}
    last = {c: sum(libs == {c} for libs in docs.values()) for c in codes}
    overlap = {
        (a, b): sum({a, b} <= libs for libs in docs.values())
        for a, b in itertools.combinations(codes, 2)
    }
    return len(docs), titles, last, overlap


@pytest.mark.parametrize("fmt", [None, "E-book"])
def test_counts_agree_with_the_merged_documents(region, held, fmt):
    total, titles, last, overlap = expected(held, fmt)
    filters = (("format", fmt),) if fmt else ()
    comparison = compare_collections(open_search_service(region), filters)
    assert comparison.total == total
    assert {r.code: r.titles for r in comparison.libraries} == titles
    assert {r.code: r.last_copies for r in comparison.libraries} == last
    assert comparison.overlap == overlap
    assert any(n for n in overlap.values()) and any(last.values())  # a region that shares


def test_last_copies_lists_exactly_the_titles_no_other_member_holds(region, held):
    service = open_search_service(region)
    code = compare_collections(service).libraries[0].code
    listed = [entry["id"] for entry in last_copies(service, code)]
    assert sorted(listed) == sorted(i for i, (_, libs) in held.items() if libs == {code})
    assert len(listed) == len(set(listed))


def test_a_library_filter_is_refused(region):
    with pytest.raises(ValueError, match="not a filter here"):
        compare_collections(open_search_service(region), (("library", "X"),))


def test_lantern_collections_prints_json_and_csv(region, held):
    runner = CliRunner()
    base = ["--data-dir", str(region.data_dir), "collections"]
    env = {"LANTERN_LIBRARIES": str(region.libraries)}
    result = runner.invoke(main, [*base, "--json", "--filter", "format:Book"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    total, titles, last, _ = expected(held, "Book")
    assert report["titles"] == total
    assert {r["code"]: r["last_copies"] for r in report["libraries"]} == last

    result = runner.invoke(main, [*base, "--csv", "overlap"], env=env)
    rows = list(csv.reader(io.StringIO(result.output)))
    _, titles, _, overlap = expected(held)
    codes = rows[0][1:]
    assert sorted(codes) == sorted(titles)
    for row in rows[1:]:
        for b, cell in zip(codes, row[1:], strict=True):
            a = row[0]
            want = titles[a] if a == b else overlap[tuple(sorted((a, b)))]
            assert int(cell) == want

    code = codes[0]
    result = runner.invoke(main, [*base, "--last-copies", code], env=env)
    listed = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["id"] for r in listed} == {i for i, (_, libs) in held.items() if libs == {code}}
    assert all(r["title"] for r in listed)

    result = runner.invoke(main, [*base, "--filter", "region:SW"], env=env)
    assert result.exit_code == 2 and "not a filter here" in result.output
