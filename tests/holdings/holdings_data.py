"""Shared-data access for the holdings tests: real records as `MarcRecord`s via pymarc.

Until `indexer/sources/` has its readers, records are converted from pymarc here (values are
already Unicode; NFC as the record model promises).
"""

from __future__ import annotations

import contextlib
import io
import unicodedata
import warnings
from functools import lru_cache

from pymarc import MARCReader, parse_xml_to_array

from indexer.marc.record import Field, MarcRecord
from tests.conftest import SHARED_DATA, shared

MARC_DIR = SHARED_DATA / "marc"


def to_marc_record(rec) -> MarcRecord:
    """A pymarc Record as the indexer's MarcRecord."""

    def nfc(value: str) -> str:
        return unicodedata.normalize("NFC", value)

    fields = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append(Field(f.tag, data=nfc(f.data)))
        else:
            ind1, ind2 = (list(f.indicators) + [" ", " "])[:2]
            subfields = [(s.code, nfc(s.value)) for s in f.subfields]
            fields.append(Field(f.tag, ind1 or " ", ind2 or " ", subfields))
    return MarcRecord(leader=str(rec.leader), fields=fields)


@lru_cache(maxsize=16)
def _read(name: str) -> tuple[MarcRecord, ...]:
    path = MARC_DIR / name
    # pymarc prints MARC-8 conversion complaints; they are not what these tests look at.
    quiet = io.StringIO()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(quiet),
        contextlib.redirect_stderr(quiet),
    ):
        warnings.simplefilter("ignore")
        if name.endswith(".xml"):
            pymarc_records = parse_xml_to_array(str(path))
        else:
            with path.open("rb") as handle:
                reader = MARCReader(handle, permissive=True, to_unicode=True)
                pymarc_records = [r for r in reader if r is not None]
    return tuple(to_marc_record(r) for r in pymarc_records)


def shared_records(name: str) -> tuple[MarcRecord, ...]:
    """Every record pymarc can parse from shared/data/marc/<name>; skips when it is absent."""
    shared("marc", name)  # skips the test when shared data is absent
    return _read(name)


def shared_record(name: str, control_number: str) -> MarcRecord:
    for record in shared_records(name):
        if record.control_number == control_number:
            return record
    raise AssertionError(f"{name} has no record {control_number}")
