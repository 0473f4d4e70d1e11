"""Browsing the demo consortium: each library's shelf in call-number order, paged both ways;
the shelf around a record; authors and subjects A to Z whose counts agree with the searches
they link to; and no server error whatever the parameters hold."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.shelf.callnumber import scheme_of, shelf_key
from indexer.shelf.terms import heading_sort
from opac.search.browse import shelf_places


@pytest.fixture(scope="module")
def records(demo_app):
    engine = demo_app.extensions["lantern"].engine
    found, after = [], None
    while batch := engine.scan(after, 500):
        found += batch
        after = batch[-1]["id"]
    return found


def walk(demo, url: str, direction: str = "next") -> list[tuple]:
    """Every entry of a browse from `url`, page after page, as (call number or heading, id or
    count), following the pages' `next` (or `previous`) positions."""
    base = re.sub(r"&(after|before|from)=[^&]*", "", url)
    handing = "after" if direction == "next" else "before"
    seen: list[tuple] = []
    while url:
        body = demo.get(url).get_json()
        entries = [
            (e.get("call_number", e.get("heading")), e.get("id", e.get("titles")))
            for e in body["entries"]
        ]
        seen = seen + entries if direction == "next" else entries + seen
        url = f"{base}&{handing}={quote(body[direction], safe='')}" if body[direction] else None
    return seen


def test_a_library_shelf_lists_every_copy_in_call_number_order_both_ways(demo, records):
    expected = sorted(
        (shelf_key(cn), cn, r["id"])
        for r in records
        for lib, cn in shelf_places(r)
        if lib == "RDE" and scheme_of(cn) == "nlm"
    )
    forwards = walk(demo, "/api/v1/browse/shelf?scheme=nlm&library=RDE")
    assert len(expected) > 60  # several pages
    assert forwards == [(cn, doc) for _, cn, doc in expected]
    backwards = walk(demo, "/api/v1/browse/shelf?scheme=nlm&library=RDE&before=~", "previous")
    assert backwards == forwards


def test_the_shelf_starts_where_the_reader_said(demo):
    page = demo.get("/browse/shelf?scheme=nlm&library=RDE&from=WG 120")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    marks = re.findall(r'<span class="callno">([^<]+)</span>', html)
    assert marks and all(shelf_key(m) >= shelf_key("WG 120") for m in marks)
    assert marks == sorted(marks, key=shelf_key)
    assert 'id="here"' in html and "would stand here" in html


def test_a_title_stands_on_each_library_shelf_at_that_library_call_number(demo, records):
    shared = next(
        r
        for r in records
        if len({cn for _, cn in shelf_places(r)}) > 1
        and len({lib for lib, _ in shelf_places(r)}) > 1
    )
    for library, call_number in shelf_places(shared):
        scheme = scheme_of(call_number)
        body = demo.get(
            "/api/v1/browse/shelf",
            query_string={"scheme": scheme, "library": library, "from": call_number},
        ).get_json()
        mine = [e for e in body["entries"] if e["id"] == shared["id"]]
        assert mine and mine[0]["call_number"] == call_number


def test_the_record_page_shows_its_neighbours_on_each_library_shelf(demo, records):
    record = next(r for r in records if len(shelf_places(r)) >= 2)
    html = demo.get(f"/record/{record['id']}").get_data(as_text=True)
    section = html[html.index('id="near-heading"') : html.index('id="cite"')]
    for _library, call_number in shelf_places(record)[:2]:
        assert f"{call_number}</h3>" in section
    first = section.split('<div class="near-shelf">')[1]
    marks = re.findall(r'<span class="callno">([^<]+)</span>', first)
    assert len(marks) >= 4 and "This title" in first
    assert marks == sorted(marks, key=shelf_key)
    link = re.search(r'href="(/library/[^"]+/browse/shelf\?[^"]+)"', first).group(1)
    assert demo.get(link.replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("kind", ["author", "subject"])
def test_headings_are_listed_a_to_z_with_counts_that_agree_with_their_searches(demo, kind):
    for base, within in (("/api/v1/browse/", ()), ("/api/v1/browse/", ("library:KVH",))):
        url = f"{base}{kind}?from=c" + ("&library=KVH" if within else "")
        body = demo.get(url).get_json()
        assert body["entries"], url
        sorts = [heading_sort(e["heading"]) for e in body["entries"]]
        assert sorts == sorted(sorts)
        for entry in body["entries"][:5]:
            facet_filter = dict(parse_qsl(urlsplit(entry["search"]).query))["filter"]
            filters = [facet_filter, *within]
            found = demo.get("/api/v1/search", query_string={"filter": filters, "size": 1})
            assert found.get_json()["total"] == entry["titles"], entry


def test_a_library_view_lists_only_its_own_headings_and_searches_within_it(demo, records):
    held = {a["name"] for r in records if "KVH" in r["libraries"] for a in r.get("authors", [])}
    tru = walk(demo, "/api/v1/browse/author?library=KVH")
    assert tru and {name for name, _ in tru} <= held
    html = demo.get("/library/KVH/browse/author?from=a").get_data(as_text=True)
    assert "/library/KVH/?filter=author" in html


def test_subjects_say_which_are_mesh_and_link_to_the_mesh_facet(demo):
    html = demo.get("/browse/subject?from=h").get_data(as_text=True)
    assert "filter=mesh%3A" in html and '<span class="badge">MeSH</span>' in html


@pytest.mark.parametrize(
    "url",
    [
        "/browse/shelf?scheme=martian",
        "/api/v1/browse/shelf?scheme=martian",
    ],
)
def test_an_unknown_scheme_is_a_400_that_says_why(demo, url):
    response = demo.get(url)
    assert response.status_code == 400
    assert b"nlm" in response.data


@pytest.mark.parametrize(
    "url",
    [
        "/browse/shelf?library=NOPE",
        "/library/NOPE/browse/author",
        "/api/v1/browse/shelf?library=x%00",
    ],
)
def test_an_unknown_library_is_a_404(demo, url):
    assert demo.get(url).status_code == 404


PATHS = [
    "/browse/shelf",
    "/library/RDE/browse/shelf",
    "/browse/author",
    "/browse/subject",
    "/library/KVH/browse/subject",
    "/api/v1/browse/shelf",
    "/api/v1/browse/author",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "WG 120", "~", "\x1e", "\x1f", "\x00", "x" * 5000, "%00", "🦀", "616.12"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(PATHS),
    args=st.dictionaries(
        st.sampled_from(["from", "after", "before", "scheme", "library", "page"]), TEXT, max_size=4
    ),
)
def test_any_browse_parameters_give_a_page_never_a_server_error(demo, path, args):
    response = demo.get(path, query_string=args)
    assert response.status_code in (200, 400, 404), (path, args, response.status_code)


def test_the_browse_api_is_in_openapi_json(demo_app, demo):
    documented = set(demo.get("/api/v1/openapi.json").get_json()["paths"])
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint.startswith("browse.") and rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
            assert path in documented, f"{path} is not in openapi.json"
