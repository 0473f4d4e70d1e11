"""The evaluation ranks each query exactly as a reader's results page and the JSON API do."""

from __future__ import annotations

import dataclasses
import re

import pytest

from indexer.load.runner import load_library
from opac import create_app
from opac.search.evaluation import results_page_search
from opac.search.service import open_search_service
from tests.conftest import shared

QUERIES = ["history", "american", "education", "crime and justice", "9780892324293", "histroy"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from indexer.settings import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("same") / "instance")
    files = [shared("marc", "solrmarc__uva_001-200.mrc")]
    load_library(settings, "UVA", files, workers=0, progress=False, log=lambda *a: None)
    return settings


@pytest.mark.parametrize("query", QUERIES)
def test_evaluation_ranks_as_the_results_page_and_the_api(loaded, query):
    client = create_app(settings=dataclasses.replace(loaded)).test_client()
    evaluated = [r.id for r in results_page_search(open_search_service(loaded))(query)]
    assert evaluated, query  # "histroy": found through the typo the page allows too
    api = client.get("/api/v1/search", query_string={"q": query, "size": 10}).get_json()
    assert [r["id"] for r in api["results"]] == evaluated
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    linked = list(dict.fromkeys(re.findall(r'<h3><a href="/record/([^"?]+)', page)))
    assert linked[: len(evaluated)] == evaluated
