"""Format detection from content, and files that are not MARC at all."""

from __future__ import annotations

import gzip

import pytest

from indexer.sources import (
    ISO2709,
    MARCXML,
    REJECTED,
    UnknownFormatError,
    detect_format,
    read_records,
)
from tests.conftest import shared


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("processing-marc__loc.mrc", ISO2709),
        ("processing-marc__loc.mrc.xml", MARCXML),
        ("solrmarc__specTestRecs_withBOM.xml", MARCXML),
        ("qa-catalogue__test.xml.gz", MARCXML),
        ("dnb-marc21-rs__DUMP.mrc.gz", ISO2709),
        ("pymarc__test.dat", ISO2709),
    ],
)
def test_detect_format(name, expected):
    assert detect_format(shared("marc", name)) == expected


def test_content_wins_over_the_file_name(tmp_path):
    xml_named_mrc = tmp_path / "really.mrc"
    xml_named_mrc.write_bytes(shared("marc", "processing-marc__loc.mrc.xml").read_bytes())
    assert detect_format(xml_named_mrc) == MARCXML
    gz = tmp_path / "really.xml"
    gz.write_bytes(gzip.compress(shared("marc", "processing-marc__loc.mrc").read_bytes()))
    assert detect_format(gz) == ISO2709


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("processing-marc__code4lib.mrk", "MARCMaker"),
        ("mrrc-testbed__authority-sample.manifest.json", "JSON"),
        ("evergreen__concerto-auth_mesh.sql", "neither ISO 2709 nor MARCXML"),
    ],
)
def test_files_that_are_not_marc_give_one_clear_problem(name, reason):
    path = shared("marc", name)
    with pytest.raises(UnknownFormatError, match=reason):
        detect_format(path)
    [result] = read_records(path)
    assert result.kind == REJECTED and result.position.index == 0 and reason in result.problem
    assert str(result.position) == path.name


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.mrc"
    empty.write_bytes(b"")
    [result] = read_records(empty)
    assert result.kind == REJECTED and "empty" in result.problem


def test_missing_file_raises():
    with pytest.raises(OSError):
        list(read_records("no/such/file.mrc"))
