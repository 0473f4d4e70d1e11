"""Every real file in shared/data/marc and shared/data/malformed goes through `read_records`:
no exception, and at least as many bibliographic records kept as pymarc's permissive reader."""

from __future__ import annotations

import contextlib
import gzip
import io
import warnings

import pytest
from pymarc import MARCReader, parse_xml_to_array

from indexer.sources import OK, REJECTED, read_records
from tests.conftest import SHARED_DATA

NOT_BIBLIOGRAPHIC = set("zuvxy")
NOT_MARC_SUFFIXES = (".sql", ".json", ".mrk", ".turbo.xml")


def _shared_files(*folders: str) -> list:
    files = []
    for folder in folders:
        if (SHARED_DATA / folder).is_dir():
            files += sorted((SHARED_DATA / folder).iterdir())
    return files


ALL_FILES = _shared_files("marc", "malformed")


def pymarc_bibliographic_count(path) -> int:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    records = []
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
                records = parse_xml_to_array(io.BytesIO(data))
            else:
                reader = MARCReader(
                    io.BytesIO(data), to_unicode=True, permissive=True, utf8_handling="replace"
                )
                records = [r for r in reader if r is not None]
        except Exception:  # pymarc gives up on the whole file
            records = []
    return sum(1 for r in records if str(r.leader)[6:7] not in NOT_BIBLIOGRAPHIC | {""})


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_file_reads_without_exception_and_keeps_what_pymarc_keeps(path):
    results = list(read_records(path))
    positions = [r.position.index for r in results if r.position.index]
    assert positions == sorted(positions), "results must come in file order"
    if path.name.endswith(NOT_MARC_SUFFIXES):
        # Not MARC (or not MARCXML): one clear file-level problem, never records or a crash.
        assert [(r.kind, r.position.index) for r in results] == [(REJECTED, 0)]
        assert results[0].problem
        return
    kept = sum(1 for r in results if r.kind == OK)
    assert kept >= pymarc_bibliographic_count(path)
    for r in results:
        assert (r.record is None) == (r.kind == REJECTED)
        if r.kind != OK:
            assert r.problem


def test_shared_corpus_is_present_or_skipped():
    if not ALL_FILES:
        pytest.skip("shared test data not available")
    assert any(p.suffix == ".mrc" for p in ALL_FILES)
