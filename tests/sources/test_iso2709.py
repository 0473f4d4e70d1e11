"""ISO 2709 reading: character sets, repairs, positions, and the split/parse halves."""

from __future__ import annotations

import contextlib
import gzip
import io
import random

import pymarc
import pytest

from indexer.errors import RecordError
from indexer.sources import (
    OK,
    REJECTED,
    SKIPPED,
    Position,
    iter_raw_records,
    parse_raw,
    parse_record,
    parse_record_with_warnings,
    read_records,
)
from tests.conftest import shared


def pymarc_records(path):
    with open(path, "rb") as f, contextlib.redirect_stderr(io.StringIO()):
        return list(pymarc.MARCReader(f, to_unicode=True, permissive=True))


def subfields_of(record, tag):
    return [list(f.subfields) for f in record.get_fields(tag)]


def pymarc_subfields_of(record, tag):
    return [[(s.code, s.value) for s in f.subfields] for f in record.get_fields(tag)]


@pytest.mark.parametrize("name", ["marc4j__brkrtest.mrc", "evergreen__jazz_1k.mrc"])
def test_marc8_records_decode_like_pymarc(name):
    path = shared("marc", name)
    ours = [r.record for r in read_records(path)]
    theirs = pymarc_records(path)
    assert len(ours) == len(theirs)
    assert all(r.leader[9] == " " for r in ours)  # really MARC-8 files
    for mine, reference in zip(ours, theirs, strict=True):
        for tag in ("245", "500", "505", "700"):
            assert subfields_of(mine, tag) == pymarc_subfields_of(reference, tag)


def test_marc8_diacritics_become_precomposed_unicode():
    results = list(read_records(shared("marc", "marc4j__brkrtest.mrc")))
    notes = [v for f in results[1].record.get_fields("500") for v in f.values()]
    assert "This is a test of diacritics like the uppercase Polish L in Łódź" in notes
    assert "the acute accent in désirée" in notes  # é is U+00E9, one code point (NFC)
    jazz_file = shared("marc", "evergreen__jazz_1k.mrc")
    jazz = {r.control_number: r.record for r in read_records(jazz_file)}
    assert jazz["03-0017438"].first("245").get("a") == "The Köln concert"


def test_leader_blank_but_utf8_data_is_read_as_utf8_with_a_warning():
    [result] = read_records(shared("marc", "pymarc__utf8_without_leader_flag.dat"))
    assert result.kind == OK
    texts = [v for f in result.record.fields if f.data is None for v in f.values()]
    assert any("De la solitude à la commun" in v for v in texts)
    assert any("UTF-8" in w for w in result.warnings)


def test_encoding_override_reads_mislabelled_records_as_asked():
    path = shared("marc", "pymarc__utf8_without_leader_flag.dat")
    [forced] = read_records(path, encoding="utf-8")
    assert forced.warnings == ()  # no guessing needed: the caller said so
    [as_marc8] = read_records(path, encoding="marc-8")
    texts = [v for f in as_marc8.record.fields if f.data is None for v in f.values()]
    assert not any("De la solitude à la commun" in v for v in texts)
    with pytest.raises(ValueError):
        parse_record(b"", encoding="latin-9")


def test_invalid_utf8_is_replaced_and_the_record_kept():
    [result] = read_records(shared("malformed", "ruby-marc__utf8_with_bad_bytes.marc"))
    assert result.kind == OK
    assert any("invalid UTF-8" in w for w in result.warnings)
    assert any("\ufffd" in v for f in result.record.fields for v in f.values())


def test_utf8_claimed_but_marc8_bytes_are_converted_from_marc8():
    path = shared("malformed", "marc4j__pride-and-prejudice-with-many-errors.mrc")
    results = list(read_records(path))
    converted = [r for r in results if any("data is MARC-8" in w for w in r.warnings)]
    assert converted
    texts = [v for r in converted for f in r.record.fields if f.data is None for v in f.values()]
    assert not any("\ufffd" in t for t in texts)


def test_authority_records_are_skipped_not_rejected():
    results = list(read_records(shared("marc", "evergreen__auth-subset100.mrc")))
    assert results and {r.kind for r in results} == {SKIPPED}
    assert all("authority" in r.problem for r in results)
    assert all(r.record is not None and r.record.record_type == "z" for r in results)


def test_holdings_records_between_bibs_are_skipped():
    path = shared("marc", "stanford-solrmarc__core-combineBibMhld_b1b2b2m2m1b3.mrc")
    kinds = [r.kind for r in read_records(path)]
    assert kinds.count(SKIPPED) == 2 and kinds.count(OK) == 4


def test_broken_records_report_position_001_and_reason_and_the_rest_loads():
    path = shared("malformed", "mrrc-testbed__synthetic-invalid_lengths.mrc")
    results = list(read_records(path))
    summary = [(r.position.index, r.position.offset, r.kind, r.control_number) for r in results]
    assert summary == [
        (1, 0, REJECTED, None),
        (2, 25, OK, "len-short"),
        (3, 73, REJECTED, None),
        (4, 98, OK, "len-ok"),
    ]
    assert "no directory" in results[0].problem
    assert str(results[0].position) == f"{path.name} record 1 (byte 0)"


