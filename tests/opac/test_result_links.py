"""A results page's links carry the search as it was applied, not every argument the URL
brought: 200 repeated or malformed filters are not copied into each of a page's links (a 3.5 KB
URL gave a 1.1 MB page)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from opac.search.params import MAX_FILTERS

HREF = re.compile(r'href="([^"]*)"')


def _links_to_searches(html: str) -> list[str]:
    return [h for h in HREF.findall(html) if h.startswith("/search?")]


def test_ignored_filter_arguments_are_not_copied_into_links(demo):
    plain = [("q", "medicine"), ("filter", "format:Book")]
    noisy = plain + [("filter", "format:Book")] * 150 + [("filter", "nocolon")] * 50
    noisy += [("q", "ignored second query")] * 20 + [("sort", "title")] * 20
    url = "/search?" + urlencode(noisy)
    assert len(url) > 3500
    quiet_page = demo.get("/search?" + urlencode(plain)).get_data(as_text=True)
    noisy_page = demo.get(url).get_data(as_text=True)
    links = _links_to_searches(noisy_page)
    assert links
    for link in links:
        assert link.count("filter=") <= 2, link  # the one filter, and one a link adds
        assert "nocolon" not in link and "ignored" not in link
    assert len(noisy_page) < 1.2 * len(quiet_page)


def test_filters_past_the_limit_are_not_carried_either(demo):
    filters = [("filter", f"subject:Topic {i}") for i in range(MAX_FILTERS + 30)]
    page = demo.get("/search?" + urlencode([("q", ""), *filters])).get_data(as_text=True)
    for link in _links_to_searches(page):
        assert f"Topic+{MAX_FILTERS}" not in link and link.count("filter=") <= MAX_FILTERS + 1
