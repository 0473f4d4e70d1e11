"""/staff/relevance/explain: a query's top ten with each score explained in words, through the
test client with a real signed-in session on a real generated catalogue."""

from __future__ import annotations

import re
import shutil

import pytest

from indexer.engine.fields import SHIPPED_SYNONYMS
from indexer.relevance.judgements import JudgementStore
from opac.search.service import SearchParams
from tests.staff.conftest import make_app, sign_in

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def title_word(app):
    """A long word of the first record's title, and that record as a search for it shows it."""
    service = app.extensions["lantern"]
    top = service.search(SearchParams(q="", size=1))["results"][0]
    word = max(re.findall(r"[A-Za-z]{5,}", top["title"]), key=len).lower()
    return word, service.search(SearchParams(q=word, size=10))["results"][0]


def signed_in_as(client, username="vic.viewer"):
    assert sign_in(client, username).status_code == 303
    return client


def test_signed_out_the_explain_page_redirects_to_the_login(client):
    response = client.get("/staff/relevance/explain?q=nursing")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_viewer_sees_each_result_with_its_title_match_explained(client, title_word):
    word, first = title_word
    page = signed_in_as(client).get(f"/staff/relevance/explain?q={word}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Why these results</h1>" in html
    assert f"title matched &#39;{word}&#39; (score " in html
    assert first["id"] in html
    assert 1 <= html.count("<h3>") <= 10  # the top ten at most, a heading each


def test_the_query_is_escaped(client):
    html = signed_in_as(client).get("/staff/relevance/explain", query_string={"q": HOSTILE})
    text = html.get_data(as_text=True)
    assert HOSTILE not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_with_a_set_the_grades_are_shown_and_the_set_page_links_here(client, app, title_word):
    word, first = title_word
    member = first["members"][0]
    store = JudgementStore(app.config["LANTERN_SETTINGS"].relevance_dir)
    store.judge("why-set", word, f"{member['library']}:{member['record_id']}", 2)
    signed_in_as(client)
    html = client.get(f"/staff/relevance/explain?q={word}&set=why-set").get_data(as_text=True)
    assert "Grade: 2 (relevant)" in html
    set_page = client.get("/staff/relevance/sets/why-set").get_data(as_text=True)
    assert f"/staff/relevance/explain?q={word}&amp;set=why-set" in set_page


def test_a_synonym_from_the_synonyms_directory_is_shown_as_fired(settings, tmp_path, title_word):
    word, first = title_word
    directory = tmp_path / "synonyms"
    directory.mkdir()
    shutil.copy(SHIPPED_SYNONYMS / "boosts.toml", directory / "boosts.toml")
    (directory / "staff.txt").write_text(f"qqoldword => {word}\n", encoding="utf-8")
    client = make_app(settings, synonyms_dir=directory).test_client()
    html = signed_in_as(client).get("/staff/relevance/explain?q=qqoldword").get_data(True)
    assert (
        f"also searched &#39;{word}&#39; (synonym of &#39;qqoldword&#39;, from staff.txt): "
        "matched here"
    ) in html
    assert first["id"] in html


def test_lantern_search_explain_prints_the_lines_under_each_result(
    settings, title_word, monkeypatch
):
    from click.testing import CliRunner

    from lantern.cli import main

    word, first = title_word
    monkeypatch.setenv("LANTERN_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(main, ["search", "--explain", word], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"id {first['id']}" in result.output
    assert f"       - title matched '{word}' (score " in result.output
    plain = CliRunner().invoke(main, ["search", word], catch_exceptions=False)
    assert "matched" not in plain.output
