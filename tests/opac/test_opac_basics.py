"""The OPAC and its JSON API over a real index loaded from real and hostile records."""

from __future__ import annotations

import dataclasses
import re

import pymarc
import pytest

from indexer.load.runner import load_library
from opac import create_app
from tests.conftest import shared


def hostile_record_file(path):
    """A record whose title carries a script tag and whose 856 holds a javascript: URL."""
    rec = pymarc.Record(force_utf8=True)
    rec.leader = pymarc.Leader("00000nam a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data="evil1"))
    rec.add_field(pymarc.Field(tag="008", data="240101s2024    enk           000 0 eng d"))
    rec.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[
                pymarc.Subfield("a", "<script>alert('x')</script> Handbook of hostile titles")
            ],
        )
    )
    rec.add_field(
        pymarc.Field(
            tag="856",
            indicators=pymarc.Indicators("4", "0"),
            subfields=[
                pymarc.Subfield("u", "javascript:alert(1)"),
                pymarc.Subfield("z", "Click me"),
            ],
        )
    )
    path.write_bytes(rec.as_marc())
    return path


@pytest.fixture
def app(settings, tmp_path):
    files = [
        shared("marc", "solrmarc__uva_001-200.mrc"),
        hostile_record_file(tmp_path / "hostile.mrc"),
    ]
    load_library(settings, "UVA", files, workers=0, progress=False, log=lambda *a: None)
    return create_app(settings=dataclasses.replace(settings))


@pytest.fixture
def client(app):
    return app.test_client()


def test_home_and_search_pages_render(client):
    assert client.get("/").status_code == 200
    page = client.get("/search?q=history")
    assert page.status_code == 200
    assert b"result" in page.data


def test_api_search_has_the_documented_shape(client):
    body = client.get("/api/v1/search?q=&size=5").get_json()
    assert set(body) >= {"total", "page", "size", "results", "facets"}
    assert body["size"] == 5 and len(body["results"]) == 5
    r = body["results"][0]
    assert set(r) >= {
        "id",
        "title",
        "subtitle",
        "authors",
        "year",
        "format",
        "isbn",
        "available",
        "members",
        "holdings",
        "links",
        "highlight",
    }
    assert set(r["members"][0]) == {"library", "record_id", "reason"}
    assert set(body["facets"]["library"][0]) == {"value", "label", "count", "selected"}


def test_facet_counts_match_the_filtered_result_list(client):
    body = client.get("/api/v1/search?q=&size=1").get_json()
    for value in body["facets"]["format"][:3]:
        filtered = client.get(f"/api/v1/search?q=&filter=format:{value['value']}").get_json()
        assert filtered["total"] == value["count"]


def test_record_page_and_api_record(client):
    first = client.get("/api/v1/search?q=&size=1").get_json()["results"][0]
    assert client.get(f"/record/{first['id']}").status_code == 200
    record = client.get(f"/api/v1/records/{first['id']}").get_json()
    assert record["id"] == first["id"] and record["members"]


def test_missing_record_is_a_404_with_the_json_error_shape(client):
    response = client.get("/api/v1/records/NOPE.123")
    assert response.status_code == 404
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 404 and body["error"]
    assert client.get("/record/NOPE.123").status_code == 404


def test_bad_parameters_are_a_400_not_a_500(client):
    response = client.get("/api/v1/search?q=x&page=banana")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


HOSTILE = [
    '"unbalanced',
    "title:",
    ":::",
    "-",
    "OR OR",
    "*",
    "a/b\\c",
    "🦀🔥",
    "\x00null",
    "isbn:",
    '"" ""',
    "((((",
    'author:"',
    "x" * 10_000,
    "%00",
    "<script>",
    "NOT",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_give_a_server_error(client, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200
    assert client.get("/api/v1/search", query_string={"q": query}).status_code == 200


def test_a_script_in_a_title_shows_as_text_and_javascript_links_are_dropped(client):
    body = client.get("/api/v1/search?q=hostile titles").get_json()
    hit = body["results"][0]
    assert "<script>" in hit["title"] and hit["links"] == []
    page = client.get("/search?q=hostile titles").data
    assert b"<script>alert" not in page and b"&lt;script&gt;" in page
    record_page = client.get(f"/record/{hit['id']}").data
    assert b"javascript:" not in record_page


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_engine_outage_is_a_503_not_zero_results(client, app, settings):
    import shutil

    shutil.rmtree(settings.index_dir.resolve())  # the index dir may be a link to the live build
    response = client.get("/api/v1/search?q=history")
    assert response.status_code == 503
    assert response.get_json()["status"] == 503


def many_copies_file(path, library_site: str, on_loan: int, available: int):
    """One book (ISBN given) with `on_loan` copies out on loan, then `available` on the shelf."""
    rec = pymarc.Record(force_utf8=True)
    rec.leader = pymarc.Leader("00000nam a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data=f"copies-{library_site}"))
    rec.add_field(pymarc.Field(tag="008", data="240101s2024    enk           000 0 eng d"))
    rec.add_field(
        pymarc.Field(
            tag="020",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "9780198526636")],
        )
    )
    rec.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "Textbook held in many copies")],
        )
    )
    for n in range(on_loan + available):
        due = [pymarc.Subfield("q", "2030-01-31")] if n < on_loan else []
        rec.add_field(
            pymarc.Field(
                tag="952",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[
                    pymarc.Subfield("a", library_site),
                    pymarc.Subfield("b", library_site),
                    pymarc.Subfield("o", f"WB 100 C{n:02d}"),
                    pymarc.Subfield("p", f"{library_site}{n}"),
                    *due,
                ],
            )
        )
    path.write_bytes(rec.as_marc())
    return path


def test_a_result_lists_a_few_copies_of_each_library_and_the_record_all(settings, tmp_path):
    load_library(
        settings,
        "LIBA",
        [many_copies_file(tmp_path / "a.mrc", "A", 10, 2)],
        workers=0,
        progress=False,
        log=lambda *a: None,
    )
    load_library(
        settings,
        "LIBB",
        [many_copies_file(tmp_path / "b.mrc", "B", 8, 0)],
        workers=0,
        progress=False,
        log=lambda *a: None,
    )
    client = create_app(settings=dataclasses.replace(settings)).test_client()
    (result,) = client.get("/api/v1/search?q=textbook held in many copies").get_json()["results"]
    assert result["holdings_total"] == 20
    copies = result["holdings"]
    assert [h["library"] for h in copies] == ["LIBA"] * 5 + ["LIBB"] * 5
    # The two copies on LIBA's shelf are among the five, and the copies keep their order.
    assert [h["call_number"] for h in copies if h["status"] == "available"] == [
        "WB 100 C10",
        "WB 100 C11",
    ]
    assert [h["call_number"] for h in copies[:3]] == ["WB 100 C00", "WB 100 C01", "WB 100 C02"]
    record = client.get(f"/api/v1/records/{result['id']}").get_json()
    assert len(record["holdings"]) == record["holdings_total"] == 20
    page = client.get("/search?q=textbook held in many copies").data.decode()
    # The result line shows the two copies on a shelf now, with their call numbers, then the rest.
    lines = re.findall(r'<li><strong class="status-(\w+)">(.*?)</li>', page)
    assert [status for status, _ in lines] == ["available", "available"]
    assert "WB 100 C10" in lines[0][1] and "WB 100 C11" in lines[1][1]
    assert "18 more copies; held by 2 libraries." in page
