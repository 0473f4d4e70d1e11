"""KBART title lists: every shared list reads, columns by name, identifiers checked, coverage."""

from __future__ import annotations

import collections
import functools
import gzip
import re

import pytest

from indexer.dedup.match import match
from indexer.errors import RecordError
from indexer.libraries import Library
from indexer.mapping import TARGETS, load_rules
from indexer.sources import read_records
from indexer.sources.kbart import read_kbart
from indexer.sources.kbart_map import kbart_to_mapped
from indexer.union.document import Member, build_document
from tests.conftest import shared, shared_dir

AIP = "ezpaarse-platforms__AIP_GLOBAL_ALLEBOOKS_2026-01-01.txt"
CYBERLIBRIS = "ezpaarse-platforms__CYBERLIBRIS_GLOBAL_DOCUMENTATION-HOSPITALIERE_2026-03-16.txt"
EDP = "ezpaarse-platforms__EDPSCIENCES_GLOBAL_ALLJOURNALS_2026-03-13.txt"
CK_STUDENT = "ezpaarse-platforms__ELSEVIER_CKMEELPNOAM_CLINICALKEY-STUDENT_2026-05-08.txt"
CK_NURSING = "ezpaarse-platforms__ELSEVIER_COUPERIN_CLINICALKEY-NURSING_2026-02-20.txt"
JLE = "ezpaarse-platforms__JLE_COUPERIN_ALLJOURNALS_2022-03-24.txt"
BMC = "ezpaarse-platforms__bmc_journals_2016-03-07.txt"
EZB_FIXTURE = "span__holding-0.tsv"
EZB_GZ = "span__kbart.txt.gz"

HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\tnum_last_vol_online\t"
    "num_last_issue_online\ttitle_url\tfirst_author\ttitle_id\tembargo_info\tcoverage_depth\t"
    "notes\tpublisher_name\tpublication_type\tdate_monograph_published_print\t"
    "date_monograph_published_online\tmonograph_volume\tmonograph_edition\tfirst_editor\t"
    "parent_publication_title_id\tpreceding_publication_title_id\taccess_type"
).split("\t")


def kbart_line(**cells: str) -> str:
    return "\t".join(cells.get(column, "") for column in HEADER)


def write_kbart(tmp_path, rows: list[dict], name: str = "list.txt") -> str:
    path = tmp_path / name
    path.write_text("\n".join(["\t".join(HEADER), *(kbart_line(**r) for r in rows)]) + "\n")
    return path


def load(name: str) -> list:
    return list(_load(shared("kbart", name)))


@functools.cache
def _load(path) -> tuple:
    # Read each shared list once per test session: the EZB list has 72k rows.
    return tuple(read_kbart(path))


def by_title(results, title: str):
    return next(r for r in results if r.mapped and r.mapped["title"] == title)


