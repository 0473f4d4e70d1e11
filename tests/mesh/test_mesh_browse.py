"""/browse/mesh/...: a heading's page, whose counts are those of the searches it links to,
in the whole catalogue and in one library's view; never a server error on any input."""

from __future__ import annotations

import random
import re
import string
from html import unescape
from urllib.parse import quote, unquote_plus, urlparse

import pytest

from tests.engine.test_hostile import HOSTILE
from tests.mesh.conftest import load_records

COUNT_LINK = re.compile(r'<a href="([^"]*\?[^"]*q=mesh[^"]*)">([\d,]+) title')


def counted_links(html: str) -> list[tuple[str, int]]:
    """(the search a count links to, the count shown) for every count on the page."""
    return [
        (unquote_plus(unescape(href)), int(n.replace(",", "")))
        for href, n in COUNT_LINK.findall(html)
    ]


def total_of(client, href: str) -> int:
    """What the search a page links to finds, asked of the JSON API with the same view."""
    url = urlparse(href)
    query = url.query.removeprefix("q=")
    library = re.fullmatch(r"/library/([^/]+)/", url.path)
    args = {"q": query, "size": 1}
    if library:
        args["filter"] = f"library:{library.group(1)}"
    return client.get("/api/v1/search", query_string=args).get_json()["total"]


def test_a_heading_page_shows_the_descriptor_and_its_neighbours(client):
    page = client.get("/browse/mesh/D006331")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Heart Diseases</h1>" in html
    assert "structural and functional abnormalities" in html  # the scope note
    assert "Cardiac Disorders" in html  # an entry term, as NLM writes it
    broader = html.split('id="broader"')[1].split("</section>")[0]
    narrower = html.split('id="narrower"')[1].split("</section>")[0]
    assert "Cardiovascular Diseases" in broader
    for name in ("Arrhythmias, Cardiac", "Myocardial Ischemia", "Heart Failure"):
        assert name in narrower
    assert "Myocardial Infarction" not in narrower  # two levels down: under Myocardial Ischemia
    assert 'href="/browse/mesh/D017202"' in narrower


def test_every_count_on_a_heading_page_is_what_its_search_finds(client):
    for ui in ("D006331", "D017202", "D002318", "D009203"):
        links = counted_links(client.get(f"/browse/mesh/{ui}").get_data(as_text=True))
        assert links, ui
        for href, shown in links:
            assert shown == total_of(client, href), (ui, href)
    heart = dict(counted_links(client.get("/browse/mesh/D006331").get_data(as_text=True)))
    assert heart['/search?q=mesh:"Heart Diseases"'] == 1
    assert heart['/search?q=mesh:"Heart Diseases"+'] == 6


def test_in_a_librarys_view_the_counts_are_that_librarys(client):
    html = client.get("/browse/mesh/D006331?library=uvb").get_data(as_text=True)
    assert "counted in Second test library" in html
    links = counted_links(html)
    assert links and all(href.startswith("/library/UVB/") for href, _ in links)
    for href, shown in links:
        assert shown == total_of(client, href), href
    assert dict(links)['/library/UVB/?q=mesh:"Heart Diseases"+'] == 3  # h8, h10, h11


def test_a_heading_or_entry_term_redirects_to_the_page_of_its_ui(client):
    for key in ("Heart Diseases", "heart  disorders", "d006331"):
        answer = client.get(f"/browse/mesh/{key}")
        assert answer.status_code == 301, key
        assert answer.headers["Location"].endswith("/browse/mesh/D006331")
    kept = client.get("/browse/mesh/Heart Diseases?library=UVA")
    assert kept.headers["Location"].endswith("/browse/mesh/D006331?library=UVA")


def test_the_record_page_links_its_mesh_headings_to_their_pages(client):
    html = client.get("/record/UVA.h1").get_data(as_text=True)
    assert 'href="/browse/mesh/D009203"' in html
    folk = client.get("/record/UVB.h9").get_data(as_text=True)
    assert "/browse/mesh/" not in folk  # Snakebite lore is no descriptor: no page to link


@pytest.mark.parametrize(
    "path, says",
    [
        ("/browse/mesh/D000000", "not a MeSH heading"),
        ("/browse/mesh/Snakebite lore", "not a MeSH heading"),
        ("/browse/mesh/D006331?library=NOPE", "no member library"),
    ],
)
def test_an_unknown_heading_or_library_is_a_helpful_404(client, path, says):
    answer = client.get(path)
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert says in html and 'href="/"' in html and "<form" in html


def _junk(seed: int, size: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.printable) for _ in range(size))


@pytest.mark.parametrize("key", HOSTILE + [_junk(seed, 3000) for seed in range(3)])
def test_hostile_keys_and_libraries_never_give_a_server_error(client, key):
    for path, args in [
        ("/browse/mesh/" + quote(key, safe=""), {}),
        ("/browse/mesh/D006331", {"library": key}),
        ("/search", {"q": f'mesh:"{key}"+'}),
        ("/api/v1/search", {"q": f"mesh:{key}", "explode": key}),
        ("/api/v1/search", {"q": "x", "filter": f"mesh:{key}", "explode": "true"}),
    ]:
        answer = client.get(path, query_string=args)
        assert answer.status_code in (200, 301, 308, 400, 404), (path, args, answer.status_code)


def test_with_no_vocabulary_a_heading_page_is_a_404_saying_so(tmp_path):
    from indexer.settings import load_settings
    from opac import create_app
    from tests.conftest import write_libraries

    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    write_libraries(settings.libraries, "UVA", "UVB")
    load_records(settings, tmp_path)
    answer = create_app(settings=settings).test_client().get("/browse/mesh/D006331")
    assert answer.status_code == 404
    assert "no MeSH vocabulary imported" in answer.get_data(as_text=True)


def test_a_results_page_of_a_heading_offers_narrower_headings_and_its_tree(client):
    html = client.get('/search?q=mesh:"Heart Diseases"').get_data(as_text=True)
    assert 'id="explode"' in html and "Include narrower headings (6 titles)" in html
    tree = html.split('class="mesh-tree"')[1].split("</section>")[0]
    assert 'href="/browse/mesh/D006331"' in tree and "Myocardial Ischemia" in tree
    ticked = client.get('/search?q=mesh:"Heart Diseases"&explode=true').get_data(as_text=True)
    assert 'value="true" form="filter-form" checked' in ticked
    assert '<p class="result-count" role="status">6 results.</p>' in ticked
    filtered = client.get("/search?filter=mesh:Hypertension").get_data(as_text=True)
    assert 'id="explode"' in filtered and "Vascular Diseases" in filtered
    plain = client.get("/search?q=heart").get_data(as_text=True)
    assert 'id="explode"' not in plain and "mesh-tree" not in plain


def test_explode_widens_a_mesh_filter_to_the_narrower_headings(client):
    def total(**args):
        return client.get("/api/v1/search", query_string=args).get_json()["total"]

    assert total(filter="mesh:Myocardial Ischemia") == 0  # no record has the heading itself
    assert total(filter="mesh:Myocardial Ischemia", explode="true") == 3
    assert total(filter="mesh:Snakebite lore", explode="true") == 1  # no descriptor: as it is
