"""What a reader notices on the results page and in the search API, on a generated consortium."""

from __future__ import annotations

import re

from lxml import html as lxml_html


def api(client, **args):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def test_values_of_one_facet_are_ored_and_facets_are_anded(demo):
    everything = api(demo, q="", size=1)
    formats = {v["value"]: v["count"] for v in everything["facets"]["format"]}
    assert {"Book", "E-book"} <= set(formats)
    both = api(demo, q="", filter=["format:Book", "format:E-book"], size=1)
    assert both["total"] == formats["Book"] + formats["E-book"]
    books = api(demo, q="", filter="format:Book", size=1)
    on_loan = next(v["count"] for v in books["facets"]["availability"] if v["value"] == "on_loan")
    anded = api(demo, q="", filter=["format:Book", "availability:on_loan"], size=1)
    assert 0 < anded["total"] == on_loan < formats["Book"]
    # Multi-select: the format facet still offers E-book while Book is selected.
    assert {v["value"] for v in books["facets"]["format"]} >= {"Book", "E-book"}


def test_every_facet_count_is_the_count_of_the_list_it_leads_to(demo):
    body = api(demo, q="nursing", size=1)
    for facet in ("library", "format", "availability", "year", "language", "mesh"):
        for value in body["facets"][facet][:2]:
            narrowed = api(demo, q="nursing", filter=f"{facet}:{value['value']}", size=1)
            assert narrowed["total"] == value["count"], (facet, value)


def test_an_excluded_value_leaves_exactly_its_records_out(demo):
    body = api(demo, q="", size=1)
    ebooks = next(v["count"] for v in body["facets"]["format"] if v["value"] == "E-book")
    without = api(demo, q="", exclude="format:E-book", size=1)
    assert without["total"] == body["total"] - ebooks
    assert all(v["value"] != "E-book" for v in without["facets"]["format"])


def test_year_ranges_are_a_facet_and_a_from_to_filter(demo):
    body = api(demo, q="", size=1)
    ranges = body["facets"]["year"]
    assert ranges and all(re.fullmatch(r"\d{4}-\d{0,4}|-\d{4}", v["value"]) for v in ranges)
    decade = next(v for v in ranges if v["value"] == "2010-2019")
    assert decade["label"] == "2010 to 2019"
    page = api(demo, q="", filter="year:2010-2019", size=100)
    assert page["total"] == decade["count"]
    assert all(2010 <= r["year"] <= 2019 for r in page["results"])
    same = api(demo, q="", year_from=2010, year_to=2019, size=1)
    assert same["total"] == decade["count"]


def test_region_filter_is_the_union_of_its_libraries(demo_app, demo):
    service = demo_app.extensions["lantern"]
    region = next(lib.region for lib in service.consortium.libraries.values() if lib.region)
    members = service.region_libraries(region)
    union = api(demo, q="", filter=[f"library:{code}" for code in members], size=1)
    assert api(demo, q="", filter=f"region:{region}", size=1)["total"] == union["total"]


def test_sorts_order_the_results(demo):
    newest = [r["year"] for r in api(demo, q="nursing", sort="year_desc", size=30)["results"]]
    assert newest == sorted(newest, reverse=True)
    titles = [r["title"].lower() for r in api(demo, q="nursing", sort="title", size=30)["results"]]
    assert titles[0] <= titles[-1]


def test_paging_stops_at_the_stated_depth_and_size_is_capped(demo):
    deep = api(demo, q="", page=99_999, size=20)
    assert deep["page"] == deep["max_page"] <= deep["max_depth"] // 20
    assert demo.get("/api/v1/search?q=&size=5000").status_code == 400
    page = demo.get("/search?q=&page=2").data.decode()
    assert "Page 2 of" in page and 'rel="prev"' in page


def test_a_misspelt_query_finds_close_matches_and_offers_the_right_word(demo):
    body = api(demo, q="cardiolgy")
    assert body["total"] > 0 and body["fuzzy"] and body["suggestion"] == "cardiology"
    assert any("ardiolog" in r["title"].lower() for r in body["results"][:5])
    page = demo.get("/search?q=cardiolgy").data.decode()
    assert "Did you mean" in page and "q=cardiology" in page


def test_words_matching_nothing_give_a_clear_no_results_page(demo):
    body = api(demo, q="zzqqxxy")
    assert body["total"] == 0 and body["suggestion"] is None
    page = demo.get("/search?q=zzqqxxy").data.decode()
    assert "No records match your search" in page


def test_matches_are_highlighted_only_with_engine_marks(demo):
    body = api(demo, q="nursing", size=5)
    assert any("<mark>" in "".join(r["highlight"].values()) for r in body["results"])
    page = demo.get("/search?q=nursing").data.decode()
    assert "<mark>" in page
    # No other markup than <mark> comes from record text.
    tags = set(
        re.findall(
            r"<(/?\w+)", "".join(v for r in body["results"] for v in r["highlight"].values())
        )
    )
    assert tags <= {"mark", "/mark"}