def test_truncated_last_record_is_rejected_with_its_001():
    results = list(read_records(shared("malformed", "marc4j__008008027.mrc")))
    assert [r.kind for r in results[:-1]] == [OK] * 18
    last = results[-1]
    assert last.kind == REJECTED and "truncated" in last.problem
    assert last.control_number == "58-008008027"
    assert last.position.index == 19 and last.position.offset == 62502


def test_missing_record_terminators_do_not_lose_records():
    path = shared("malformed", "mrrc-testbed__synthetic-missing_terminators.mrc")
    results = list(read_records(path))
    assert [(r.kind, r.control_number) for r in results] == [
        (OK, "no-rec-term"),
        (OK, "notermhere"),
        (OK, "test"),
        (OK, "term-ok"),
    ]
    assert "no record terminator" in results[0].warnings


def test_wrong_directory_is_rebuilt_from_field_terminators():
    results = list(read_records(shared("malformed", "pymarc__bad_records.mrc")))
    rebuilt = [r for r in results if any("directory" in w for w in r.warnings)]
    assert rebuilt and all(r.kind == OK for r in rebuilt)
    assert all(r.record.first("245") is not None for r in rebuilt)


def test_unordered_directory_keeps_each_tag_with_its_own_data():
    path = shared("malformed", "marc4j__unordered-directory-entries.mrc")
    [ours] = [r.record for r in read_records(path)]
    [theirs] = pymarc_records(path)
    assert [f.tag for f in ours.fields] == [f.tag for f in theirs.fields]
    assert subfields_of(ours, "245") == pymarc_subfields_of(theirs, "245")


def test_records_longer_than_the_leader_can_say_are_read():
    results = list(read_records(shared("malformed", "marc4j__bad_too_long_plus_2.mrc")))
    assert [r.kind for r in results] == [OK, OK, OK]
    assert results[0].control_number == "360944"


def test_garbage_between_records_loses_nothing(tmp_path):
    jazz = shared("marc", "evergreen__jazz_1k.mrc")
    raws = [raw for _, _, raw in iter_raw_records(jazz)][:3]
    noisy = tmp_path / "noisy.mrc"
    noisy.write_bytes(raws[0] + b"\r\n" + raws[1] + b"JUNK\xff\xfe JUNK" + raws[2][:-1] + b"\x00")
    results = list(read_records(noisy))
    assert [r.kind for r in results] == [OK, OK, REJECTED, OK]
    assert "not a MARC record" in results[2].problem
    expected = [parse_record(raw).control_number for raw in raws]
    assert [r.control_number for r in results if r.kind == OK] == expected


def test_split_and_parse_halves_agree_with_read_records():
    path = shared("marc", "solrmarc__uva_001_2000.mrc")
    whole = list(read_records(path))
    pieces = list(iter_raw_records(path))
    assert [(i, o) for i, o, _ in pieces] == [(r.position.index, r.position.offset) for r in whole]
    for (index, offset, raw), result in zip(pieces[:200], whole, strict=False):
        again = parse_raw(raw, Position(path.name, index, offset))
        assert again == result
        assert parse_record(raw).fields == result.record.fields


def test_iter_raw_records_accepts_an_open_stream():
    path = shared("marc", "pymarc__test.dat")
    with open(path, "rb") as stream:
        from_stream = list(iter_raw_records(stream))
    assert from_stream == list(iter_raw_records(path))


def test_parse_record_raises_record_error_with_a_reason():
    with pytest.raises(RecordError, match="leader"):
        parse_record(b"00010nam")
    with pytest.raises(RecordError, match="no directory"):
        parse_record(b"00025nam a2200025   4500\x1d")


def test_gzip_is_detected_from_content_not_name(tmp_path):
    source = shared("marc", "nlnz-pymarc_basics__NLNZ_100_example_marc.marc")
    disguised = tmp_path / "export.dat"
    disguised.write_bytes(gzip.compress(source.read_bytes()))
    assert [r.record.fields for r in read_records(disguised)] == [
        r.record.fields for r in read_records(source)
    ]


def test_damaged_gzip_keeps_records_before_the_damage(tmp_path):
    source = shared("marc", "evergreen__jazz_1k.mrc")
    damaged = tmp_path / "cut.mrc.gz"
    damaged.write_bytes(gzip.compress(source.read_bytes())[:200_000])
    results = list(read_records(damaged))
    assert sum(r.kind == OK for r in results) > 100
    assert results[-1].position.index == 0 and "compressed data" in results[-1].problem


def test_mutilated_records_never_raise_anything_but_record_error():
    raws = [raw for _, _, raw in iter_raw_records(shared("marc", "pymarc__test.dat"))]
    rng = random.Random(2709)
    for _ in range(3000):
        raw = bytearray(rng.choice(raws))
        for _ in range(rng.randint(1, 4)):
            cut = rng.randrange(len(raw))
            action = rng.random()
            if action < 0.4:
                raw[cut] = rng.choice(b"\x1d\x1e\x1f0a\xe2\xff\x1b")
            elif action < 0.7:
                del raw[cut : cut + rng.randint(1, 30)]
            else:
                raw[cut:cut] = rng.randbytes(rng.randint(1, 12))
        try:
            record, warnings = parse_record_with_warnings(bytes(raw))
        except RecordError:
            continue
        assert record.fields and len(record.leader) == 24
        assert all(isinstance(w, str) for w in warnings)
