"""Library, site, region and home pages on the generated demo consortium: what the libraries file
says, what each place holds (from the index), searches scoped to a site, widening only when it
finds more, and facet counts that never exceed the results they filter."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from opac.search.service import SearchParams
from tests.opac.test_search_ux import api


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.data[:300])
    return lxml_html.fromstring(response.data)


def links(tree, xpath="//main//a"):
    return {a.text_content().strip(): a.get("href") for a in tree.xpath(xpath)}


def counted(tree, heading):
    """{label: count} of a page's "Browse by format" / "Popular subjects" links."""
    section = tree.xpath(f'//section[h2[normalize-space()="{heading}"]]')[0]
    out = {}
    for a in section.xpath(".//a"):
        label, count = re.fullmatch(r"(.+?) ([\d,]+) titles", a.text_content().strip()).groups()
        out[label] = (int(count.replace(",", "")), a.get("href"))
    return out


def test_a_library_page_says_where_it_is_and_what_it_holds(demo_app, demo):
    rde = demo_app.extensions["lantern"].consortium.libraries["RDE"]
    tree = page(demo, "/library/RDE/")
    text = tree.xpath("//main")[0].text_content()
    assert rde.name in tree.xpath("//h1")[0].text_content()
    assert "Exeter EX2 5DW" in text and "Staffed Monday to Friday, 8:30 to 17:00" in text
    found = links(tree)
    assert found["01632 960100"] == "tel:01632960100"
    assert found["Request an item"] == rde.details.request_url
    assert found["Ask a librarian"] == rde.details.ask_url
    assert found[f"{rde.name}'s own catalogue"] == "https://opac.example.nhs.uk/"
    assert found["Wonford Library"] == "/site/RDEWON/"
    assert found["North Devon District Hospital Library"] == "/site/RDENDD/"
    # What it holds, counted by the index within the library: each count is its link's total.
    formats = counted(tree, "Browse by format")
    held = api(demo, q="", filter="library:RDE", size=1)["total"]
    assert sum(n for n, _ in formats.values()) == held
    book, href = formats["Book"]
    assert href == "/library/RDE/?filter=format%3ABook"
    assert api(demo, q="", filter=["library:RDE", "format:Book"], size=1)["total"] == book
    assert counted(tree, "Popular subjects")
    # Newest titles: the library's, newest first.
    newest = tree.xpath('//section[h2="Newest titles"]//li/a/@href')
    docs = [demo_app.extensions["lantern"].record(h.rsplit("/", 1)[1]) for h in newest]
    assert len(docs) == 6 and all("RDE" in {h["library"] for h in d["holdings"]} for d in docs)
    years = [d["year"] for d in docs]
    assert years == sorted(years, reverse=True)
    scoped = tree.xpath('//main//form[@role="search"]')[0]
    assert scoped.get("action") == "/library/RDE/"


def test_a_site_has_its_own_page_search_and_details(demo_app, demo):
    tree = page(demo, "/site/RDENDD/")
    text = tree.xpath("//main")[0].text_content()
    assert "North Devon District Hospital Library" in tree.xpath("//h1")[0].text_content()
    assert "Barnstaple EX31 4JB" in text and "Exeter EX2 5DW" not in text  # its own address
    hours = [(r.xpath("th")[0].text, r.xpath("td")[0].text) for r in tree.xpath("//tr")]
    assert hours == [("Monday to Thursday", "9:00 to 17:00"), ("Friday", "9:00 to 16:30")]
    shelved = api(demo, q="", filter="site:RDE/RDENDD", size=1)["total"]
    assert f"{shelved:,} titles shelved here" in text
    assert links(tree)["Royal Devon and Exeter Healthcare Library"] == "/library/RDE/"
    # A site without details of its own shows its library's; the long URL works for any site.
    wonford = page(demo, "/library/RDE/site/RDEWON/")
    assert "Exeter EX2 5DW" in wonford.xpath("//main")[0].text_content()
    assert demo.get("/site/NOPE/").status_code == 404
    assert demo.get("/library/NMH/site/RDEWON/").status_code == 404


