"""What the shipped rules (schemas/marc21.toml) make of real records, field by field."""

import pytest

NLNZ = "nlnz-pymarc_basics__NLNZ_1000_example_marc.marc"
ETEXTBOOKS = "evergreen__concerto-bibs_etextbooks.extracted.xml"


# --- titles ---------------------------------------------------------------------------------


def test_title_subtitle_and_responsibility_lose_isbd_punctuation(mapper, one_record):
    mapped = mapper.map(one_record("openlibrary__talis_856.mrc"))
    assert mapped["title"] == "Myths and facts"
    assert mapped["subtitle"] == "a guide to the Arab-Israeli conflict"
    assert mapped["responsibility"] == "edited by Mitchell G. Bard ; foreword by Eli E. Hertz"


def test_title_takes_part_number_and_name_and_lists_the_parts(mapper, find_record):
    mapped = mapper.map(find_record(NLNZ, "996277023502836"))
    assert mapped["title"] == "The story of wild Will Enderby. Book III, The prospectors"
    assert mapped["title_parts"] == ["Book III", "The prospectors"]


def test_title_sort_skips_non_filing_characters(mapper, find_record, one_record):
    # 245 second indicator 4: "The " is skipped.
    mapped = mapper.map(find_record(NLNZ, "996277023502836"))
    assert mapped["title_sort"] == "story of wild will enderby book iii the prospectors"
    # Indicator 2 on "A Statistical profile..." skips "A ".
    assert mapper.map(find_record(NLNZ, "99628093502836"))["title_sort"] == (
        "statistical profile of young women"
    )
    # Indicator 0 on "Myths and facts": nothing is skipped.
    assert mapper.map(one_record("openlibrary__talis_856.mrc"))["title_sort"] == (
        "myths and facts a guide to the arab israeli conflict"
    )


@pytest.mark.parametrize(
    "name",
    [
        "openlibrary__talis_empty_245.mrc",
        "openlibrary__talis_no_title.mrc",
        "openlibrary__talis_no_title2.mrc",
    ],
)
def test_records_without_a_title_map_to_none_not_an_error(mapper, one_record, name):
    mapped = mapper.map(one_record(name))
    assert mapped["title"] is None
    assert mapped["title_sort"] is None
    assert mapped["title_parts"] == []


def test_alternative_titles_from_730_and_740(mapper, find_record):
    mapped = mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "030213196"))
    assert mapped["title_alt"] == [
        "Corpus scriptorum Latinorum Paravianum",
        "Oratorum Romanorum fragmenta liberae rei publicae",
    ]


# --- names ----------------------------------------------------------------------------------


def test_relator_codes_become_terms(mapper, records):
    mapped = mapper.map(records("marc4j__field700_4_test.mrc")[0])
    authors = mapped["authors"]
    assert authors[0] == {
        "name": "Modisane, Bloke, d. 1986",
        "role": ["interviewee"],  # $4 "ive."
        "type": "personal",
        "main": False,
    }
    duerden = next(a for a in authors if a["name"] == "Duerden, Dennis")
    assert duerden["role"] == ["compiler"]  # $4 "com."
    assert authors[-1] == {
        "name": "Indiana University, Bloomington. Archives of Traditional Music",
        "role": [],
        "type": "corporate",
        "main": False,
    }


def test_relator_terms_from_e_and_main_entry_flag(mapper, find_record):
    authors = mapper.map(find_record(NLNZ, "9915951363502836"))["authors"]
    assert authors == [
        {
            "name": "Woodford, Darragh J. (Darragh James)",
            "role": ["author"],
            "type": "personal",
            "main": True,
        },
        {
            "name": "McIntosh, Angus R. (Angus Ronald), 1969-",
            "role": ["author"],
            "type": "personal",
            "main": False,
        },
        {
            "name": "New Zealand. Department of Conservation",
            "role": ["issuing body"],
            "type": "corporate",
            "main": False,
        },
    ]


