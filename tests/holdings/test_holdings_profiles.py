"""Each shipped profile on real records whose item fields were read by hand."""

from __future__ import annotations

import pytest

from indexer.holdings import HOLDING_FIELDS, extract_holdings, load_profile
from indexer.marc.record import Field, MarcRecord
from tests.holdings.holdings_data import shared_record, shared_records


def holdings(record: MarcRecord, profile: str, library) -> list[dict]:
    return extract_holdings(record, load_profile(profile), library)


def test_koha_952_real_export(library):
    # A real Koha item: $a/$b BC, $c CG, $o 861.42 C955, $p barcode, $y LG, flags all 0.
    record = shared_record("solrmarc__datos-20161010-ajob.mrc", "u53329")
    [item] = holdings(record, "koha952", library)
    assert item["library"] == "RDE"
    assert item["site"] == "BC"
    assert item["location"] == "CG"
    assert item["call_number"] == "861.42 C955"
    assert item["item_id"] == "35609000970837"
    assert item["item_type"] == "LG"
    assert (item["status"], item["due_date"], item["public"]) == ("available", None, True)
    assert tuple(item) == HOLDING_FIELDS


def _koha_item(*extra: tuple[str, str]) -> MarcRecord:
    subfields = [("a", "RDE"), ("b", "RDE-WON"), ("o", "WB 100 SMI"), ("p", "300012"), ("9", "77")]
    return MarcRecord("00000nam a2200000 a 4500", [Field("952", subfields=subfields + list(extra))])


@pytest.mark.parametrize(
    ("flags", "status", "due", "public"),
    [
        ((("q", "2031-03-14"),), "on_loan", "2031-03-14", True),
        ((("q", "2031-03-14 23:59:00"),), "on_loan", "2031-03-14", True),
        ((("7", "1"),), "reference", None, True),
        ((("7", "0"),), "available", None, True),
        ((("1", "1"),), "lost", None, False),
        ((("1", "4"),), "missing", None, False),
        ((("0", "1"),), "withdrawn", None, False),
        # a lost copy still marked on loan is lost: it will not come back
        ((("q", "2031-03-14"), ("1", "2")), "lost", None, False),
    ],
)
def test_koha_952_flags(library, flags, status, due, public):
    [item] = holdings(_koha_item(*flags), "koha952", library)
    assert (item["status"], item["due_date"], item["public"]) == (status, due, public)
    assert item["site"] == "RDE-WON"  # holding branch: where the copy is now


def test_koha_profile_ignores_952_notes_and_koha_999(library):
    # LoC records use 952 for cataloguers' notes ($a only); not items.
    loc = [r for r in shared_records("processing-marc__loc.mrc") if r.get_fields("952")]
    assert loc
    assert all(holdings(r, "koha952", library) == [] for r in loc)
    # Koha's own 999 ($c/$d biblionumber) is not a Sirsi item.
    koha = shared_records("marc4j__1474920681_KOHA_LFL_5.xml")[0]
    assert koha.get_fields("999")
    assert holdings(koha, "sirsi999", library) == []


def test_sirsi_999_lost_and_available_copies(library):
    # u1: one copy in home location LOST at ALDERMAN, one BY-REQUEST at IVY.
    lost, shelved = holdings(shared_record("solrmarc__uva_001_2000.mrc", "u1"), "sirsi999", library)
    assert (lost["site"], lost["call_number"], lost["item_id"]) == (
        "ALDERMAN",
        "GV1619 .R6 1984",
        "1-3003",
    )
    assert (lost["status"], lost["public"]) == ("lost", False)
    assert (shelved["site"], shelved["location"], shelved["item_id"], shelved["item_type"]) == (
        "IVY",
        "BY-REQUEST",
        "X001019384",
        "BOOK",
    )
    assert (shelved["status"], shelved["public"]) == ("available", True)


def test_sirsi_999_checked_out_has_no_due_date_in_export(library):
    [item] = holdings(shared_record("solrmarc__uva_001_2000.mrc", "u19"), "sirsi999", library)
    assert (item["status"], item["status_text"]) == ("on_loan", "CHECKEDOUT")
    assert item["due_date"] is None
    assert item["location"] == "STACKS"


def test_sirsi_999_missing_and_withdrawn_are_not_public(library):
    missing, other = holdings(
        shared_record("solrmarc__uva_001_2000.mrc", "u189"), "sirsi999", library
    )
    assert (missing["item_id"], missing["status"], missing["public"]) == (
        "X000836665",
        "missing",
        False,
    )
    assert other["status"] == "available"
    [gone] = holdings(shared_record("solrmarc__uva_001_2000.mrc", "u28"), "sirsi999", library)
    assert (gone["site"], gone["status"], gone["public"]) == ("DARDEN", "withdrawn", False)


def test_sirsi_999_staff_notes_stay_private(library):
    record = MarcRecord(
        "00000nam a2200000 a 4500",
        [
            Field(
                "999",
                subfields=[
                    ("a", "WB 100"),
                    ("i", "X1"),
                    ("l", "STACKS"),
                    ("m", "MAIN"),
                    ("o", ".STAFF. Donated by Dr Smith"),
                    ("o", ".PUBLIC. Spine label faded"),
                ],
            )
        ],
    )
    [item] = holdings(record, "sirsi999", library)
    assert item["note"] == "Spine label faded"