def test_site_results_are_scoped_to_the_site_and_widen_to_library_and_region(demo):
    tree = page(demo, "/site/RDENDD/?q=nursing")
    total = api(demo, q="nursing", filter="site:RDE/RDENDD", size=1)["total"]
    assert re.search(rf"\b{total:,} results?\b", tree.xpath("//main")[0].text_content())
    assert tree.xpath('//form[@role="search"]')[0].get("action") == "/site/RDENDD/"
    widen = tree.xpath('//p[@class="scope-note"]//a')
    library = api(demo, q="nursing", filter="library:RDE", size=1)["total"]
    region = api(demo, q="nursing", filter="region:SW", size=1)["total"]
    assert total < library < region  # the demo's SW region has RDE and KVH
    assert [a.text_content() for a in widen] == [
        f"Widen to the whole of Royal Devon and Exeter Healthcare Library ({library:,} results)",
        f"Widen to every library in region SW ({region:,} results)",
    ]
    widened = page(demo, widen[0].get("href"))
    assert re.search(rf"\b{library:,} results\b", widened.xpath("//main")[0].text_content())
    assert "Back to North Devon District Hospital Library only" in links(widened)
    # Searching again or ticking a filter keeps the widened view.
    kept = widened.xpath('//form[.//input[@name="within"]]')
    assert len(kept) >= 2 and all(
        f.xpath('.//input[@name="within"]/@value') == ["library"] for f in kept
    )


def test_widen_to_the_region_only_when_the_region_finds_more(demo_app, demo):
    consortium = demo_app.extensions["lantern"].consortium
    alone = next(
        c
        for c, lib in consortium.libraries.items()
        if lib.region and demo_app.extensions["lantern"].region_libraries(lib.region) == [c]
    )
    tree = page(demo, f"/library/{alone}/?q=nursing")
    assert "Widen" not in tree.xpath('//p[@class="scope-note"]')[0].text_content()
    shared = page(demo, "/library/RDE/?q=nursing")
    widen = links(shared, '//p[@class="scope-note"]//a')
    assert [t.split(" (")[0] for t in widen] == ["Widen to every library in region SW"]


def test_facet_counts_never_exceed_the_results_of_a_scoped_view(demo_app, demo):
    service = demo_app.extensions["lantern"]
    for within in (("library", "RDE"), ("site", "RDE/RDENDD"), ("region", "SW")):
        found = service.search(SearchParams(q="nursing", within=(within,)))
        for facet, values in found["facets"].items():
            assert all(v["count"] <= found["total"] for v in values), (within, facet)
    # The region filter bounds the library facet too, and a library chosen narrows the region.
    region = api(demo, q="", filter="region:SW", size=1)
    assert all(v["count"] <= region["total"] for v in region["facets"]["library"])
    nmh = next(v for v in region["facets"]["library"] if v["value"] == "NMH")
    both = api(demo, q="", filter=["region:SW", "library:NMH"], size=1)
    assert both["total"] == nmh["count"] < region["total"]


def test_home_page_starts_from_the_consortium_and_its_index(demo_app, demo):
    consortium = demo_app.extensions["lantern"].consortium
    tree = page(demo, "/")
    assert tree.xpath("//h1")[0].text_content() == consortium.name
    assert consortium.name in tree.xpath('//header//a[@class="brand"]')[0].text_content()
    everything = api(demo, q="", size=1)
    formats = counted(tree, "Browse by format")
    expected = {v["label"]: v["count"] for v in everything["facets"]["format"]}
    assert {label: n for label, (n, _) in formats.items()} == expected
    subjects = counted(tree, "Popular subjects")
    label, (count, href) = next(iter(subjects.items()))
    assert demo.get(href).status_code == 200 and href.startswith("/search?filter=")
    assert count == max(n for n, _ in subjects.values())
    found = links(tree)
    for code, lib in consortium.libraries.items():
        assert found[lib.name] == f"/library/{code}/"
    assert found["Wonford Library"] == "/site/RDEWON/"
    assert len(tree.xpath('//section[h2="Newest titles"]//li')) == 6
    brand = page(demo, "/accessibility").xpath('//header//a[@class="brand"]')[0]
    assert brand.text_content().startswith(consortium.name)
