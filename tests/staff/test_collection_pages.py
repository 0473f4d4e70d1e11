"""/staff/collections: the region's collections compared, as a page and as CSV, every figure
checked against what compare_collections and last_copies return for the same filters."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from opac.collections.compare import compare_collections, last_copies, last_copies_csv
from tests.staff.conftest import sign_in


@pytest.fixture()
def viewer(client):
    assert sign_in(client, "vic.viewer").status_code == 303
    return client


@pytest.fixture()
def service(app):
    return app.extensions["lantern"]


def cells(page: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption: each row's header and cells, as text."""
    table = re.search(
        rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", page, re.S
    ).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found])
    return rows


def number(text: str) -> int:
    """The count a cell starts with (a last copies cell goes on with its list's link)."""
    return int(re.match(r"[\d,]+", text).group(0).replace(",", ""))


@pytest.mark.parametrize("query", ["", "?format=Book", "?year_from=1990&year_to=2015"])
def test_every_count_on_the_page_is_the_comparisons(viewer, service, query):
    filters = {
        "": (),
        "?format=Book": (("format", "Book"),),
        "?year_from=1990&year_to=2015": (("year", "1990-2015"),),
    }[query]
    expected = compare_collections(service, filters)
    assert expected.libraries
    response = viewer.get(f"/staff/collections{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"{expected.total:,} title" in page
    rows = cells(page, "Titles and last copies by library, most titles first")[1:]
    assert [(r[0], number(r[1]), number(r[2])) for r in rows] == [
        (f"{lib.name} ({lib.code})", lib.titles, lib.last_copies) for lib in expected.libraries
    ]
    matrix = cells(page, "Titles held by both libraries of each pair")
    codes = [lib.code for lib in expected.libraries]
    assert matrix[0] == ["", *codes]
    for row in matrix[1:]:
        a = row[0]
        assert [number(n) for n in row[1:]] == [expected.shared(a, b) for b in codes]
    assert "Counted in" in page and "seconds" in page


def test_the_filter_form_offers_the_readers_facet_values(viewer, service):
    page = viewer.get("/staff/collections?format=Book").get_data(as_text=True)
    for label in ("Format", "Subject (MeSH)", "Subject (other)", "From year", "To year"):
        assert f">{label}</label>" in page
    assert re.search(r'<option value="Book" selected>Book \(', page)
    assert 'name="format"' in page and 'name="mesh"' in page and 'name="subject"' in page


def test_csv_tables_match_the_comparison(viewer, service):
    expected = compare_collections(service, (("format", "Book"),))
    response = viewer.get("/staff/collections.csv?table=libraries&format=Book")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["library"], int(r["titles"]), int(r["last_copies"])) for r in rows] == [
        (lib.code, lib.titles, lib.last_copies) for lib in expected.libraries
    ]
    overlap = viewer.get("/staff/collections.csv?table=overlap&format=Book")
    matrix = list(csv.reader(io.StringIO(overlap.get_data(as_text=True))))
    codes = matrix[0][1:]
    for row in matrix[1:]:
        assert [int(n) for n in row[1:]] == [expected.shared(row[0], b) for b in codes]
    assert viewer.get("/staff/collections.csv?table=nope").status_code == 400


def test_the_last_copies_csv_is_last_copies(viewer, service):
    code = compare_collections(service).libraries[0].code
    response = viewer.get(f"/staff/collections/last-copies/{code}.csv")
    assert response.status_code == 200 and response.is_streamed
    assert f'filename="last-copies-{code}.csv"' in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body == "".join(last_copies_csv(last_copies(service, code)))
    listed = [row["id"] for row in csv.DictReader(io.StringIO(body))]
    assert listed == [entry["id"] for entry in last_copies(service, code)] and listed
    filtered = viewer.get(f"/staff/collections/last-copies/{code}.csv?format=Book")
    books = list(last_copies(service, code, (("format", "Book"),)))
    assert len(list(csv.DictReader(io.StringIO(filtered.get_data(as_text=True))))) == len(books)
    assert viewer.get("/staff/collections/last-copies/NOPE.csv").status_code == 404
    page = viewer.get("/staff/collections").get_data(as_text=True)
    assert f'href="/staff/collections/last-copies/{code}.csv"' in page


def test_a_bad_year_is_named_beside_its_field(viewer):
    response = viewer.get("/staff/collections?year_from=19x0&year_to=2000")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="filter-year_from-error"' in page
    assert 'aria-describedby="filter-year_from-error"' in page
    assert "Titles and last copies by library" not in page
    later = viewer.get("/staff/collections?year_from=2020&year_to=2000").get_data(as_text=True)
    assert 'id="filter-year_to-error"' in later
    assert viewer.get("/staff/collections.csv?year_from=abc").status_code == 400


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in (
        "/staff/collections",
        "/staff/collections.csv?table=libraries",
        "/staff/collections/last-copies/ABC.csv",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_hostile_filter_values_are_escaped(viewer):
    hostile = "<script>alert(1)</script>"
    page = viewer.get("/staff/collections", query_string={"subject": hostile})
    text = page.get_data(as_text=True)
    assert hostile not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_console_home_lists_the_comparison(viewer):
    assert 'href="/staff/collections"' in viewer.get("/staff/").get_data(as_text=True)