def test_unicorn_949_two_copies_with_volume(library):
    # jazz_1k 03-0018058: a CD and its booklet, $v 96, Huntington audio collection.
    cd, booklet = holdings(
        shared_record("evergreen__jazz_1k.mrc", "03-0018058"), "unicorn949", library
    )
    assert (cd["site"], cd["location"], cd["item_type"]) == ("HUNTINGTON", "HUNT-AUDIO", "SOUND")
    assert (cd["call_number"], cd["item_id"], cd["volume"]) == ("3489  CD", "30007007465361", "96")
    assert booklet["item_id"] == "30007007464760"
    assert {cd["status"], booklet["status"]} == {"available"}


def test_unicorn_949_current_location_in_process(library):
    [item] = holdings(
        shared_record("evergreen__lul_fre_100.mrc", "01-0123121"), "unicorn949", library
    )
    assert (item["site"], item["call_number"]) == ("DESMARAIS", "K 830 R44 1982")
    assert (item["status"], item["status_text"], item["public"]) == ("unknown", "INPROCESS", True)


def test_iii_945_full_item_export(library):
    # 99 volumes of Bancroft's Works; $s "-" is on the shelf, $s "o" library use only.
    items = holdings(
        shared_record("openlibrary__workshuberthowe00racegoog_meta.mrc", "ocmocm02539133"),
        "iii945",
        library,
    )
    assert len(items) == 99
    first = items[0]
    assert (first["call_number"], first["volume"], first["item_id"], first["location"]) == (
        "970 B221w",
        "v.25",
        "31223006990692",
        "xgcst",
    )
    assert first["status"] == "available"
    third = items[2]
    assert (third["volume"], third["location"], third["status"]) == ("v.1", "xgcsr", "reference")
    assert sum(i["status"] == "reference" for i in items) == 97


def test_iii_945_location_only(library):
    # Hebrew set: 945 $l only (padded location codes); no status code means unknown.
    [item] = holdings(shared_record("evergreen__hebrew.marc", "13810341"), "iii945", library)
    assert (item["location"], item["status"], item["public"]) == ("xwb", "unknown", True)


def test_marc_852_oxford_loan_with_due_date(library):
    # Oxford 852s: Bodleian "In place", Merton "DUE BACK: 13/06/07", Merton "Available".
    bodleian, loan, merton = holdings(
        shared_record("marc4j__pride-and-prejudice-fixed.mrc", "UkOxUb10549368"), "marc852", library
    )
    assert (bodleian["site"], bodleian["call_number"], bodleian["status"]) == (
        "Bodleian",
        "M93.F01784",
        "available",
    )
    assert (loan["site"], loan["call_number"], loan["item_id"]) == (
        "Merton Coll.",
        "YH:AUS/A10(a)",
        "302976611",
    )
    assert (loan["status"], loan["due_date"], loan["public"]) == ("on_loan", "2007-06-13", True)
    assert loan["note"] == "(hbk)"  # $z public; the $x purchase note is not shown
    assert merton["status"] == "available"


def test_marc_852_location_only_and_private_note(library):
    [florida] = holdings(
        shared_record("lc-marcedit__marc_sample_data.mrc", "030997234"), "marc852", library
    )
    assert (florida["site"], florida["location"], florida["status"]) == (
        "UFDC",
        "All Collection Groups",
        "unknown",
    )
    nepali = next(r for r in shared_records("evergreen__nepali.marc") if r.get_fields("852"))
    [item] = holdings(nepali, "marc852", library)
    # 852 $x "Accession no.: ..." is a nonpublic note
    assert not any("Accession" in str(v) for v in item.values())


def test_marc_852_with_876_item_inherits_shelving(library):
    # MIT: 852 $b HUM $c STACK $h PR4030 1983 followed by its 876 item.
    [item] = holdings(
        shared_record("marc4j__pride-and-prejudice-fixed.mrc", "000807790"), "marc852", library
    )
    assert (item["site"], item["location"], item["call_number"]) == ("HUM", "STACK", "PR4030 1983")


def test_marc_852_876_linked_by_field_link(library):
    leader = "00000nam a2200000 a 4500"
    record = MarcRecord(
        leader,
        [
            Field(
                "852",
                "0",
                " ",
                [("8", "1"), ("b", "MAIN"), ("c", "STACKS"), ("h", "WB 100"), ("i", ".S6")],
            ),
            Field("852", "0", " ", [("8", "2"), ("b", "MAIN"), ("c", "REF"), ("h", "WB 18")]),
            Field("876", " ", " ", [("8", "1.1"), ("p", "3001"), ("j", "Missing")]),
            Field("876", " ", " ", [("8", "1.2"), ("p", "3002"), ("3", "v.2")]),
            Field("852", "0", " ", [("b", "ANNEXE"), ("j", "BOX 12")]),
        ],
    )
    missing, second, reference, annexe = holdings(record, "marc852", library)
    assert (missing["location"], missing["call_number"], missing["item_id"]) == (
        "STACKS",
        "WB 100 .S6",
        "3001",
    )
    assert (missing["status"], missing["public"]) == ("missing", False)
    assert (second["item_id"], second["volume"], second["status"]) == ("3002", "v.2", "unknown")
    # 852s without items stand for themselves
    assert (reference["location"], reference["call_number"]) == ("REF", "WB 18")
    assert (annexe["site"], annexe["call_number"]) == ("ANNEXE", "BOX 12")


def test_record_without_item_fields_has_no_holdings(library):
    record = MarcRecord(
        "00000nam a2200000 a 4500",
        [Field("001", data="x1"), Field("245", subfields=[("a", "Title")])],
    )
    for name in ("koha952", "marc852", "sirsi999", "iii945", "unicorn949", "auto"):
        assert holdings(record, name, library) == []
