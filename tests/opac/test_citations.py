"""Vancouver, Harvard and APA references: a demo book through the API and the record page, a
real journal record from the shared MARC files, and hostile fields that must stay text."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from indexer.mapping import load_rules
from opac.records.citations import STYLES, UnknownStyleError, reference, references
from tests.conftest import SHARED_DATA

# A book of the generated demo consortium (its generator is seeded, so its record is fixed).
DEMO_BOOK = "BRT.a0000006"
BOOK_REFERENCES = {
    "vancouver": "Morgan H. Neonatal care: applying the evidence. 8th ed. New York: "
    "McGraw-Hill Education; 2025.",
    "harvard": "Morgan, H. (2025) Neonatal care: applying the evidence. 8th ed. New York: "
    "McGraw-Hill Education.",
    "apa": "Morgan, H. (2025). Neonatal care: applying the evidence (8th ed.). "
    "McGraw-Hill Education.",
}
# Evergreen's serials test set: the journal Circulation research (001 21061).
JOURNAL_FILE = "evergreen__serials_marc21.xml"
JOURNAL_REFERENCES = {
    "vancouver": "American Heart Association. Circulation research. Baltimore, Md.: "
    "Grune & Stratton; 1993.",
    "harvard": "American Heart Association (1993) Circulation research. Baltimore, Md.: "
    "Grune & Stratton.",
    "apa": "American Heart Association. (1993). Circulation research. Grune & Stratton.",
}
HOSTILE = {
    "id": "EVIL.1",
    "format": "Book",
    "title": "<script>alert(1)</script> & <i>friends</i>",
    "subtitle": "a </dd> guide",
    "authors": [{"name": "<b>Evil</b>, A. &amp;", "type": "personal", "role": ["author"]}],
    "publisher": '<img src=x onerror="alert(2)">',
    "place": "\ue001script\ue002",
    "year": 2020,
}


def text_of(markup: str) -> str:
    return lxml_html.fragment_fromstring(markup, create_parent="div").text_content()


@pytest.fixture(scope="module")
def journal() -> dict:
    from tests.mapping.conftest import read_marc

    if not (SHARED_DATA / "marc" / JOURNAL_FILE).exists():
        pytest.skip("shared data not available")
    rules = load_rules()
    record = next(r for r in read_marc(JOURNAL_FILE) if r.control_number == "21061")
    return {**rules.map(record), "id": "EVG.21061"}


@pytest.mark.parametrize("style", list(STYLES))
def test_the_api_gives_a_demo_book_its_reference_in_each_style(demo, style):
    answer = demo.get(f"/api/v1/records/{DEMO_BOOK}/citation", query_string={"style": style})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["style"] == style and body["name"] == STYLES[style][1]
    assert body["text"] == BOOK_REFERENCES[style]
    assert text_of(body["html"]) == body["text"]


def test_harvard_and_apa_italicise_the_title_and_vancouver_does_not(demo):
    def html(style):
        url = f"/api/v1/records/{DEMO_BOOK}/citation?style={style}"
        return demo.get(url).get_json()["html"]

    assert "<i>Neonatal care: applying the evidence</i>" in html("harvard")
    assert "<i>Neonatal care: applying the evidence</i>" in html("apa")
    assert "<i>" not in html("vancouver")


@pytest.mark.parametrize("style", list(STYLES))
def test_a_real_journal_record_is_cited_as_a_whole_journal(journal, style):
    assert journal["format"] == "Journal"
    cited = reference(journal, style)
    assert cited["text"] == JOURNAL_REFERENCES[style]
    assert "Grune &amp; Stratton" in cited["html"]
    assert text_of(cited["html"]) == cited["text"]


@pytest.mark.parametrize("style", list(STYLES))
def test_hostile_fields_stay_text_in_every_style(style):
    cited = reference(HOSTILE, style)
    tree = lxml_html.fragment_fromstring(cited["html"], create_parent="div")
    assert {e.tag for e in tree.iter()} <= {"div", "i", "b", "sup", "sub"}
    assert not tree.xpath("//*[@*]")  # no attribute came through (onerror, style, ...)
    assert "<script>alert(1)</script> & <i>friends</i>" in tree.text_content()
    assert '<img src=x onerror="alert(2)">' in tree.text_content()
    assert "<b>Evil</b>" in tree.text_content()
    assert tree.text_content() == cited["text"]  # the copyable text is the record's own
    # The place's private-use characters (our stand-ins) are dropped, not made into "<" ">".
    assert cited["html"].count("&lt;script&gt;") == 1


def test_an_unknown_style_is_a_400_in_the_api_error_shape(demo):
    answer = demo.get(f"/api/v1/records/{DEMO_BOOK}/citation?style=chicago")
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["ok"] is False and body["status"] == 400
    assert "vancouver, harvard, apa" in body["error"]
    with pytest.raises(UnknownStyleError):
        reference(HOSTILE, "<script>")


def test_an_unknown_record_is_a_404_in_the_api_error_shape(demo):
    answer = demo.get("/api/v1/records/NOPE.0/citation?style=apa")
    assert answer.status_code == 404 and answer.get_json()["ok"] is False


def test_the_record_page_shows_the_three_references_as_text(demo):
    tree = lxml_html.fromstring(demo.get(f"/record/{DEMO_BOOK}").data)
    heading = tree.xpath("//h2[@id='cite']")[0]
    assert heading.text_content() == "Cite"
    shown = {
        dd.get("data-style"): dd.text_content() for dd in tree.xpath("//dd[@class='reference']")
    }
    assert shown == BOOK_REFERENCES
    names = [dt.text_content() for dt in tree.xpath("//dl[@class='references']//dt")]
    assert names == [name for _, name in STYLES.values()]
    assert not tree.xpath("//dl[@class='references']//*[@tabindex or self::a or self::button]")


def _ebooks(demo, with_doi: bool) -> list[str]:
    found = demo.get("/api/v1/search?size=100&filter=format:E-book").get_json()["results"]
    records = [demo.get(f"/api/v1/records/{hit['id']}").get_json() for hit in found]
    return [r["id"] for r in records if bool(r.get("doi")) == with_doi]


def test_an_ebook_reference_names_its_address_and_the_day_it_was_seen(demo):
    doc_id = _ebooks(demo, with_doi=False)[0]
    cited = demo.get(f"/api/v1/records/{doc_id}/citation?style=harvard").get_json()
    assert "Available at: https://" in cited["text"] and "(Accessed:" in cited["text"]


def test_an_ebook_with_a_doi_is_cited_by_its_doi_with_no_day_seen(demo):
    # Cite Them Right: a DOI is a permanent address, so no "Accessed" date goes with it.
    doc_id = _ebooks(demo, with_doi=True)[0]
    cited = demo.get(f"/api/v1/records/{doc_id}/citation?style=harvard").get_json()
    assert "Available at: https://doi.org/10." in cited["text"]
    assert "(Accessed:" not in cited["text"]


def test_every_style_is_offered_on_a_record_without_authors_or_year():
    bare = {"id": "X.1", "title": "Untitled leaflet"}
    assert [r["style"] for r in references(bare)] == list(STYLES)
    assert all("Untitled leaflet" in r["text"] for r in references(bare))
