"""Full text through the reader's library (issue 20, part 2), end to end: real records and a
real KBART list loaded by `lantern load` into a real index, read through the OPAC and its API.

EXE names an OpenURL resolver, TRU a LibKey-style DOI link; UVB names neither."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, unquote, urlsplit

import pymarc
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from indexer.settings import load_settings
from lantern.cli import main
from lantern.exits import EXIT_OK, EXIT_REJECTED
from opac import create_app
from tests.conftest import shared

LIBRARIES = """
[consortium]
name = "Test network"
code = "TN"

[[library]]
code = "EXE"
name = "Exeter Health Library"
region = "SW"
proxy = "https://proxy.exe.example/login?url="
[library.fulltext]
resolver = "https://resolver.exe.example/openurl"
rfr_id = "info:sid/lantern.example:TN"

[[library]]
code = "TRU"
name = "Truro Knowledge Spa"
region = "SW"
proxy = "https://proxy.tru.example/login?url="
[library.fulltext]
doi_link = "https://libkey.example/libraries/99/{doi}"
resolver = "https://resolver.tru.example/sfx?sid=tru"

[[library]]
code = "UVB"
name = "Second test library"
region = "SW"
"""
OSS_DOI = "10.1007/978-0-387-68574-8"  # an 856 through another library's proxy: dx.doi.org
# A journal article's record as a health library exports it: PubMed id in 024 and in 035.
ARTICLE = """<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000nas a2200000 a 4500</leader>
<controlfield tag="001">{id}</controlfield>
<datafield tag="022" ind1=" " ind2=" "><subfield code="a">0028-4793</subfield></datafield>
<datafield tag="024" ind1="7" ind2=" "><subfield code="a">{doi}</subfield>
<subfield code="2">doi</subfield></datafield>
<datafield tag="024" ind1="7" ind2=" "><subfield code="a">{pmid}</subfield>
<subfield code="2">pmid</subfield></datafield>
<datafield tag="035" ind1=" " ind2=" "><subfield code="a">(PubMed){pmid}</subfield></datafield>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title}</subfield></datafield>
</record></collection>"""


def _run(data_dir, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert result.exit_code in (EXIT_OK, EXIT_REJECTED), result.output
    return result


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fulltext")
    (data_dir / "libraries.toml").write_text(LIBRARIES)
    article = data_dir / "article_with_pmid_in_024_and_035.xml"
    article.write_text(
        ARTICLE.format(
            id="art-1",
            doi="10.1056/NEJMoa2034577",
            pmid="33301246",
            title="Safety and efficacy of the BNT162b2 mRNA Covid-19 vaccine",
        )
    )
    other = data_dir / "article_at_a_library_with_a_resolver.xml"
    other.write_text(
        ARTICLE.format(
            id="art-2",
            doi="10.1136/bmj.m1089",
            pmid="32188602",
            title="Covid-19: a puzzle with many missing pieces",
        )
    )
    _run(data_dir, "load", "-q", "--library", "EXE", str(other))
    _run(data_dir, "load", "-q", "--library", "UVB", str(shared("marc", "evergreen__oss.marc")))
    _run(data_dir, "load", "-q", "--library", "EXE", str(shared("marc", "evergreen__oss.marc")))
    _run(data_dir, "load", "-q", "--library", "UVB", str(article))
    edp = shared("kbart", "ezpaarse-platforms__EDPSCIENCES_GLOBAL_ALLJOURNALS_2026-03-13.txt")
    _run(data_dir, "load", "-q", "--library", "TRU", "--format", "kbart", str(edp))
    return create_app(settings=load_settings(environ={}, data_dir=data_dir)).test_client()


def _hits(client, q):
    return client.get("/api/v1/search", query_string={"q": q}).get_json()["results"]


@pytest.mark.parametrize(
    "typed",
    [
        f"doi:{OSS_DOI}",
        f"DOI: {OSS_DOI.upper()}",
        OSS_DOI,
        f"https://doi.org/{OSS_DOI}",
        f"http://dx.doi.org/{OSS_DOI}",
    ],
)
def test_a_doi_typed_any_way_finds_its_record_first(client, typed):
    hits = _hits(client, typed)
    assert hits, typed
    record = client.get(f"/api/v1/records/{hits[0]['id']}").get_json()
    assert record["doi"] == [OSS_DOI]


def test_a_pubmed_id_finds_the_article_and_both_ids_are_shown(client):
    (hit,) = _hits(client, "pmid:33301246")
    record = client.get(f"/api/v1/records/{hit['id']}").get_json()
    assert record["pmid"] == ["33301246"] and record["doi"] == ["10.1056/nejmoa2034577"]
    assert _hits(client, "doi:10.1056/NEJMOA2034577")[0]["id"] == hit["id"]
    page = lxml_html.fromstring(client.get(f"/record/{hit['id']}").data)
    links = page.xpath("//ul[@class='identifiers']//a/@href")
    assert "https://doi.org/10.1056/nejmoa2034577" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/33301246" in links


def test_the_marc_download_keeps_the_ids_in_024(client):
    (hit,) = _hits(client, "pmid:33301246")
    marc = next(pymarc.MARCReader(client.get(f"/record/{hit['id']}/export/mrc").data))
    found = {(f["2"], f["a"]) for f in marc.get_fields("024")}
    assert found == {("doi", "10.1056/nejmoa2034577"), ("pmid", "33301246")}
    xml = client.get(f"/record/{hit['id']}/export/xml").data
    (parsed,) = pymarc.parse_xml_to_array(io.BytesIO(xml))
    assert {f["2"] for f in parsed.get_fields("024")} == {"doi", "pmid"}


def _openurl(link: str, proxy: str) -> tuple[str, list[tuple[str, str]]]:
    assert link.startswith(proxy)
    target = unquote(link.removeprefix(proxy))
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(parts.query)


def test_full_text_goes_through_the_holding_librarys_resolver_and_proxy(client):
    hit = _hits(client, f"doi:{OSS_DOI}")[0]
    record = client.get(f"/api/v1/records/{hit['id']}").get_json()
    # Held by EXE (a resolver) and UVB (none): one link, EXE's.
    (link,) = record["fulltext"]
    assert link["library"] == "EXE" and link["via"] == "openurl"
    base, pairs = _openurl(link["url"], "https://proxy.exe.example/login?url=")
    assert base == "https://resolver.exe.example/openurl"
    kev = dict(pairs)
    assert kev["url_ver"] == "Z39.88-2004" and kev["ctx_ver"] == "Z39.88-2004"
    assert kev["rft_val_fmt"] == "info:ofi/fmt:kev:mtx:book" and kev["rft.genre"] == "book"
    assert kev["rft_id"] == f"info:doi/{OSS_DOI}"
    assert kev["rft.isbn"] == record["isbn_display"][0]
    assert kev["rft.btitle"].startswith(record["title"])
    assert kev["rft.date"] == str(record["year"])
    assert kev["rfr_id"] == "info:sid/lantern.example:TN"
    page = lxml_html.fromstring(client.get(f"/record/{hit['id']}").data)
    anchors = page.xpath("//a[@class='fulltext-link']")
    assert [a.text_content().split(":")[0] for a in anchors] == [
        "Full text via Exeter Health Library"
    ]
    assert anchors[0].get("href") == link["url"]


def test_in_a_librarys_view_the_link_is_that_librarys_own(client):
    hit = _hits(client, f"doi:{OSS_DOI}")[0]
    tru = client.get(f"/api/v1/records/{hit['id']}?library=tru").get_json()["fulltext"]
    # TRU does not hold it, but its DOI link knows what it licenses.
    assert [(f["library"], f["via"]) for f in tru] == [("TRU", "doi")]
    assert tru[0]["url"] == "https://proxy.tru.example/login?url=" + (
        "https%3A%2F%2Flibkey.example%2Flibraries%2F99%2F10.1007%2F978-0-387-68574-8"
    )
    assert client.get(f"/api/v1/records/{hit['id']}?library=UVB").get_json()["fulltext"] == []
    assert client.get(f"/api/v1/records/{hit['id']}?library=NOPE").status_code == 400
    # The record page opened from TRU's results offers TRU's link, not EXE's.
    page = client.get(f"/record/{hit['id']}?in=library:TRU&q=doi:{OSS_DOI}&n=1")
    anchors = lxml_html.fromstring(page.data).xpath("//a[@class='fulltext-link']")
    assert [a.text_content().split(":")[0] for a in anchors] == [
        "Full text via Truro Knowledge Spa"
    ]


def test_no_full_text_link_from_a_library_without_a_resolver(client):
    (hit,) = _hits(client, "pmid:33301246")  # held by UVB only
    record = client.get(f"/api/v1/records/{hit['id']}").get_json()
    assert record["fulltext"] == []
    page = lxml_html.fromstring(client.get(f"/record/{hit['id']}").data)
    assert not page.xpath("//a[@class='fulltext-link']")
    assert "Full text via" not in page.text_content()


def test_a_journal_gets_a_journal_openurl_and_its_coverage_in_words(client):
    hit = _hits(client, "issn:1292-8909")[0]  # EDP's first journal, licensed by TRU
    record = client.get(f"/api/v1/records/{hit['id']}?library=TRU").get_json()
    (link,) = record["fulltext"]
    assert link["via"] == "openurl"  # no DOI: the resolver, not the DOI link
    base, pairs = _openurl(link["url"], "https://proxy.tru.example/login?url=")
    assert base == "https://resolver.tru.example/sfx"
    kev = dict(pairs)
    assert kev["sid"] == "tru"  # the resolver's own query is kept
    assert kev["rft_val_fmt"] == "info:ofi/fmt:kev:mtx:journal" and kev["rft.issn"] == "1292-8909"
    assert kev["rft.jtitle"] == record["title"]
    (coverage,) = record["coverage"]
    assert coverage["text"] == "Online 1999 to 2001, via EDP Sciences"
    page = lxml_html.fromstring(client.get(f"/record/{hit['id']}").data)
    lines = [li.text_content() for li in page.xpath("//ul[@class='coverage']/li")]
    assert lines == ["Online 1999 to 2001, via EDP Sciences (Truro Knowledge Spa)"]


def test_results_offer_full_text_through_the_views_library(client):
    page = lxml_html.fromstring(client.get("/search", query_string={"q": f"doi:{OSS_DOI}"}).data)
    first = page.xpath("//li[@class='result']")[0]
    # The MARC e-book's own 856 comes first ("Read online"); no second full-text line.
    assert first.xpath(".//a[@class='online-link']") and not first.xpath(
        ".//a[@class='fulltext-link']"
    )
    page = lxml_html.fromstring(client.get("/search", query_string={"q": "pmid:32188602"}).data)
    (link,) = page.xpath("//li[@class='result']//a[@class='fulltext-link']")
    assert link.text_content().startswith("Full text via Exeter Health Library")
    assert link.get("href").startswith("https://proxy.exe.example/login?url=")
    page = lxml_html.fromstring(
        client.get("/library/UVB/", query_string={"q": "pmid:33301246"}).data
    )
    assert page.xpath("//li[@class='result']") and not page.xpath("//a[@class='fulltext-link']")


@pytest.mark.parametrize(
    ("style", "cited"),
    [("vancouver", "doi:10.1056/nejmoa2034577"), ("apa", "https://doi.org/10.1056/nejmoa2034577")],
)
def test_references_cite_the_doi(client, style, cited):
    (hit,) = _hits(client, "pmid:33301246")
    reference = client.get(f"/api/v1/records/{hit['id']}/citation?style={style}").get_json()
    assert cited in reference["text"]


def test_the_hubs_oai_dc_names_the_ids_as_info_uris(client):
    from indexer.feed.dc import dc_elements

    (hit,) = _hits(client, "pmid:33301246")
    display = client.application.extensions["lantern"].display(hit["id"])
    identifiers = [v for k, v in dc_elements(display) if k == "identifier"]
    assert "info:doi/10.1056/nejmoa2034577" in identifiers and "info:pmid/33301246" in identifiers


def test_in_a_regions_view_the_links_are_its_holding_libraries(client):
    hit = _hits(client, f"doi:{OSS_DOI}")[0]
    page = client.get(f"/record/{hit['id']}?in=region:SW&q=doi:{OSS_DOI}&n=1")
    anchors = lxml_html.fromstring(page.data).xpath("//a[@class='fulltext-link']")
    # TRU (in SW, with a DOI link) does not hold it: only EXE's
    assert [a.text_content().split(":")[0] for a in anchors] == [
        "Full text via Exeter Health Library"
    ]