def manifest_rows() -> dict[str, int]:
    """file name -> data rows, from the kbart table of shared/data/MANIFEST.md."""
    text = shared("MANIFEST.md").read_text(encoding="utf-8")
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\| `kbart/([^`]+)` \|[^|]*\|[^|]*\| (\d+) \|", text, re.MULTILINE)
    }


# --- every shared list --------------------------------------------------------------------


def test_every_shared_list_reads_with_the_manifest_row_count():
    folder = shared_dir("kbart")
    expected = manifest_rows()
    files = sorted(p for p in folder.iterdir() if p.name != "MANIFEST.md")
    assert files and {p.name for p in files} <= set(expected)
    for path in files:
        results = load(path.name)
        assert len(results) == expected[path.name], path.name
        assert [r.position.index for r in results] == list(range(1, len(results) + 1))
        for r in results:
            if r.kind == "ok":
                assert set(r.mapped) == set(TARGETS), path.name
                assert r.mapped["format"] in ("E-book", "E-journal")
                assert r.mapped["isbn"] or r.mapped["issn"] or r.mapped["links"]
            else:
                assert r.kind == "rejected" and r.problem and r.mapped is None
        numbers = [r.control_number for r in results if r.kind == "ok"]
        assert len(numbers) == len(set(numbers)), f"{path.name}: control numbers repeat"


def test_small_lists_load_every_row():
    for name in (AIP, CYBERLIBRIS, EDP, CK_STUDENT, CK_NURSING, JLE, BMC, EZB_FIXTURE):
        assert all(r.kind == "ok" for r in load(name)), name


def test_format_follows_publication_type():
    for name in (CYBERLIBRIS, CK_NURSING, AIP, EDP, JLE):
        for r in load(name):
            declared = r.row.cells["publication_type"]
            want = {"monograph": "E-book", "serial": "E-journal"}[declared]
            assert r.mapped["format"] == want, (name, r.position)
    formats = collections.Counter(r.mapped["format"] for r in load(CYBERLIBRIS))
    assert formats == {"E-book": 3284, "E-journal": 96}  # as the MANIFEST counts them


def test_lists_without_publication_type_are_judged_by_their_identifiers():
    # BMC leaves publication_type empty; its rows carry ISSNs (or nothing) and are journals.
    assert {r.mapped["format"] for r in load(BMC)} == {"E-journal"}


# --- e-books ------------------------------------------------------------------------------


def test_aip_ebook_maps_title_subtitle_isbns_year_and_authors():
    r = by_title(load(AIP), "Synthetic Solar Irradiance")
    m = r.mapped
    assert m["subtitle"] == "Modeling Solar Data"
    assert m["title_sort"] == "synthetic solar irradiance modeling solar data"
    # Online ISBN first, each valid ISBN as 13 and 10 digits, like the MARC rules.
    assert m["isbn_display"] == ["9780735421820", "9780735421851"]
    assert m["isbn"] == ["9780735421820", "073542182X", "9780735421851", "0735421854"]
    assert m["year"] == 2020  # date_monograph_published_online before _print (2021)
    assert m["publisher"] == "AIP Publishing"
    assert m["format"] == "E-book" and m["record_type"] == "a" and m["leader_status"] == " "
    # One person as author and editor: one entry, like a MARC 100 + 700 of the same name.
    assert m["authors"] == [
        {"name": "Bright", "role": ["editor"], "type": "personal", "main": True}
    ]
    assert m["control_number"] == r.control_number == "10.1063/9780735421820"
    assert m["links"] == [
        {
            "url": "https://pubs.aip.org/books/monograph/81/Synthetic-Solar-IrradianceModeling-Solar-Data",
            "label": "Available online",
            "note": None,
            "materials": None,
            "kind": "fulltext",
        }
    ]
    assert r.position.line == 2 and r.position.index == 1


def test_reordered_17_column_clinicalkey_list_is_read_by_header_names():
    results = load(CK_STUDENT)
    m = by_title(results, "Abernathy's Surgical Secrets").mapped
    assert m["isbn_display"] == ["9780323478731"]  # only a print_identifier in this list
    assert m["format"] == "E-book"  # "book", not "monograph"
    assert m["year"] == 2018  # the list puts a book's year in date_first_issue_online
    assert m["authors"][0]["name"] == "Albuja-Cruz"
    assert m["publisher"] == "Elsevier"
    assert m["control_number"] == "3-s2.0-C20150066795"
    assert m["notes"] == []  # its "coverage" dates are the book's year, not a serial's run
    assert m["links"][0]["url"].endswith("/toc/3-s2.0-C20150066795")
    assert "coverage_notes" not in results[0].row.cells and "notes" in results[0].row.cells


def test_bad_isbn_check_digit_is_dropped_with_a_warning_and_the_title_kept():
    results = load(CK_NURSING)
    bad = [r for r in results if any("978-2-294-75326-7" in w for w in r.warnings)]
    assert len(bad) == 1 and bad[0].kind == "ok"
    m = bad[0].mapped
    assert m["isbn_invalid"] == ["978-2-294-75326-7"]
    assert "9782294753267" not in m["isbn"]
    assert "online_identifier '978-2-294-75326-7' is not a valid ISBN" in bad[0].warnings[0]
    assert m["links"]  # still reachable


def test_numeric_edition_reads_like_a_marc_edition_statement():
    m = by_title(load(CK_NURSING), "L'infirmier(e) En Gériatrie").mapped
    assert m["edition"] == "1st ed."
    assert m["isbn_display"] == ["9782294777264", "9782294776854"]  # online, then print


# --- e-journals ---------------------------------------------------------------------------


def test_edp_journal_coverage_is_readable_text():
    results = load(EDP)
    m = by_title(results, "European Journal of Economic and Social Systems").mapped
    coverage = "Online coverage: 1999 (vol. 13, issue 1) to 2001 (vol. 15, issue 3)"
    assert m["notes"] == [coverage, "Free access"]
    assert m["links"][0]["note"] == coverage
    assert m["issn"] == ["1292-8909", "1292-8895"]  # online first
    assert m["isbn"] == [] and m["year"] == 1999 and m["date"] is None
    assert m["format"] == "E-journal"
    embargoed = [r for r in results if r.row.cells["embargo_info"] == "P24M"]
    assert embargoed and all("embargo: 24 months" in r.mapped["notes"][0] for r in embargoed)
    ongoing = [r for r in results if r.row.cells["date_first_issue_online"]]
    ongoing = [r for r in ongoing if not r.row.cells["date_last_issue_online"]]
    assert ongoing and all(" to present" in r.mapped["notes"][0] for r in ongoing)


def test_jle_rolling_range_embargo():
    m = by_title(load(JLE), "Annales de Biologie Clinique").mapped
    assert (
        m["notes"][0]
        == "Online coverage: 1997 (vol. 55, issue 1) to present; most recent 1 year only"
    )


def test_bmc_list_with_pkb_columns_first():
    results = load(BMC)
    r = by_title(results, "Allergy, Asthma & Clinical Immunology")
    m = r.mapped
    assert m["publisher"] == "BioMed Central Ltd"
    assert m["issn"] == ["1710-1492"]
    assert m["links"][0]["url"] == "http://aacijournal.biomedcentral.com/"
    assert m["control_number"] == "aacijournal"
    assert m["notes"] == ["Online coverage: 2009 to present"]
    assert r.row.cells["pkb-abbreviation"] == "Allergy Asthma Clin Immunol"  # extras kept


def test_ezb_fixture_keeps_the_row_with_a_fake_issn_and_warns():
    first, second = load(EZB_FIXTURE)
    assert first.mapped["issn"] == ["0001-3374"] and not first.warnings
    assert second.kind == "ok" and second.mapped["issn"] == []
    assert second.warnings == (
        "print_identifier '1111-3374' is not a valid ISBN or ISSN; left out",
    )
    # Both rows share title_id 55738 (KBART repeats a title per coverage span or package).
    assert (first.control_number, second.control_number) == ("55738", "55738.2")


def test_ezb_gzip_list_of_72k_rows():
    results = load(EZB_GZ)
    assert len(results) == 72056
    rejected = [r for r in results if r.kind == "rejected"]
    # Three rows carry ISSNs that lost a leading zero or their X (2206994 = 0220-6994).
    assert len(rejected) == 3
    assert all("export identifiers as text" in r.problem for r in rejected)
    assert "online_identifier '2206994'" in rejected[0].problem
    kept = [r.mapped for r in results if r.kind == "ok"]
    assert {m["format"] for m in kept} == {"E-journal"}
    first = kept[0]
    assert first["title"] == "Bill of Rights Journal (via Hein Online)"  # leading space gone
    assert first["notes"][0] == "Online coverage: 1968 (vol. 1) to 1996 (vol. 29)"


# --- damaged and unusual files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("online_identifier", "9.78E+12", "looks like a number mangled by a spreadsheet"),
        ("print_identifier", "9,78E+12", "looks like a number mangled by a spreadsheet"),
        ("online_identifier", "9780801415456.0", "looks like a number mangled by a spreadsheet"),
        (
            "print_identifier",
            "801415454",
            "looks like a number that lost its leading zero in a spreadsheet (was it 0801415454?)",
        ),
        (
            "print_identifier",
            "33898",
            "looks like a number that lost its leading zero in a spreadsheet (was it 0003-3898?)",
        ),
        (
            "online_identifier",
            "1743551",
            "looks like a number that lost its check digit X in a spreadsheet (was it 1743-551X?)",
        ),
    ],
)
def test_spreadsheet_damage_rejects_the_row_naming_column_and_value(
    tmp_path, column, value, message
):
    good = {"publication_title": "Good", "online_identifier": "978-0-7354-2182-0"}
    damaged = {"publication_title": "Damaged", column: value, "title_url": "https://x.org/d"}
    results = list(read_kbart(write_kbart(tmp_path, [good, damaged])))
    assert [r.kind for r in results] == ["ok", "rejected"]
    problem = results[1].problem
    assert problem.startswith(f"{column} {value!r} {message}")
    assert problem.endswith("export identifiers as text")
    assert str(results[1].position) == "list.txt record 2 (line 3)"


def test_kbart_to_mapped_raises_with_the_reason():
    with pytest.raises(RecordError, match=r"online_identifier '9.78E\+12' looks like a number"):
        kbart_to_mapped({"publication_title": "T", "online_identifier": "9.78E+12"})
    with pytest.raises(RecordError, match="publication_title is empty"):
        kbart_to_mapped({"publication_title": " ", "title_url": "https://x.org"})
    with pytest.raises(RecordError, match="no usable title_url or identifier"):
        kbart_to_mapped({"publication_title": "T", "title_url": "ftp://x.org/t"})
    # Raw header spellings are accepted here too.
    mapped = kbart_to_mapped({"Publication Title": "T", "Title URL": "https://x.org/t"})
    assert set(mapped) == set(TARGETS) and mapped["links"][0]["url"] == "https://x.org/t"


def test_bad_identifier_with_a_link_is_kept_and_without_one_rejected(tmp_path):
    rows = [
        {
            "publication_title": "Linked",
            "print_identifier": "9780000000001",
            "title_url": "https://x.org/l",
        },
        {"publication_title": "Unlinked", "print_identifier": "9780000000001"},
        {"publication_title": "Bad link", "title_url": "javascript:alert(1)"},
    ]
    linked, unlinked, bad_link = read_kbart(write_kbart(tmp_path, rows))
    assert linked.kind == "ok" and linked.mapped["isbn"] == []
    assert linked.warnings == (
        "print_identifier '9780000000001' is not a valid ISBN or ISSN; left out",
    )
    assert unlinked.kind == "rejected" and "no usable title_url or identifier" in unlinked.problem
    assert (
        bad_link.kind == "rejected"
        and "'javascript:alert(1)' is not an http(s) URL" in bad_link.problem
    )


def test_not_a_kbart_file_is_one_file_level_problem(tmp_path):
    marc = list(read_kbart(shared("marc", "evergreen__oss.marc")))
    assert len(marc) == 1 and marc[0].kind == "rejected" and marc[0].position.index == 0
    assert "no publication_title column" in marc[0].problem
    csv = tmp_path / "titles.csv"
    csv.write_text("publication_title,title_url\nA,https://x.org\n")
    assert "the header is not tab-separated" in next(read_kbart(csv)).problem
    workbook = tmp_path / "titles.xlsx.txt"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb1\x8f\n" * 20)
    (only,) = read_kbart(workbook)
    assert only.position.index == 0 and "save it as tab-separated text" in only.problem
    no_locator = tmp_path / "no_locator.txt"
    no_locator.write_text("publication_title\tpublisher_name\nA\tB\n")
    (only,) = read_kbart(no_locator)
    assert only.position.index == 0 and "none of title_url, online_identifier" in only.problem
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert "empty file" in next(read_kbart(empty)).problem


def test_gzip_is_found_from_content_whatever_the_name(tmp_path):
    plain = write_kbart(tmp_path, [{"publication_title": "Z", "title_url": "https://x.org/z"}])
    packed = tmp_path / "list.txt"  # no .gz on purpose
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    (r,) = read_kbart(packed)
    assert r.kind == "ok" and r.mapped["title"] == "Z"
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(gzip.compress(plain.read_bytes() * 50)[:-30])
    results = list(read_kbart(truncated))
    assert results[-1].position.index == 0 and "gzip data is damaged" in results[-1].problem


def test_header_names_are_matched_loosely_and_blank_lines_skipped(tmp_path):
    path = tmp_path / "excel.txt"
    text = (
        # Phase I's coverage_notes and a second notes column: the first one wins.
        "\ufeffTitle_URL\t Publication_Title \tONLINE_IDENTIFIER\tcoverage_notes\tNotes\r\n"
        "\r\n"
        'https://x.org/a\t"The ""Quoted"" Title"\t0003-3898\tSome note\tsecond\r\n'
        "https://x.org/b\tShort row\r\n"
        "https://x.org/c\tLong row\t\t\t\tsurplus\r\n"
    )
    path.write_text(text, encoding="utf-8")
    quoted, short, long = read_kbart(path)
    assert quoted.mapped["title"] == 'The "Quoted" Title'
    assert quoted.mapped["issn"] == ["0003-3898"] and quoted.mapped["notes"] == ["Some note"]
    assert (quoted.position.index, quoted.position.line) == (1, 3)
    assert short.kind == "ok" and "the missing cells are read as empty" in short.warnings[0]
    assert long.kind == "ok" and "extra cells ignored ('surplus')" in long.warnings[0]


def test_utf16_and_windows_1252_text(tmp_path):
    utf16 = tmp_path / "unicode.txt"
    utf16.write_text(
        "publication_title\ttitle_url\nGériatrie\thttps://x.org/g\n", encoding="utf-16"
    )
    assert next(read_kbart(utf16)).mapped["title"] == "Gériatrie"
    latin = tmp_path / "latin.txt"
    latin.write_bytes("publication_title\ttitle_url\nGériatrie\thttps://x.org/g\n".encode("cp1252"))
    (r,) = read_kbart(latin)
    assert r.mapped["title"] == "Gériatrie" and "not UTF-8" in r.warnings[0]


def test_control_number_falls_back_to_online_identifier_then_a_stable_digest(tmp_path):
    rows = [
        {"publication_title": "Has ISBN", "online_identifier": "0-8014-1545-4"},
        {"publication_title": "Only a link", "title_url": "https://x.org/only"},
    ]
    first = [r.control_number for r in read_kbart(write_kbart(tmp_path, rows))]
    again = [r.control_number for r in read_kbart(write_kbart(tmp_path, rows[::-1], "b.txt"))]
    assert first[0] == "9780801415456"
    assert first[1].startswith("kbart.") and first[1] == again[0]


def test_spaces_inside_a_url_are_percent_encoded_not_dropped():
    m = kbart_to_mapped({"publication_title": "P", "title_url": "http://x.org/v?n=CSO FORUM\xa0+"})
    assert m["links"][0]["url"] == "http://x.org/v?n=CSO%20FORUM%C2%A0+"


# --- with the rest of the catalogue ------------------------------------------------------


def test_kbart_ebook_merges_with_the_marc_ebook_sharing_its_online_isbn(tmp_path):
    marc = next(read_records(shared("marc", "evergreen__oss.marc")))
    marc_mapped = load_rules().map(marc.record)
    assert marc_mapped["format"] == "E-book" and marc_mapped["edition"] == "Third Edition"
    row = {
        "publication_title": "Open Source GIS : A GRASS GIS Approach",
        "online_identifier": marc_mapped["isbn_display"][0],
        "first_author": "Neteler",
        "date_monograph_published_online": "2008",
        "monograph_edition": "3",
        "publication_type": "monograph",
        "title_url": "https://link.springer.com/book/10.1007/978-0-387-68574-8",
    }
    (kbart,) = read_kbart(write_kbart(tmp_path, [row]))
    decision = match(kbart.mapped, marc_mapped)
    assert decision.same and decision.rule == "isbn", decision


def test_document_builder_takes_a_kbart_record():
    r = by_title(load(EDP), "European Journal of Economic and Social Systems")
    doc = build_document([Member(Library("EDP", "EDP Sciences"), r.control_number, r.mapped)])
    assert doc["format"] == "E-journal" and doc["availability"] == ["online"]
    assert doc["issn"] == ["1292-8909", "1292-8895"]
    assert doc["display"]["links"][0]["url"] == "https://ejess.edpsciences.org"
    assert any(n.startswith("Online coverage: 1999") for n in doc["notes"])


def test_a_books_series_issn_is_not_its_issn():
    m = kbart_to_mapped(
        {
            "publication_title": "Advances in Genetics",
            "publication_type": "monograph",
            "print_identifier": "0065-2660",
            "online_identifier": "978-0-7354-2182-0",
            "title_url": "https://x.org/b",
        }
    )
    assert m["issn"] == [] and m["isbn_display"] == ["9780735421820"]


def test_combined_embargo_and_abstracts_only_coverage():
    m = kbart_to_mapped(
        {
            "publication_title": "J",
            "publication_type": "serial",
            "online_identifier": "0003-3898",
            "title_url": "https://x.org/j",
            "date_first_issue_online": "2001-05-01",
            "embargo_info": "R10Y;P6M",
            "coverage_depth": "abstracts",
        }
    )
    assert m["notes"] == [
        "Online coverage: 2001-05-01 to present; most recent 10 years only; embargo: 6 months; "
        "abstracts only"
    ]
    assert m["links"][0]["kind"] == "related"  # not the full text
