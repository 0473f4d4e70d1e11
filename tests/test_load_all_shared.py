"""Every real file in ../shared/data/marc and ../shared/data/malformed goes through the loader:
no crash, and at least as many bibliographic records loaded as pymarc's permissive reader
recovers."""

from __future__ import annotations

import io
import warnings

import pytest
from pymarc import MARCReader, parse_xml_to_array

from indexer.catalogue.writer import CatalogueWriter
from indexer.load.report import LoadReport
from indexer.load.runner import run_load
from indexer.sources import detect_format
from tests.conftest import SHARED_DATA

NOT_BIBLIOGRAPHIC = set("zuvxy")
NOT_MARC_SUFFIXES = (".sql", ".json", ".mrk", ".txt", ".md", ".tsv")


def marc_files() -> list:
    if not SHARED_DATA.exists():
        return []
    files = []
    for folder in ("marc", "malformed"):
        for path in sorted((SHARED_DATA / folder).iterdir()):
            if not path.name.endswith(NOT_MARC_SUFFIXES):
                files.append(path)
    return files


def pymarc_bibliographic_count(path) -> int:
    """What a permissive pymarc reader recovers, counting bibliographic records only."""
    import gzip

    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    records = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if data.lstrip()[:1] == b"<" or data[:3] == b"\xef\xbb\xbf":
                records = parse_xml_to_array(io.BytesIO(data))
            else:
                reader = MARCReader(
                    io.BytesIO(data), to_unicode=True, permissive=True, utf8_handling="replace"
                )
                while True:
                    try:
                        records.append(next(reader))
                    except StopIteration:
                        break
                    except Exception:  # pymarc gives up on this file here
                        break
    except Exception:
        pass
    return sum(1 for r in records if r is not None and str(r.leader)[6:7] not in NOT_BIBLIOGRAPHIC)


@pytest.mark.slow
def test_every_shared_file_loads_without_crashing(settings):
    files = marc_files()
    if not files:
        pytest.skip("shared data not available")
    writer = CatalogueWriter.open(settings)
    library, _ = writer.consortium.resolve("ALL")
    shortfalls = []
    loaded_total = 0
    try:
        for path in files:
            try:
                detect_format(path)
            except Exception:
                continue  # not a MARC file at all: the loader reports it, covered elsewhere
            report = LoadReport(library.code, False)
            run_load([path], library, writer, report, workers=0)
            loaded = report.loaded + report.skipped.get("deleted (leader/05 d)", 0)
            loaded_total += report.loaded
            expected = pymarc_bibliographic_count(path)
            if loaded < expected:
                shortfalls.append((path.name, loaded, expected, report.rejected[:2]))
    finally:
        writer.close()
    assert shortfalls == []
    assert loaded_total > 9000
