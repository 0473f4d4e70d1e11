"""The format classifier on real records of each kind in the shared data."""

from collections import Counter

import pytest


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("evergreen__RDA-RDA_record_SERIAL_IEEE_International_conference.mrc", "Journal"),
        ("evergreen__RDA-RDA_record_DVD_Jorge_Mautner.mrc", "Video"),
        ("evergreen__RDA-RDA_record_DVD-BLUE-RAY-MOVIE_Pineapple_express.mrc", "Video"),
        ("evergreen__RDA-RDA_record_MAP_2012_Enchanted_Circle.mrc", "Map"),
        ("evergreen__RDA-RDA_record_CD_Claudia.mrc", "Audio"),
        ("evergreen__RDA-RDA_record_SCORE_Wiegenlied.mrc", "Music score"),
        ("trln__unc-thesis1.mrc", "Thesis"),  # 008/24-27 "bm": nature of contents m
        ("trln__unc-thesis2.mrc", "Thesis"),  # 502 dissertation note
        ("trln__unc-thesis3.mrc", "Thesis"),
        ("traject__manuscript_online_thesis.marc", "Thesis"),  # online, but a thesis first
        ("trln__ncsu-ejournal_with_856.xml", "E-journal"),
        ("openlibrary__talis_empty_245.mrc", "Music score"),
        ("openlibrary__ithaca_two_856u.mrc", "Journal"),  # 856 41 on a serial: not "online"
    ],
)
def test_single_record_formats(mapper, one_record, name, expected):
    assert mapper.map(one_record(name))["format"] == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("evergreen__concerto-bibs_etextbooks.extracted.xml", "E-book"),
        ("evergreen__concerto-bibs_ebook_api.extracted.xml", "E-book"),
        ("evergreen__serials_marc21.xml", "Journal"),
        ("evergreen__map_data.mrc", "Map"),
        ("evergreen__concerto-bibs_maps.extracted.xml", "Map"),
    ],
)
def test_every_record_of_a_file_has_one_format(mapper, records, name, expected):
    found = Counter(mapper.map(r)["format"] for r in records(name))
    assert found == Counter({expected: sum(found.values())})


def test_online_texts_in_the_marcedit_sample_are_e_books(mapper, find_record):
    # Aozora Bunko text: 007 cr, 338 online resource, 856 40.
    assert (
        mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "034647668"))["format"]
        == "E-book"
    )
    # Packard Humanities Institute text: 006/007 cr and 008/23 "o".
    assert (
        mapper.map(find_record("lc-marcedit__marc_sample_data.mrc", "030213196"))["format"]
        == "E-book"
    )


def test_marcedit_sample_print_and_online_split(mapper, records):
    found = Counter(mapper.map(r)["format"] for r in records("lc-marcedit__marc_sample_data.mrc"))
    # The file is mostly University of Florida print books, online texts and theses.
    assert found["Book"] > 200 and found["E-book"] > 140 and found["Thesis"] > 100
    assert sum(found.values()) == 536


def test_conference_proceedings_from_a_111_meeting_name(mapper, find_record):
    rec = find_record("nlnz-pymarc_basics__NLNZ_1000_example_marc.marc", "99628263502836")
    assert mapper.map(rec)["format"] == "Conference proceedings"


def test_print_book(mapper, find_record):
    rec = find_record("nlnz-pymarc_basics__NLNZ_1000_example_marc.marc", "99628093502836")
    assert mapper.map(rec)["format"] == "Book"


@pytest.mark.parametrize(
    ("control_number", "expected"),
    [
        ("034612531", "Website"),  # leader/07 i, 008/23 o
        ("036581424", "E-journal"),  # serial, 007 cr
        ("036667965", "E-journal"),  # serial, 008/23 o and no 007
    ],
)
def test_integrating_and_serial_online_resources(mapper, find_record, control_number, expected):
    rec = find_record("lc-marcedit__marc_sample_data.mrc", control_number)
    assert mapper.map(rec)["format"] == expected