def test_meeting_names(mapper, find_record):
    authors = mapper.map(find_record(NLNZ, "99628263502836"))["authors"]
    assert authors[0]["name"] == "Action for Child Safety Conference (1992 : Christchurch, N.Z.)"
    assert authors[0]["type"] == "meeting" and authors[0]["main"] is True


# --- subjects -------------------------------------------------------------------------------


def test_subjects_split_by_vocabulary(mapper, find_record):
    mapped = mapper.map(find_record(ETEXTBOOKS, "527338"))
    assert mapped["subject_mesh"] == [
        "Horse Diseases",
        "Horse Diseases -- therapy",
        "Communicable Diseases, Emerging -- veterinary",
    ]
    assert mapped["subject_lcsh"] == [
        "Horses -- Diseases",
        "Horses -- Infections",
        "Communicable diseases in animals",
    ]
    assert mapped["subject_local"] == [
        "Horses -- Diseases",
        "Horses -- Handbooks, manuals, etc.",
        "Horses -- Infections",
    ]
    assert mapped["subject_other"] == ["Library Online Textbooks"]  # 653
    assert mapped["genre"] == ["Electronic books"]


def test_mesh_subdivisions_joined_in_record_order(mapper, find_record):
    mapped = mapper.map(find_record("evergreen__concerto-bibs_graphic_880.extracted.xml", "892053"))
    assert mapped["subject_mesh"][:2] == [
        "Respiratory Mechanics -- physiology -- Congresses",
        "Respiratory Transport -- physiology -- Congresses",
    ]
    assert mapped["class_nlm"] == ["2006 G-560", "WF 102 I608b 2006"]
    assert mapped["class_lc"] == ["QP123 .B68 2006eb"]


def test_indicator_7_subjects_go_to_other_with_fast_source(mapper, find_record):
    mapped = mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "034647768"))
    assert mapped["subject_other"] == ["Literature"]  # 650 _7 $2 fast
    assert mapped["subject_lcsh"] == [] and mapped["subject_mesh"] == []


# --- publication ----------------------------------------------------------------------------


def test_264_publication_preferred_over_260_and_copyright(mapper, one_record):
    mapped = mapper.map(one_record("traject__date_resort_to_264.marc"))
    assert (mapped["place"], mapped["publisher"], mapped["date"]) == (
        "London",
        "Hurst & Company",
        "2015",
    )
    assert mapped["year"] == 2015  # 008 says 20uu, so the year comes from 264 $c


def test_year_9999_in_008_is_rejected(mapper, one_record):
    no_date = mapper.map(one_record("openlibrary__9999_sd_dates.mrc"))
    assert no_date["year"] is None and no_date["date"] == "[s.d.]"
    dated = mapper.map(one_record("openlibrary__9999_with_correct_date_in_260.mrc"))
    assert dated["year"] == 2003


def test_reprint_dates_in_the_wrong_order_give_the_reprint_year(mapper, one_record):
    # 008 "r18732010": the reprint (2010) cannot be older than the original (1873).
    assert mapper.map(one_record("openlibrary__reprint_date_wrong_order.mrc"))["year"] == 2010


def test_bad_and_short_008(mapper, one_record):
    bad = mapper.map(one_record("openlibrary__collingswood_bad_008.mrc"))
    assert bad["year"] == 1972 and bad["language_codes"] == ["eng"]
    short = mapper.map(one_record("openlibrary__upei_short_008.mrc"))
    assert short["year"] is None and short["language_codes"] == [] and short["languages"] == []


def test_bracketed_year_in_260(mapper, records):
    mapped = mapper.map(records("marc4j__field700_4_test.mrc")[0])
    assert mapped["date"] == "[2012]" and mapped["year"] == 2012


