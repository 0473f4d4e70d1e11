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
    tree = lxml_html.fromstring(demo.get("/search?q=&page=2").data)
    pager = tree.xpath('//nav[@class="pager"][@aria-label="Result pages"]')[0]
    words = [a.text_content() for a in pager.xpath(".//a")]
    assert words[:2] == ["First page", "Previous page"] and words[-2:][0] == "Next page"
    assert words[-1].startswith("Last page") and "Page 3" in words
    assert pager.xpath('string(.//*[@aria-current="page"])') == "Page 2"
    first = tree.xpath('//nav[@class="pager"]//a')[0].get("href")
    assert "page=" not in first and "q=" in first


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
    assert tree.xpath('//aside//a[@class="skip-inline"][@href="#result-list"]')
    assert tree.xpath('//ol[@id="result-list"]')
    authors = tree.xpath('//fieldset[@id="facet-author"]//input[@type="checkbox"]')
    assert len(authors) == 5
    more = tree.xpath('//fieldset[@id="facet-author"]//a[@class="more"]')[0].get("href")
    # "More" is a plain link: the same page with every author value, and a box to find one
    full = lxml_html.fromstring(demo.get(more.split("#")[0]).data)
    every = api(demo, q="")["facets"]["author"]
    boxes = full.xpath('//fieldset[@id="facet-author"]//input[@type="checkbox"]')
    assert [b.get("value") for b in boxes] == [f"author:{v['value']}" for v in every]
    assert len(every) > 5
    assert full.xpath('//fieldset[@id="facet-author"]//div[@class="facet-filter"][@hidden]//input')


def test_a_chosen_value_past_the_first_few_stays_ticked(demo):
    eighth = api(demo, q="")["facets"]["author"][7]["value"]
    tree = lxml_html.fromstring(
        demo.get("/search", query_string={"filter": f"author:{eighth}"}).data
    )
    ticked = tree.xpath('//fieldset[@id="facet-author"]//input[@checked]')
    assert [b.get("value") for b in ticked] == [f"author:{eighth}"]


def test_exclude_is_a_labelled_button_of_the_filter_form(demo):
    tree = lxml_html.fromstring(demo.get("/search?q=nursing").data)
    form = tree.xpath('//form[@id="filter-form"]')[0]
    button = form.xpath('.//fieldset[@id="facet-format"]//button[@class="exclude"]')[1]
    assert button.text_content() == "Exclude E-book"
    assert (button.get("name"), button.get("value")) == ("exclude", "format:E-book")
    # the sort menu is the same form's, so no search is written out twice as hidden fields
    assert tree.xpath('//select[@id="sort"]')[0].get("form") == "filter-form"
    assert len(tree.xpath('//input[@type="hidden"][@name="q"]')) == 1
    summary = tree.xpath("string(//details[@id='filters']/summary)")
    assert summary == "Filters (0 selected)"
    chosen = demo.get("/search?q=nursing&filter=format:Book&exclude=library:RDE&year_from=2000")
    summary = lxml_html.fromstring(chosen.data).xpath("string(//details[@id='filters']/summary)")
    assert summary == "Filters (3 selected)"


def test_empty_parameters_are_redirected_away(demo):
    sent = demo.get("/search?q=nursing&year_from=&year_to=&filter=format:Book&sort=")
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/search?q=nursing&filter=format%3ABook"
    assert demo.get("/library/RDE/?q=&year_from=").headers["Location"] == "/library/RDE/?q="
    assert demo.get("/search?q=").status_code == 200


def test_the_results_page_stays_light(demo):
    page = demo.get("/search?q=")
    body = api(demo, q="")
    assert len(body["results"]) == 20 and len([f for f in body["facets"].values() if f]) >= 7
    assert len(page.data) < 60_000, len(page.data)


def test_a_result_line_says_where_the_nearest_copies_are(demo_app, demo):
    service = demo_app.extensions["lantern"]
    code = next(iter(service.consortium.libraries))
    tree = lxml_html.fromstring(demo.get(f"/library/{code}/?q=nursing&within=all").data)
    body = api(demo, q="nursing", scope=code)
    for result, line in zip(body["results"], tree.xpath('//li[@class="result"]'), strict=False):
        sites = line.xpath('.//ul[@class="copies"]/li')
        own = [h for h in result["holdings"] if h["library"] == code and h["call_number"]]
        if own:  # this library's copies come first, with their place on the shelf
            assert own[0]["call_number"] in sites[0].text_content()
            assert (own[0]["site"] or own[0]["library_name"]) in sites[0].text_content()
    on_loan = tree.xpath('//ul[@class="copies"]/li[strong[@class="status-on_loan"]]')
    assert all("due" in li.text_content() for li in on_loan if "(due" in li.text_content())
    # subject headings are told apart, not run together
    snippets = [p.text_content() for p in tree.xpath('//p[contains(@class, "snippet-subject")]')]
    assert any(" · " in s for s in snippets)
    assert tree.xpath('//span[contains(@class, "format")]/svg/use')


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
