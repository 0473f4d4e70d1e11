"""Record pages, exports, the API's documentation and feeds, and synonyms a librarian edits."""

from __future__ import annotations

import io
import re
import time

import pymarc
from lxml import etree
from lxml import html as lxml_html

from opac.search.params import SearchArgs


def first(demo, **args):
    return demo.get("/api/v1/search", query_string={"size": 1, **args}).get_json()["results"][0]


def test_record_page_groups_copies_by_library_and_says_where_it_is_available(demo):
    hit = first(demo, q="", filter="availability:available")
    record = demo.get(f"/api/v1/records/{hit['id']}").get_json()
    assert record["available_at"] and record["holdings_by_library"]
    tree = lxml_html.fromstring(demo.get(f"/record/{hit['id']}").data)
    captions = [c.text_content() for c in tree.xpath("//table[@class='holdings']/caption")]
    for group in record["holdings_by_library"]:
        assert any(group["library_name"] in c for c in captions)
    text = tree.text_content()
    assert "Available now" in text and record["available_at"][0] in text
    assert f"Held by {len(record['holdings_by_library'])} librar" in text
    permalink = tree.xpath("//input[@id='permalink']")[0].get("value")
    assert permalink.endswith(f"/record/{hit['id']}")
    staff = tree.xpath("//details[@class='staff']")[0].text_content()
    assert record["members"][0]["reason"] in staff


def test_ebook_record_links_through_the_library_proxy(demo):
    hit = first(demo, q="", filter="format:E-book")
    tree = lxml_html.fromstring(demo.get(f"/record/{hit['id']}").data)
    links = [a.get("href") for a in tree.xpath("//a[@class='online-link']")]
    assert links and all(h.startswith("https://go.openathens.net/") for h in links)


def test_citations_and_marc_downloads_are_built_from_the_record(demo):
    hit = first(demo, q="", filter="availability:available")
    record = demo.get(f"/api/v1/records/{hit['id']}").get_json()
    ris = demo.get(f"/record/{hit['id']}/export/ris")
    assert ris.status_code == 200 and "attachment" in ris.headers["Content-Disposition"]
    lines = ris.data.decode().splitlines()
    assert lines[0].startswith("TY  - ") and lines[-1].startswith("ER  -")
    assert f"TI  - {record['title']}" in lines[1]
    bib = demo.get(f"/record/{hit['id']}/export/bib").data.decode()
    assert re.match(r"@\w+\{[\w.]+,\n", bib) and bib.count("{") == bib.count("}")
    xml = demo.get(f"/record/{hit['id']}/export/xml").data
    etree.fromstring(xml)  # well formed
    parsed = pymarc.parse_xml_to_array(io.BytesIO(xml))[0]
    binary = next(
        pymarc.MARCReader(demo.get(f"/record/{hit['id']}/export/mrc").data, to_unicode=True)
    )
    for rec in (parsed, binary):  # the OAI marc21 record: ISBD punctuation, 852 per copy
        assert rec.leader[9] == "a"
        assert rec["245"]["a"].removesuffix(" :").removesuffix(" /") == record["title"]
        assert len(rec.get_fields("852")) == len(record["holdings"])
    ebook = first(demo, q="", filter="format:E-book")
    marc = next(
        pymarc.MARCReader(demo.get(f"/record/{ebook['id']}/export/mrc").data, to_unicode=True)
    )
    assert len(marc.get_fields("856")) >= 1
    assert demo.get(f"/record/{hit['id']}/export/pdf").status_code == 404


def test_openapi_documents_every_endpoint_and_search_parameter(demo_app, demo):
    doc = demo.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("api", "feeds", "records"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            assert path in documented, f"{path} is not in openapi.json"
    names = {p["name"] for p in doc["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert set(SearchArgs().fields) | {"filter", "exclude"} <= names


def test_opensearch_description_and_atom_feed(demo):
    home = demo.get("/").data.decode()
    assert 'type="application/opensearchdescription+xml"' in home
    osd = etree.fromstring(demo.get("/opensearch.xml").data)
    templates = [u.get("template") for u in osd.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")]
    assert any("/search?q={searchTerms}" in t for t in templates)
    atom = demo.get("/search.atom?q=nursing")
    assert atom.mimetype == "application/atom+xml"
    feed = etree.fromstring(atom.data)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert (
        entries and "nursing" in entries[0].findtext("{http://www.w3.org/2005/Atom}title").lower()
    )


def test_errors_have_one_json_shape(demo):
    for path in ("/api/v1/records/NOPE", "/api/v1/search?sort=sideways", "/api/v1/nothing"):
        body = demo.get(path).get_json()
        assert set(body) == {"ok", "status", "error"} and body["ok"] is False


def test_an_unknown_facet_is_the_callers_mistake_not_an_outage(demo):
    """A filter or exclusion on a facet that does not exist is a 400 naming the facets, on the
    API and on the results page, never the 503 of an engine failure."""
    for query in ("filter=nosuchfacet:x", "q=heart&exclude=nosuchfacet:x"):
        answer = demo.get(f"/api/v1/search?{query}")
        body = answer.get_json()
        assert answer.status_code == 400 and body["ok"] is False and body["status"] == 400
        assert "nosuchfacet" in body["error"] and "format" in body["error"]
        page = demo.get(f"/search?{query}")
        assert page.status_code == 400 and b"nosuchfacet" in page.data
    assert demo.get("/api/v1/search?filter=format:Book").status_code == 200


def test_synonyms_expand_and_never_replace_and_a_file_edit_takes_effect(demo, synonyms_dir):
    uk = demo.get("/api/v1/search?q=anaemia&size=1").get_json()["total"]
    us = demo.get("/api/v1/search?q=anemia&size=1").get_json()["total"]
    assert uk == us > 0
    plain = demo.get("/api/v1/search?q=haematology&size=1").get_json()["total"]
    assert plain > 0
    assert demo.get("/api/v1/search?q=bloodwork&size=1").get_json()["total"] == 0
    rules = synonyms_dir / "local.txt"
    rules.write_text("bloodwork => haematology\n")
    time.sleep(0.01)
    try:
        assert demo.get("/api/v1/search?q=bloodwork&size=1").get_json()["total"] == plain
        # One-way: the right side does not gain the left.
        assert demo.get("/api/v1/search?q=haematology&size=1").get_json()["total"] == plain
    finally:
        rules.unlink()
    assert demo.get("/api/v1/search?q=bloodwork&size=1").get_json()["total"] == 0


def test_multi_word_synonyms_find_the_clinical_term(demo):
    lay = demo.get("/api/v1/search?q=heart+attack&size=50").get_json()
    clinical = demo.get('/api/v1/search?q="myocardial+infarction"&size=50').get_json()
    assert clinical["total"] > 0 and lay["total"] >= clinical["total"]