def test_description_fields(mapper, find_record):
    mapped = mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "026019070"))
    assert mapped["edition"] == "Large print ed."  # an abbreviation keeps its period
    assert mapped["physical"] == "xvi, 308 p. ; 29 cm."
    assert mapped["pages"] == 308
    assert mapped["series"] == [
        "Kessinger legacy reprints",
        "Kessinger Publishing's legacy reprints",
    ]


def test_notes_bibliography_summary(mapper, find_record):
    mapped = mapper.map(find_record(NLNZ, "99628093502836"))
    assert mapped["notes"] == ["Cover title."]
    assert mapped["bibliography"] == ["Includes bibliographical references (p. 65-71)."]
    assert mapped["pages"] == 71
    assert mapped["publisher"] == "The Association" and mapped["date"] == "[1992]"


# --- identifiers ----------------------------------------------------------------------------


def test_isbn_both_forms_and_invalid_ones_kept_apart(mapper, find_record):
    name = "evergreen__badisbns.xml"
    ok = mapper.map(find_record(name, "ocm25104511"))
    assert ok["isbn_display"] == ["9780553204308", "9780553268478"]  # "(pbk.) :" stripped
    assert ok["isbn"] == ["9780553204308", "0553204300", "9780553268478", "0553268473"]
    assert ok["isbn_invalid"] == ["0553101315175"]
    mixed = mapper.map(find_record(name, "ocm69733027"))
    assert mixed["isbn_display"] == ["9781845332136"]  # 10 and 13 forms of one ISBN
    assert mixed["isbn_invalid"] == ["978184533213X (hbk.)"]
    ean = mapper.map(find_record(name, "mrq01239723"))
    assert ean["isbn"] == [] and ean["isbn_invalid"] == ["8901452100503"]


def test_issn_oclc_lccn(mapper, find_record, records):
    assert mapper.map(find_record(NLNZ, "996277473502836"))["issn"] == ["1175-5253"]
    assert mapper.map(find_record(NLNZ, "99628093502836"))["oclc"] == ["39818086"]
    sample = "mrrc-testbed__bibliographic-sample.mrc"
    assert mapper.map(find_record(sample, "11325206"))["lccn"] == "sf87093179"  # "sf 87093179 "
    edge = mapper.map(find_record("mrrc-testbed__edge_cases-sample.mrc", "5thofjulyplay00wils"))
    assert edge["lccn"] == "78026477"  # "   78026477 //r87"


def test_serial_issns_validated(mapper, records):
    issns = [i for r in records("evergreen__serials_marc21.xml") for i in mapper.map(r)["issn"]]
    assert "0009-7330" in issns and "1524-4571" in issns and "1098-7126" in issns


# --- languages ------------------------------------------------------------------------------


def test_packed_041_codes_are_split_and_named(mapper, find_record):
    mapped = mapper.map(find_record(NLNZ, "996953703502836"))  # 041 $a "rareng"
    assert mapped["language_codes"] == ["rar", "eng"]
    assert mapped["languages"] == ["Rarotongan", "English"]


def test_language_from_008_named(mapper, find_record):
    mapped = mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "030213196"))
    assert mapped["language_codes"] == ["lat"] and mapped["languages"] == ["Latin"]


# --- leader ---------------------------------------------------------------------------------


def test_leader_status_and_type(mapper, find_record):
    mapped = mapper.map(find_record(NLNZ, "99628093502836"))
    assert (mapped["leader_status"], mapped["record_type"]) == ("c", "a")
    assert mapped["control_number"] == "99628093502836"


def test_a_miscoded_non_filing_count_does_not_cut_a_word(mapper, find_record):
    # 245 second indicator 4 on titles with no article: obeying it would sort on "ikener..."
    danish = mapper.map(find_record(NLNZ, "9911766143502836"))
    assert danish["title_sort"].startswith("prædikener paa alle")
    atlas = mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "036499310"))
    assert atlas["title_sort"].startswith("rand mcnally new library atlas")
