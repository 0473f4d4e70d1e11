"""Every results page says exactly what was searched, and a page that found nothing says what
may help (issue 17, item 4), in the page and in the search API, on a generated consortium."""

from __future__ import annotations

from urllib.parse import urlencode

from lxml import html as lxml_html

from opac.api.openapi import SCHEMAS


def api(client, **args):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return lxml_html.fromstring(response.data)


def text(tree, xpath):
    return " ".join(tree.xpath(f"string({xpath})").split())


def ids(body):
    return {r["id"] for r in body["results"]}


def test_a_page_that_found_nothing_never_says_it_shows_close_matches(demo):
    for q in ("zzqqxxyy", "zzqqxxyy wwvvkkjj"):  # tried with typos, then with any word
        body = api(demo, q=q)
        assert body["total"] == 0 and not body["fuzzy"] and not body["relaxed"]
        summary = text(page(demo, f"/search?q={q}"), '//div[@class="search-summary"]')
        assert summary == "No records match your search."


def test_did_you_mean_offers_a_subject_word_when_close_matches_were_found(demo):
    body = api(demo, q="astma")  # "asthma" is only in subject headings
    assert body["total"] > 0 and body["fuzzy"] and body["suggestion"] == "asthma"
    tree = page(demo, "/search?q=astma")
    assert text(tree, '//p[@class="did-you-mean"]') == "Did you mean asthma?"
    assert tree.xpath('//p[@class="did-you-mean"]/a/@href') == ["/search?q=asthma&from=suggestion"]


def test_did_you_mean_is_offered_when_nothing_was_found(demo):
    url = "/search?q=astma&year_from=1900&year_to=1901"
    assert api(demo, q="astma", year_from=1900, year_to=1901)["suggestion"] == "asthma"
    tree = page(demo, url)
    offered = tree.xpath('//div[@class="no-results"]//li[@class="did-you-mean"]')
    assert offered and " ".join(offered[0].text_content().split()) == "Did you mean asthma?"


def test_a_field_name_put_right_is_offered_only_when_it_finds_something(demo):
    assert api(demo, q="titel:nursing")["suggestion"] == "title:nursing"
    assert api(demo, q="titel:asthma")["suggestion"] is None  # asthma is in no title
    assert api(demo, q="asthma")["suggestion"] is None  # found as typed


def test_syntax_that_was_ignored_is_said_and_the_rest_searched(demo):
    everything = api(demo, q="", size=1)["total"]
    for q, said in [
        ("title:", "There was nothing after “title:”, so it was ignored."),
        ('"', 'The unmatched quote mark (“"”) was ignored.'),
        ("-", "A “-” leaves out the word straight after it (-word); on its own it was ignored."),
        ("OR", "“OR” needs a word on each side, so it was ignored."),
    ]:
        body = api(demo, q=q, size=1)
        assert body["total"] == everything, q
        assert body["ignored"] == [
            said,
            "Nothing was left to search for, so every record is shown.",
        ]
        shown = page(demo, "/search?" + urlencode({"q": q}))
        assert shown.xpath('//div[@class="notice ignored-syntax"]/p/text()')[0] == said
    asthma = api(demo, q="asthma", size=1)["total"]
    for q in ("(asthma", "asthma title:", "asthma OR"):
        body = api(demo, q=q, size=1)
        assert body["total"] == asthma and len(body["ignored"]) == 1, q


def test_an_unknown_field_name_is_searched_as_a_word_and_said(demo):
    body = api(demo, q="titel:asthma")
    assert body["total"] == api(demo, q="asthma")["total"]  # any word: asthma
    assert body["ignored"] == [
        "“titel:” is not a field we know, so it was searched as a word. "
        "To search one field, use “title:”."
    ]


def test_synonyms_that_widened_the_search_are_listed_and_can_be_left_out(demo):
    on = api(demo, q="heart attack", size=100)
    assert on["expanded"] == [{"words": "heart attack", "also": ["myocardial infarction"]}]
    assert on["synonyms"] is True
    only_synonym = ids(api(demo, q='"myocardial infarction" -heart -attack', size=100))
    assert only_synonym and only_synonym <= ids(on)
    off = api(demo, q="heart attack", synonyms="off", size=100)
    assert off["expanded"] == [] and off["synonyms"] is False
    assert not only_synonym & ids(off)
    tree = page(demo, "/search?q=heart+attack")
    said = text(tree, '//p[@class="also-searched"]')
    assert said.startswith("Also searched for: myocardial infarction (for “heart attack”).")
    assert tree.xpath('//p[@class="also-searched"]/a/@href') == [
        "/search?q=heart+attack&synonyms=off"
    ]
    tree = page(demo, "/search?q=heart+attack&synonyms=off")
    assert text(tree, '//p[@class="also-searched"]').startswith("Searched for your own words only")


def test_a_page_with_two_filters_that_found_nothing_offers_each_filter_removed(demo):
    filters = ["format:E-book", "availability:on_loan"]
    assert api(demo, q="asthma", filter=filters)["total"] == 0
    tree = page(demo, "/search?q=asthma&filter=format:E-book&filter=availability:on_loan")
    offered = {
        " ".join(a.text_content().split()): (a.get("href"), a.tail)
        for a in tree.xpath('//ul[@class="ways-out"]/li/a')
    }
    for removed, kept, label in [
        (filters[0], filters[1], "Remove the filter Format: E-book"),
        (filters[1], filters[0], "Remove the filter Availability: On loan"),
    ]:
        count = api(demo, q="asthma", filter=kept)["total"]
        href, tail = offered[label]
        assert count > 0 and tail.strip() == f"({count} result{'' if count == 1 else 's'})"
        assert removed.replace(":", "%3A") not in href and kept.replace(":", "%3A") in href
    assert "Find your library" in offered


def test_a_library_page_that_found_nothing_offers_every_library_and_its_librarian(demo_app, demo):
    q = '"pocket guide to public health"'
    everywhere = api(demo, q=q)["total"]
    assert everywhere > 0 and api(demo, q=q, filter="library:RDE")["total"] == 0
    tree = page(demo, "/library/RDE/?q=%22pocket+guide+to+public+health%22")
    links = {
        " ".join(a.text_content().split()): a for a in tree.xpath('//ul[@class="ways-out"]//a')
    }
    every = links["Search every member library"]
    assert every.get("href").endswith("within=all")
    assert every.tail.strip() == f"({everywhere} result{'' if everywhere == 1 else 's'})"
    assert not any(label.startswith("Search every library in region") for label in links)  # 0
    ask = next(a for label, a in links.items() if label.startswith("How to reach"))
    assert ask.get("href") == "/library/RDE/"
    region = demo_app.extensions["lantern"].consortium.libraries["RDE"].region
    tree = page(demo, f"/region/{region}/?q=%22pocket+guide+to+public+health%22")
    every = tree.xpath('//ul[@class="ways-out"]//a[.="Search every member library"]')[0]
    assert every.get("href") == "/search?q=%22pocket+guide+to+public+health%22"


def test_the_search_response_is_exactly_what_openapi_describes(demo):
    described = set(SCHEMAS["SearchResponse"]["properties"])
    for q in ("heart attack", "title:", "zzqqxxyy"):
        assert set(api(demo, q=q, size=1)) == described, q
