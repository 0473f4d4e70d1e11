"""The record page keeps the search it was opened from (back, previous, next), shelving locations
by name, and subject headings as links: on the demo consortium."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html as lxml_html

QUERY = "nursing"


def page(demo, url: str):
    response = demo.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.data)


def ids(demo, **args) -> list[str]:
    found = demo.get("/api/v1/search", query_string={"q": QUERY, **args}).get_json()
    return [r["id"] for r in found["results"]]


def result_links(tree) -> list[str]:
    return tree.xpath("//li[@class='result']/h3/a/@href")


def nav(tree) -> dict:
    def href(cls):
        found = tree.xpath(f"//nav[@class='result-nav']//a[@class='{cls}']/@href")
        return found[0] if found else None

    return {k: href(k) for k in ("back-to-results", "previous-result", "next-result")}


def doc_of(href: str) -> str:
    return urlsplit(href).path.rsplit("/", 1)[1]


def test_result_links_carry_the_search_and_their_position(demo):
    # (an empty year_from= is redirected away first: see test_empty_parameters_are_redirected_away)
    tree = page(demo, f"/search?q={QUERY}&page=2&sort=relevance")
    links = result_links(tree)
    assert len(links) == 20
    query = parse_qs(urlsplit(links[0]).query)
    # the search's own arguments and the position; defaults and empty ones left out
    assert query == {"q": [QUERY], "n": ["21"]}
    assert parse_qs(urlsplit(links[-1]).query)["n"] == ["40"]
    assert tree.xpath("//li[@class='result']/@id")[:2] == ["r21", "r22"]
    assert [doc_of(h) for h in links] == ids(demo, page=2)


@pytest.mark.parametrize(
    ("position", "back_page"),
    [(1, None), (2, None), (20, None), (21, 2), (40, 2), (41, 3)],
)
def test_back_previous_and_next_across_page_boundaries(demo, position, back_page):
    in_order = ids(demo, size=60)
    doc = in_order[position - 1]
    tree = page(demo, f"/record/{doc}?q={QUERY}&n={position}")
    links = nav(tree)
    back = urlsplit(links["back-to-results"])
    assert back.path == "/search" and back.fragment == f"r{position}"
    assert parse_qs(back.query) == {
        "q": [QUERY],
        **({"page": [str(back_page)]} if back_page else {}),
    }
    if position == 1:
        assert links["previous-result"] is None
    else:
        assert doc_of(links["previous-result"]) == in_order[position - 2]
        assert parse_qs(urlsplit(links["previous-result"]).query)["n"] == [str(position - 1)]
    assert doc_of(links["next-result"]) == in_order[position]
    assert parse_qs(urlsplit(links["next-result"]).query)["n"] == [str(position + 1)]
    # the previous result's page links back here: the anchor on the results page exists
    results = page(demo, links["back-to-results"].split("#")[0])
    assert results.xpath(f"//li[@id='r{position}']/h3/a/@href")[0].startswith(f"/record/{doc}?")


def test_last_result_has_no_next(demo):
    args = {"filter": "library:WMC", "sort": "year_desc"}
    found = demo.get("/api/v1/search", query_string={"q": QUERY, "size": 100, **args}).get_json()
    total = found["total"]
    assert 1 < total <= 100
    last = found["results"][-1]["id"]
    tree = page(demo, f"/record/{last}?q={QUERY}&filter=library:WMC&sort=year_desc&n={total}")
    links = nav(tree)
    assert links["next-result"] is None
    assert doc_of(links["previous-result"]) == found["results"][-2]["id"]
    assert f"Result {total} of {total}" in tree.text_content()


def test_a_permalink_has_no_search_context_and_both_keep_the_canonical_link(demo):
    doc = ids(demo)[0]
    plain = page(demo, f"/record/{doc}")
    assert not plain.xpath("//nav[@class='result-nav']")
    assert not plain.xpath("//a[@class='back-to-results']")
    with_context = page(demo, f"/record/{doc}?q={QUERY}&n=1")
    for tree in (plain, with_context):
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0].endswith(f"/record/{doc}")


def test_library_results_keep_their_page(demo):
    tree = page(demo, f"/library/RDE/?q={QUERY}")
    first = result_links(tree)[0]
    assert parse_qs(urlsplit(first).query) == {"q": [QUERY], "n": ["1"], "in": ["library:RDE"]}
    record = page(demo, first)
    links = nav(record)
    assert links["back-to-results"] == f"/library/RDE/?q={QUERY}#r1"
    assert parse_qs(urlsplit(links["next-result"]).query)["in"] == ["library:RDE"]
    assert doc_of(links["next-result"]) == doc_of(result_links(tree)[1])


def test_site_results_keep_their_page(demo):
    tree = page(demo, f"/site/RDENDD/?q={QUERY}")
    links = result_links(tree)
    assert parse_qs(urlsplit(links[1]).query) == {"q": [QUERY], "n": ["2"], "in": ["site:RDENDD"]}
    record = page(demo, links[1])
    found = nav(record)
    assert found["back-to-results"] == f"/site/RDENDD/?q={QUERY}#r2"
    assert doc_of(found["previous-result"]) == doc_of(links[0])
    assert doc_of(found["next-result"]) == doc_of(links[2])


def test_the_header_search_keeps_the_search_and_page_the_record_came_from(demo):
    first = result_links(page(demo, f"/library/RDE/?q={QUERY}"))[0]
    record = page(demo, first)
    form = record.xpath("//form[@role='search']")[0]
    assert form.xpath(".//input[@id='q']/@value") == [QUERY]
    assert form.get("action") == "/library/RDE/"
    permalink = page(demo, urlsplit(first).path)
    form = permalink.xpath("//form[@role='search']")[0]
    assert form.xpath(".//input[@id='q']/@value") == [""] and form.get("action") == "/search"


def test_a_record_no_longer_at_its_position_keeps_only_the_way_back(demo):
    in_order = ids(demo)
    tree = page(demo, f"/record/{in_order[0]}?q={QUERY}&n=5")  # it is first, not fifth
    links = nav(tree)
    assert links["back-to-results"] == f"/search?q={QUERY}#r5"
    assert links["previous-result"] is None and links["next-result"] is None


@pytest.mark.parametrize(
    "context",
    [
        "n=0",
        "n=-1",
        "n=abc",
        "n=1e3",
        "n=1001",
        "n=99999999999999999999",
        "n=1&in=evil",
        "n=1&in=library:NOPE",
        "n=1&in=library:../../etc",
        "n=1&in=region:",
        "n=1&filter=nosuch:x",
        "n=1&size=0",
        "n=1&size=abc",
        "n=1&sort=evil",
        "n=1&year_from=abc",
        "n=1&filter=library:RDE&n=2",
    ],
)
def test_bad_or_hostile_context_is_ignored(demo, context):
    doc = ids(demo)[0]
    tree = page(demo, f"/record/{doc}?q={QUERY}&{context}")
    links = nav(tree)
    if context.endswith("&n=2"):  # a repeated n: the first one counts
        assert links["back-to-results"].endswith("#r1")
        return
    assert links == {"back-to-results": None, "previous-result": None, "next-result": None}


def test_context_values_are_escaped(demo):
    doc = ids(demo)[0]
    response = demo.get(f"/record/{doc}", query_string={"q": '"><script>alert(1)</script>', "n": 1})
    assert response.status_code == 200
    assert b"<script>alert" not in response.data
    back = nav(lxml_html.fromstring(response.data))["back-to-results"]
    assert parse_qs(urlsplit(back).query)["q"] == ['"><script>alert(1)</script>']


def test_shelving_locations_are_shown_by_name(demo):
    # The demo's Koha libraries export codes (952 $c) and name them in the libraries file.
    found = demo.get(
        "/api/v1/search", query_string={"q": "", "filter": "library:RDE", "size": 20}
    ).get_json()
    copies = [h for r in found["results"] for h in r["holdings"] if h["library"] == "RDE"]
    coded = [h for h in copies if h["location_code"]]
    assert coded
    names = {"GEN": "Main collection", "REF": "Reference", "SL": "Short loan"}
    for h in coded:
        assert h["location"] == names.get(h["location_code"], h["location"])
    assert any(h["location"] == "Main collection" and h["location_code"] == "GEN" for h in coded)
    doc = next(r["id"] for r in found["results"] if any(h["location"] for h in r["holdings"]))
    record = demo.get(f"/api/v1/records/{doc}").get_json()
    shown = page(demo, f"/record/{doc}").xpath("//article/table[@class='holdings']//td[2]")
    assert [td.text_content() for td in shown] == [h["location"] or "–" for h in record["holdings"]]
    assert "GEN" not in [td.text_content() for td in shown]


def test_subject_headings_are_links_to_a_subject_search(demo):
    found = demo.get("/api/v1/search", query_string={"q": QUERY, "size": 20}).get_json()
    for hit in found["results"]:
        record = demo.get(f"/api/v1/records/{hit['id']}").get_json()
        if record.get("subject_mesh"):
            break
    tree = page(demo, f"/record/{record['id']}")
    links = tree.xpath("//ul[@class='subjects']/li/a")
    assert [a.text_content() for a in links][: len(record["subject_mesh"])] == record[
        "subject_mesh"
    ]
    href = urlsplit(links[0].get("href"))
    assert href.path == "/search"
    assert parse_qs(href.query) == {"filter": [f"mesh:{record['subject_mesh'][0]}"]}
    args = {**parse_qs(href.query), "size": 100}
    subject = demo.get("/api/v1/search", query_string=args).get_json()
    assert record["id"] in [r["id"] for r in subject["results"]]
