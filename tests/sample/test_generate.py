"""The synthetic consortium generator: files that real MARC readers accept, with the realism the
demo and the deduplication benchmarks rely on (shared titles, e-books, items, MARC-8)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from pymarc import MARCReader
from pymarc.marc8 import marc8_to_unicode

from lantern.sample import longtail, vocabulary
from lantern.sample.consortium import build_libraries, libraries_toml
from lantern.sample.generate import CHUNK_RECORDS, generate_consortium
from lantern.sample.marc8 import Marc8EncodingError, encode_marc8

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
RECORDS = 300


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    return generate_consortium(tmp_path_factory.mktemp("consortium"), records=RECORDS, seed=7)


@pytest.fixture(scope="module")
def records_by_library(consortium):
    """code -> list of (raw bytes, pymarc Record), read strictly."""
    out = {}
    for code, path in consortium.files.items():
        raw_records = path.read_bytes().split(b"\x1d")[:-1]
        with path.open("rb") as fh:
            parsed = list(MARCReader(fh, permissive=False, to_unicode=True))
        assert len(parsed) == len(raw_records)
        out[code] = list(zip((r + b"\x1d" for r in raw_records), parsed, strict=True))
    return out


@pytest.fixture(scope="module")
def settings_by_code(consortium):
    config = tomllib.loads(consortium.libraries_toml.read_text(encoding="utf-8"))
    return {lib["code"]: lib for lib in config["library"]}


def isbn13_valid(isbn: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(isbn[:12]))
    return isbn.isdigit() and str((10 - total % 10) % 10) == isbn[12]


def isbn10_valid(isbn: str) -> bool:
    digits = [10 if c == "X" else int(c) for c in isbn]
    return sum(d * (10 - i) for i, d in enumerate(digits)) % 11 == 0


def as_isbn13(isbn: str) -> str:
    if len(isbn) == 13:
        return isbn
    first12 = "978" + isbn[:9]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def isbns(record) -> list[str]:
    return [f["a"].split(" ")[0] for f in record.get_fields("020") if f.get("a")]


def test_every_file_rereads_strictly_with_the_promised_record_count(consortium, records_by_library):
    assert consortium.total_records == RECORDS
    for code, records in records_by_library.items():
        assert len(records) == consortium.record_counts[code] > 0
        for raw, record in records:
            assert record is not None
            assert int(raw[:5]) == len(raw)
            assert int(raw[12:17]) == raw.index(b"\x1e") + 1  # base address after directory
            assert record["001"] and record["008"] and len(record["008"].data) == 40
            assert record["245"]["a"]


def test_utf8_records_survive_a_pymarc_round_trip_byte_for_byte(consortium, records_by_library):
    # pymarc recomputes the leader and directory: any arithmetic slip of ours shows up here.
    for code, records in records_by_library.items():
        if code in consortium.marc8_codes:
            continue
        for raw, record in records:
            assert record.leader[9] == "a"
            assert record.as_marc() == raw


def test_marc8_file_decodes_accented_names_to_nfc(consortium, records_by_library):
    assert consortium.marc8_codes
    known = set(vocabulary.SURNAMES) | set(vocabulary.GIVEN_NAMES)
    known |= {a + b for a in longtail.SURNAME_STARTS for b in longtail.SURNAME_ENDS}
    for code in consortium.marc8_codes:
        accented = []
        for raw, record in records_by_library[code]:
            assert record.leader[9] == " "
            assert not any(letter.encode() in raw for letter in "éèüöçñø")  # no UTF-8 forms
            for f in record.get_fields("100", "700"):
                name = f["a"].rstrip(",.")
                if not name.isascii():
                    accented.append((name, raw))
        assert accented, "expected some accented personal names in the MARC-8 file"
        for name, raw in accented:
            assert unicodedata.is_normalized("NFC", name)
            surname, given = name.split(", ")
            given = given.split(" ")[0]  # a rare name may carry an initial
            assert surname in known and given in known, name
            # MARC-8 puts the combining mark before its letter: é -> 0xE2 'e'.
            for letter, marc8 in (("é", b"\xe2e"), ("ü", b"\xe8u"), ("ç", b"\xf0c")):
                if letter in name:
                    assert marc8 in raw


def test_marc8_encoder_matches_pymarc_for_every_word_list_string():
    assert encode_marc8("Pérez") == b"P\xe2erez"
    assert encode_marc8("Lefèvre") == b"Lef\xe1evre"
    assert encode_marc8("Müller") == b"M\xe8uller"
    assert encode_marc8("Gonçalves") == b"Gon\xf0calves"
    assert encode_marc8("Sørensen") == b"S\xb2rensen"
    strings = [*vocabulary.SURNAMES, *vocabulary.GIVEN_NAMES]
    strings += [name for name, _, _ in vocabulary.PUBLISHERS]
    strings += [t for titles in vocabulary.FOREIGN_TITLES.values() for t in titles]
    for text in strings:
        assert marc8_to_unicode(encode_marc8(text)) == unicodedata.normalize("NFC", text)
    with pytest.raises(Marc8EncodingError):
        encode_marc8("漢")


def test_marc8_encoder_round_trips_real_marc8_french_records():
    path = SHARED / "marc" / "evergreen__lul_fre_100.mrc"
    if not path.exists():
        pytest.skip("shared test data not present")
    checked = 0
    with path.open("rb") as fh:
        for record in MARCReader(fh, to_unicode=True, permissive=True):
            if record is None or record.leader[9] != " ":
                continue
            for f in record.get_fields(*{f.tag for f in record.fields if not f.is_control_field()}):
                for value in f.subfields:
                    if not value.value.isascii():
                        assert marc8_to_unicode(encode_marc8(value.value)) == value.value
                        checked += 1
    assert checked > 100


def test_isbns_have_valid_check_digits(records_by_library):
    seen = 0
    for records in records_by_library.values():
        for _, record in records:
            for isbn in isbns(record):
                assert len(isbn) in (10, 13), isbn
                if len(isbn) == 13:
                    assert isbn.startswith("978") and isbn13_valid(isbn), isbn
                else:
                    assert isbn10_valid(isbn), isbn
                seen += 1
    assert seen > RECORDS * 0.8


def test_shared_titles_appear_in_several_libraries_with_their_own_001(records_by_library):
    copies = defaultdict(list)  # ISBN-13 -> [(library, 001, title, year)]
    for code, records in records_by_library.items():
        for _, record in records:
            keys = {as_isbn13(i) for i in isbns(record)}
            year = record["008"].data[7:11]
            for key in keys:
                copies[key].append((code, record["001"].data, record["245"]["a"], year))
    shared = {k: v for k, v in copies.items() if len({c for c, *_ in v}) > 1}
    assert len(shared) >= 20
    for held in shared.values():
        assert len({(code, cn) for code, cn, *_ in held}) == len(held)
        assert len({year for *_, year in held}) == 1
        titles = {re.sub(r"[\s:/.]+$", "", title) for _, _, title, _ in held}
        assert len(titles) == 1  # same manifestation; only punctuation differs
    assert any(len({t for _, _, t, _ in held}) > 1 for held in shared.values()), (
        "expected some copies to differ in cataloguing punctuation"
    )


def test_ebooks_have_online_access_and_some_are_editions_of_print_titles(records_by_library):
    ebooks, print_isbns, print_versions = 0, set(), []
    for records in records_by_library.values():
        for _, record in records:
            if record["008"].data[23] != "o":
                print_isbns.update(as_isbn13(i) for i in isbns(record))
                continue
            ebooks += 1
            assert record.leader[6] == "a"
            assert record["007"].data.startswith("cr")
            link = record["856"]
            assert tuple(link.indicators) == ("4", "0")
            assert link["u"].startswith("https://") and link["z"] == "Available online"
            assert not record.get_fields("952", "852")
            print_versions += [f["z"] for f in record.get_fields("776")]
    assert 0.03 * RECORDS < ebooks < 0.2 * RECORDS
    assert print_versions and set(print_versions) & print_isbns


def test_koha_libraries_have_952_items_and_others_852_with_876(
    records_by_library, settings_by_code
):
    on_loan = 0
    for code, records in records_by_library.items():
        koha = settings_by_code[code]["holdings"] == "koha952"
        sites = set(settings_by_code[code]["sites"])
        for _, record in records:
            if record["008"].data[23] == "o":
                continue
            if koha:
                items = record.get_fields("952")
                assert 1 <= len(items) <= 3 and not record.get_fields("852")
                for item in items:
                    assert item["a"] in sites and item["p"].startswith(code) and item["o"]
                    on_loan += item.get("q") is not None
            else:
                assert record.get_fields("852") and record.get_fields("876")
                assert not record.get_fields("952")
                assert {f["b"] for f in record.get_fields("852")} <= sites
                for item in record.get_fields("876"):
                    assert item["p"] and item["j"]
                    on_loan += item["j"] == "On loan"
    assert on_loan > 0
    holdings = {lib["holdings"] for lib in settings_by_code.values()}
    assert holdings == {"koha952", "marc852"}


def test_libraries_toml_names_every_file_and_matches_its_encoding(
    consortium, settings_by_code, records_by_library
):
    config = tomllib.loads(consortium.libraries_toml.read_text(encoding="utf-8"))
    assert config["consortium"]["code"] == "ANY"
    assert set(settings_by_code) == {p.stem for p in consortium.out_dir.glob("*.mrc")}
    priorities = [lib["priority"] for lib in config["library"]]
    assert priorities == sorted(set(priorities))
    for code, lib in settings_by_code.items():
        assert re.fullmatch(r"[A-Z0-9]+", code) and lib["name"] and lib["region"]
        assert "{record_id}" in lib["opac_link"] and lib["proxy"].startswith("https://")
        assert lib["sites"] and all(re.fullmatch(r"[A-Z0-9]+", s) for s in lib["sites"])
        marc8 = records_by_library[code][0][1].leader[9] == " "
        assert lib["encoding"] == ("marc-8" if marc8 else "auto")


def test_many_libraries_get_unique_codes_beyond_the_built_in_list():
    libraries = build_libraries(30, marc8=3)
    codes = [lib.code for lib in libraries]
    assert len(set(codes)) == 30 and all(re.fullmatch(r"[A-Z0-9]+", c) for c in codes)
    assert sum(lib.marc8 for lib in libraries) == 3
    parsed = tomllib.loads(libraries_toml(libraries))
    assert [lib["code"] for lib in parsed["library"]] == codes


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(consortium, tmp_path):
    again = generate_consortium(tmp_path / "again", records=RECORDS, seed=7)
    other = generate_consortium(tmp_path / "other", records=RECORDS, seed=8)
    for code, path in consortium.files.items():
        assert again.files[code].read_bytes() == path.read_bytes()
    assert again.libraries_toml.read_bytes() == consortium.libraries_toml.read_bytes()
    assert any(other.files[c].read_bytes() != p.read_bytes() for c, p in consortium.files.items())


def test_output_does_not_depend_on_the_number_of_worker_processes(tmp_path):
    records = CHUNK_RECORDS * 2 + 300  # three chunks
    one = generate_consortium(tmp_path / "one", records=records, libraries=4, workers=1)
    two = generate_consortium(tmp_path / "two", records=records, libraries=4, workers=2)
    assert one.record_counts == two.record_counts
    assert one.total_records == records
    for code, path in one.files.items():
        assert two.files[code].read_bytes() == path.read_bytes()


def test_lanterns_own_reader_and_holdings_profiles_understand_every_file(consortium):
    """The generated consortium loads through the project's reader and holdings profiles: every
    record reads, every print copy gets a site from libraries.toml and a known status."""
    sources = pytest.importorskip("indexer.sources")
    extract = pytest.importorskip("indexer.holdings.extract")
    profiles = pytest.importorskip("indexer.holdings.profile")
    from indexer.libraries import load_consortium

    config = load_consortium(consortium.libraries_toml)
    statuses = defaultdict(int)
    for code, path in consortium.files.items():
        library = config.libraries[code]
        profile = profiles.load_profile(library.holdings)
        encoding = None if library.encoding == "auto" else library.encoding
        results = list(sources.read_records(path, encoding))
        assert [r.kind for r in results] == ["ok"] * consortium.record_counts[code]
        for result in results:
            assert not result.warnings, (code, result)
            holdings = extract.extract_holdings(result.record, profile, library)
            ebook = result.record.control("008")[23] == "o"
            assert bool(holdings) != ebook
            for holding in holdings:
                assert holding["site"] in library.sites
                statuses[holding["status"]] += 1
                if library.holdings == "koha952" and holding["status"] == "on_loan":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", holding["due_date"])
    known = {"available", "on_loan", "reference", "lost", "missing", "withdrawn"}
    assert set(statuses) <= known
    assert statuses["on_loan"] > 0.1 * sum(statuses.values())