def test_selected_filters_are_chips_that_remove_themselves(demo):
    page = demo.get("/search?q=nursing&filter=format:Book&filter=availability:available")
    tree = lxml_html.fromstring(page.data)
    chips = tree.xpath('//div[@class="chips"]//a[@class="chip"]')
    assert len(chips) == 2
    href = next(c.get("href") for c in chips if "Format" in c.text_content())
    assert "format%3ABook" not in href and "availability%3Aavailable" in href
    checked = tree.xpath('//input[@name="filter"][@checked]')
    assert {c.get("value") for c in checked} == {"format:Book", "availability:available"}


def test_long_facets_have_more_without_javascript_and_a_skip_link(demo):
    tree = lxml_html.fromstring(demo.get("/search?q=").data)
    assert tree.xpath('//aside//a[@class="skip-inline"][@href="#results"]')
    assert tree.xpath('//fieldset[@id="facet-author"]//details//input[@type="checkbox"]')
    assert tree.xpath('//fieldset[@id="facet-author"]//div[@class="facet-filter"][@hidden]//input')


def test_ebooks_show_a_format_badge_and_a_proxied_online_link(demo):
    body = api(demo, q="", filter="format:E-book", size=5)
    link = body["results"][0]["links"][0]
    assert link["url"].startswith("https://go.openathens.net/")
    page = demo.get("/search?q=&filter=format:E-book").data.decode()
    assert "format-e-book" in page and link["url"].replace("&", "&amp;") in page


def test_library_view_shows_that_library_first_and_widens_to_its_region(demo_app, demo):
    service = demo_app.extensions["lantern"]
    code, lib = next((c, lib) for c, lib in service.consortium.libraries.items() if lib.region)
    tree = lxml_html.fromstring(demo.get(f"/library/{code}/?q=nursing").data)
    assert lib.name in tree.xpath("//h1")[0].text_content()
    assert tree.xpath('//form[@role="search"]')[0].get("action") == f"/library/{code}/"
    scope_links = tree.xpath('//p[@class="scope-note"]//a')
    widen = next(a for a in scope_links if "Widen" in a.text_content())
    wider_count = int(
        re.search(r"\(([\d,]+) result", widen.text_content()).group(1).replace(",", "")
    )
    own = api(demo, q="nursing", filter=f"library:{code}", size=1)["total"]
    region = api(demo, q="nursing", filter=f"region:{lib.region}", size=1)["total"]
    assert wider_count == region >= own
    ranked = api(demo, q="nursing", scope=code, filter=f"region:{lib.region}", size=own or 1)
    assert all(code in {h["library"] for h in r["holdings"]} for r in ranked["results"])
    assert demo.get("/library/NOPE/").status_code == 404
    assert demo.get(f"/region/{lib.region}/?q=nursing").status_code == 200


def test_autocomplete_offers_titles_authors_and_subjects(demo):
    body = demo.get("/api/v1/suggest?q=nurs").get_json()
    kinds = {s["kind"] for s in body["suggestions"]}
    assert body["query"] == "nurs" and "title" in kinds
    assert all("nurs" in s["text"].lower() for s in body["suggestions"])
    short = demo.get("/api/v1/suggest?q=n").get_json()
    assert short["suggestions"] == []
    opensearch = demo.get("/api/v1/suggest?q=nurs&format=opensearch").get_json()
    assert opensearch[0] == "nurs" and opensearch[1]


def test_pages_have_no_inline_script_or_style(demo):
    for path in ("/", "/search?q=nursing", "/accessibility", "/library/RDE/"):
        text = demo.get(path).data.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert " style=" not in text and "<style" not in text, path
        assert len(re.findall(r"<h1\b", text)) == 1, path


def test_the_reader_is_told_when_the_query_was_not_read_as_typed(demo):
    """A * after one letter is searched as a plain word, and a search past the length limit is
    cut: both say so, in the API and on the page; an ordinary search says nothing."""
    assert api(demo, q="nursing care")["notices"] == []
    early = api(demo, q="e* nursing")["notices"]
    assert early == [
        "A * needs at least 2 letters or digits before it: “e*” was searched as a whole word."
    ]
    assert "“x*”, “y*” were" in api(demo, q="title:x* OR y*")["notices"][0]
    long = api(demo, q="nursing " * 200)["notices"]
    assert long == [
        "Only the first 1,000 characters of your search were used.",
        "Only the first 32 words of your search were used.",
    ]
    page = lxml_html.fromstring(demo.get("/search", query_string={"q": "e*"}).data)
    assert "“e*” was searched as a whole word" in page.xpath("string(//p[@class='notice'])")
