"""Helpers for the mapping tests: real records from ../shared/data turned into MarcRecords.

`indexer.sources` (the real readers) is written in parallel; until it lands these tests build
MarcRecords from pymarc's readers with a tiny conversion, so they exercise only the mapping.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pymarc
import pytest

from indexer.mapping import load_rules
from indexer.marc.record import Field, MarcRecord
from tests.conftest import SHARED_DATA

MARC_DIR = SHARED_DATA / "marc"


def from_pymarc(rec: pymarc.Record) -> MarcRecord:
    fields = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append(Field(tag=f.tag, data=f.data))
        else:
            fields.append(
                Field(
                    tag=f.tag,
                    ind1=f.indicator1 or " ",
                    ind2=f.indicator2 or " ",
                    subfields=[(s.code, s.value) for s in f.subfields],
                )
            )
    return MarcRecord(leader=str(rec.leader), fields=fields)


def _xml_records(path: Path) -> list[pymarc.Record]:
    text = path.read_text(encoding="utf-8")
    try:
        return pymarc.parse_xml_to_array(io.StringIO(text))
    except Exception:
        # Some fixtures are bare <record> elements one after another, with no <collection>.
        body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        return pymarc.parse_xml_to_array(io.StringIO(f"<collection>{body}</collection>"))


def read_marc(name: str) -> list[MarcRecord]:
    """Every record pymarc can parse in shared data file `name` (skips when data is absent)."""
    path = MARC_DIR / name
    if not path.exists():
        pytest.skip(f"shared data file {name} not available")
    if path.suffix == ".xml":
        records = _xml_records(path)
    else:
        with path.open("rb") as fh:
            records = [
                r for r in pymarc.MARCReader(fh, permissive=True, to_unicode=True) if r is not None
            ]
    return [from_pymarc(r) for r in records]


def only_record(name: str) -> MarcRecord:
    records = read_marc(name)
    assert len(records) == 1, f"{name} holds {len(records)} records"
    return records[0]


def record_with(name: str, control_number: str) -> MarcRecord:
    for rec in read_marc(name):
        if rec.control_number == control_number:
            return rec
    raise AssertionError(f"no record {control_number!r} in {name}")


@pytest.fixture(scope="session")
def mapper():
    return load_rules()


# Helpers as fixtures, so test modules need no import of this conftest (module names of
# conftests clash across test folders).
@pytest.fixture(scope="session")
def records():
    return read_marc


@pytest.fixture(scope="session")
def one_record():
    return only_record


@pytest.fixture(scope="session")
def find_record():
    return record_with


@pytest.fixture(scope="session")
def marc_dir() -> Path:
    if not MARC_DIR.exists():
        pytest.skip("shared data not available")
    return MARC_DIR
