"""The OpenURL 1.0 link of a record, built from its display record (no index needed)."""

from urllib.parse import parse_qsl, urlsplit

from indexer.fulltext.config import FulltextConfig
from indexer.fulltext.openurl import library_link, openurl
from indexer.libraries import Library

BOOK = {
    "title": "Oxford handbook of clinical medicine",
    "subtitle": "tenth edition",
    "format": "E-book",
    "isbn_display": ["9780199689903", "9780191761508"],
    "authors": [
        {"name": "Wilkinson, Ian B.", "main": True},
        {"name": "Raine, Tim", "main": False},
    ],
    "year": 2017,
    "publisher": "Oxford University Press",
    "doi": ["10.1093/med/9780199689903.001.0001", "10.1093/other"],
}


def test_a_book_is_described_in_the_book_format_with_one_of_each_id():
    pairs = parse_qsl(urlsplit(openurl("https://r.example/", BOOK, "info:sid/x")).query)
    kev = dict(pairs)
    assert kev["rft_val_fmt"] == "info:ofi/fmt:kev:mtx:book"
    assert kev["rft.btitle"] == "Oxford handbook of clinical medicine : tenth edition"
    assert kev["rft.isbn"] == "9780199689903" and kev["rft.au"] == "Wilkinson, Ian B."
    assert kev["rft.pub"] == "Oxford University Press" and kev["rft.date"] == "2017"
    assert [v for k, v in pairs if k == "rft_id"] == ["info:doi/10.1093/med/9780199689903.001.0001"]


def test_hostile_text_stays_inside_its_value():
    record = {**BOOK, "title": 'A & B <script>"x"</script>#frag?y=1', "doi": []}
    url = openurl("https://r.example/openurl", record, "info:sid/x")
    assert "#" not in url and "<" not in url and " " not in url
    assert dict(parse_qsl(urlsplit(url).query))["rft.btitle"].startswith('A & B <script>"x"')


def test_a_print_book_with_no_article_id_gets_no_link():
    lib = Library("RDE", "RDE", fulltext=FulltextConfig(resolver="https://r.example/"))
    print_book = {**BOOK, "format": "Book", "doi": []}
    assert library_link(print_book, lib) is None
    assert library_link({**print_book, "issn": ["0028-4793"]}, lib) is not None


def test_proxy_false_sends_the_reader_straight_to_the_resolver():
    config = FulltextConfig(resolver="https://r.example/", proxy=False)
    lib = Library("RDE", "RDE", proxy="https://proxy.example/login?url=", fulltext=config)
    assert library_link(BOOK, lib)["url"].startswith("https://r.example/?url_ver=Z39.88-2004")
