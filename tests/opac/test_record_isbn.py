"""ISBNs on the record page are hyphenated as people read them (python-stdnum, by the ISBN
agency's ranges); the API and every stored form keep the bare ISBN-13 that merging compares."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner
from lxml import html as lxml_html

from lantern.cli import main
from opac import create_app
from tests.conftest import shared


def test_the_record_page_shows_isbns_hyphenated_and_the_api_keeps_them_bare(settings, monkeypatch):
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    path = shared("marc", "solrmarc__uva_001-200.mrc")
    loaded = CliRunner().invoke(main, ["load", "-q", "--workers", "1", "-l", "UVA", str(path)])
    assert loaded.exit_code == 0, loaded.output
    client = create_app(settings=dataclasses.replace(settings)).test_client()
    hit = client.get("/api/v1/search", query_string={"q": "isbn:0-89232-429-5"}).get_json()
    record = hit["results"][0]
    assert record["isbn"] == ["9780892324293"]  # merged on this form, as before
    page = lxml_html.fromstring(client.get(f"/record/{record['id']}").data)
    shown = page.xpath("//dt[text()='ISBN']/following-sibling::dd[1]")[0].text_content()
    assert shown.strip() == "978-0-89232-429-3"
