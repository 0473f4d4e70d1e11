"""MARCXML reading: namespaces, single records, wrappers, bad records and damaged XML."""

from __future__ import annotations

import gzip
import re

from indexer.sources import OK, REJECTED, SKIPPED, read_records
from tests.conftest import shared

SLIM = "http://www.loc.gov/MARC21/slim"


def kept(results):
    return [r for r in results if r.kind == OK]


def test_collection_reads_like_the_same_records_in_iso2709():
    xml = list(read_records(shared("marc", "processing-marc__loc.mrc.xml")))
    binary = list(read_records(shared("marc", "processing-marc__loc.mrc")))
    assert len(kept(xml)) == len(kept(binary)) == 50
    for a, b in zip(xml, binary, strict=True):
        assert a.control_number == b.control_number
        assert a.record.first("245").subfields == b.record.first("245").subfields
    assert xml[1].position.line is not None and xml[1].position.offset is None


def test_namespace_less_and_prefixed_xml_read_the_same(tmp_path):
    source = shared("marc", "processing-marc__loc.mrc.xml").read_text(encoding="utf-8")
    plain = tmp_path / "plain.xml"
    plain.write_text(source.replace(f' xmlns="{SLIM}"', ""), encoding="utf-8")
    prefixed = tmp_path / "prefixed.xml"
    prefixed.write_text(
        re.sub(
            r"<(/?)(collection|record|leader|controlfield|datafield|subfield)\b", r"<\1m:\2", source
        ).replace(f'xmlns="{SLIM}"', f'xmlns:m="{SLIM}"'),
        encoding="utf-8",
    )
    original = shared("marc", "processing-marc__loc.mrc.xml")
    expected = [r.record.fields for r in read_records(original)]
    assert f'xmlns="{SLIM}"' not in plain.read_text(encoding="utf-8")
    assert [r.record.fields for r in read_records(plain)] == expected
    assert [r.record.fields for r in read_records(prefixed)] == expected


def test_single_record_document(tmp_path):
    one = tmp_path / "one.xml"
    one.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<record xmlns="{SLIM}">\n'
        "  <leader>00000nam a2200000 a 4500</leader>\n"
        '  <controlfield tag="001">one-1</controlfield>\n'
        '  <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Cafe\u0301 life</subfield>'
        "</datafield>\n"
        "</record>\n",
        encoding="utf-8",
    )
    [result] = read_records(one)
    assert (result.kind, result.control_number, result.position.line) == (OK, "one-1", 2)
    assert result.record.first("245").get("a") == "Caf\u00e9 life"  # NFC
    assert (result.record.first("245").ind1, result.record.first("245").ind2) == ("1", "0")


def test_several_top_level_records_are_all_read():
    # Not well-formed XML (no single root), but a common export shape.
    results = list(read_records(shared("marc", "evergreen__serials_marc21.xml")))
    assert len(kept(results)) == 7 and results[0].control_number == "21061"


def test_oai_pmh_wrapper_yields_the_marc_records_only(tmp_path):
    oai = tmp_path / "oai.xml"
    records = "".join(
        f"<record><header><identifier>oai:x:{n}</identifier></header><metadata>"
        f'<marc:record xmlns:marc="{SLIM}"><marc:leader>00000nam a2200000 a 4500</marc:leader>'
        f'<marc:controlfield tag="001">rec-{n}</marc:controlfield></marc:record>'
        "</metadata></record>"
        for n in (1, 2)
    )
    oai.write_text(
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        f'{records}<record><header status="deleted"><identifier>oai:x:3</identifier></header>'
        "</record></ListRecords></OAI-PMH>",
        encoding="utf-8",
    )
    assert [(r.kind, r.control_number) for r in read_records(oai)] == [(OK, "rec-1"), (OK, "rec-2")]


def test_record_without_leader_gets_a_blank_one_and_is_kept(tmp_path):
    source = shared("marc", "processing-marc__loc.mrc.xml").read_text(encoding="utf-8")
    leaderless = tmp_path / "leaderless.xml"
    leaderless.write_text(re.sub(r"<leader>[^<]*</leader>", "", source), encoding="utf-8")
    results = list(read_records(leaderless))
    assert len(kept(results)) == 50
    assert all(r.record.leader[6] == " " and len(r.record.leader) == 24 for r in results)
    assert all(any("no leader" in w for w in r.warnings) for r in results)


def test_leader_with_trailing_blank_is_trimmed():
    [result] = read_records(shared("marc", "trln__duke-title_sort.xml"))
    assert result.kind == OK and result.record.leader == "     cam a2200505 i 4500"
    assert result.control_number == "DUKE008367546"


def test_bad_record_is_rejected_with_its_line_and_001():
    for name, reason in [
        ("marc4j__chabon-missing-datafield-tag.xml", "datafield without a tag (line 61)"),
        ("marc4j__chabon-missing-controlfield-tag.xml", "controlfield without a tag (line 5)"),
        ("marc4j__chabon-missing-subfield-code.xml", "subfield without a code (line 8)"),
    ]:
        [result] = read_records(shared("malformed", name))
        assert result.kind == REJECTED and reason in result.problem
        assert result.position.line == 2 and result.control_number == "11939876"


def test_one_bad_record_does_not_stop_the_rest(tmp_path):
    source = shared("marc", "processing-marc__loc.mrc.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    # Remove the tag attribute of the first datafield of the 3rd record.
    parts = source.split("<record>")
    parts[3] = parts[3].replace('<datafield tag="', '<datafield x="', 1)
    broken.write_text("<record>".join(parts), encoding="utf-8")
    results = list(read_records(broken))
    assert [r.kind for r in results].count(REJECTED) == 1
    assert results[2].kind == REJECTED and "datafield without a tag" in results[2].problem
    assert len(kept(results)) == 49


def test_not_well_formed_xml_is_recovered_and_the_damage_reported():
    path = shared("malformed", "ruby-marc__three-records-second-bad.xml")
    results = list(read_records(path))
    assert [r.kind for r in results] == [OK, OK, OK]
    assert results[1].warnings and "line 72" in results[1].warnings[0]
    [record] = read_records(shared("malformed", "processing-marc__not-well-formed.xml"))
    # An unclosed <datafield> swallowed the fields after it; they are read all the same.
    assert len(record.record.get_fields("856")) == 2 and record.warnings


def test_xml_without_records_is_a_file_level_problem():
    path = shared("malformed", "mrrc__error_fixtures-e401_no_record_element.xml")
    [result] = read_records(path)
    assert result.kind == REJECTED and result.position.index == 0
    assert "no MARCXML <record>" in result.problem


def test_authority_xml_is_skipped():
    results = list(read_records(shared("marc", "evergreen__concerto-auth_mesh.extracted.xml")))
    assert len(results) == 12 and {r.kind for r in results} == {SKIPPED}


def test_gzipped_xml_is_detected_from_content(tmp_path):
    source = shared("marc", "processing-marc__loc.mrc.xml")
    disguised = tmp_path / "records.mrc"
    disguised.write_bytes(gzip.compress(source.read_bytes()))
    assert len(kept(read_records(disguised))) == 50
