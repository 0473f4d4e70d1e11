"""/staff/relevance and the "rate this result" controls on the results page, through the test
client with a real signed-in session, on a real catalogue and relevance directory on disk."""

from __future__ import annotations

import io
import json
import re

import pytest

from indexer.relevance.judgements import JudgementStore
from indexer.staff import audit
from opac.search.service import SearchParams
from tests.staff.conftest import csrf_token, sign_in

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def first_result(app):
    """A word of the first record's title, and that record as the results page shows it."""
    service = app.extensions["lantern"]
    top = service.search(SearchParams(q="", size=1))["results"][0]
    word = max(re.findall(r"[A-Za-z]{4,}", top["title"]), key=len)
    found = service.search(SearchParams(q=word, size=10))["results"][0]
    return word, found


def signed_in_as(client, username):
    assert sign_in(client, username).status_code == 303
    return client


def rate(client, query, doc, grade, set_name="ratings", token=None):
    token = token or csrf_token(client, f"/search?q={query}")
    data = {"csrf_token": token, "set": set_name, "q": query, "doc": doc, "grade": grade}
    return client.post("/staff/relevance/rate", data={**data, "next": f"/search?q={query}"})


def test_signed_out_every_relevance_page_redirects_to_the_login(client):
    for path in ("/staff/relevance", "/staff/relevance/sets/ratings"):
        response = client.get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_readers_results_page_has_no_rating_controls_and_stays_cacheable(client, first_result):
    word, _ = first_result
    page = client.get(f"/search?q={word}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "rate-form" not in html and "Rate this result" not in html and "csrf_token" not in html
    assert "no-store" not in page.headers.get("Cache-Control", "")
    assert "Cookie" not in page.headers.get("Vary", "") and "Set-Cookie" not in page.headers


def test_a_viewer_sees_no_rating_controls(client, first_result):
    html = signed_in_as(client, "vic.viewer").get(f"/search?q={first_result[0]}").get_data(True)
    assert "Rate this result" not in html


def test_an_editor_rates_a_result_for_every_member_record_and_lands_back_at_it(
    client, settings, first_result
):
    word, result = first_result
    page = signed_in_as(client, "ed.editor").get(f"/search?q={word}")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert f'id="rate-{result["id"]}"' in html and "Rate this result for" in html
    assert '<button type="submit" name="grade" value="3"' in html
    done = rate(client, word, result["id"], "3")
    assert done.status_code == 303
    assert done.headers["Location"] == f"/search?q={word}#rate-{result['id']}"
    keys = [f"{m['library']}:{m['record_id']}" for m in result["members"]]
    qset = JudgementStore(settings.relevance_dir).load("ratings")
    assert qset.judgements[word] == {key: 3 for key in keys}
    last = audit.entries(settings.data_dir, limit=1)[0]
    assert (last.actor, last.action, last.target) == ("ed.editor", "relevance.rate", "ratings.csv")
    assert all(f"{key} = 3 (perfect)" in last.diff for key in keys)
    # the confirmation is shown once, at the result; the set is remembered
    html = client.get(f"/search?q={word}").get_data(as_text=True)
    assert "Rated 3 (perfect) in ratings" in html and 'role="status"' in html
    assert '<option value="ratings" selected>' in html
    assert "Rated 3 (perfect)" not in client.get(f"/search?q={word}").get_data(as_text=True)


def test_rating_is_refused_to_viewers_without_a_token_and_for_bad_input(client, first_result):
    word, result = first_result
    signed_in_as(client, "vic.viewer")
    assert (
        rate(client, word, result["id"], "2", token=csrf_token(client, "/staff/")).status_code
        == 403
    )
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    signed_in_as(client, "ed.editor")
    data = {"set": "ratings", "q": word, "doc": result["id"], "grade": "2"}
    assert client.post("/staff/relevance/rate", data=data).status_code == 400
    token = csrf_token(client, "/staff/")
    assert rate(client, word, result["id"], "7", token=token).status_code == 400
    assert rate(client, word, result["id"], "2", "../etc", token=token).status_code == 400
    assert rate(client, word, "NOPE.404", "2", token=token).status_code == 404
    data = {"csrf_token": token, "set": "ratings", "q": word, "doc": result["id"], "grade": "2"}
    offsite = client.post("/staff/relevance/rate", data={**data, "next": "//evil.example/x"})
    assert offsite.status_code == 303 and offsite.headers["Location"].startswith("/staff/#rate-")


def test_the_index_lists_sets_and_a_set_page_scores_the_live_search(client, first_result):
    word, result = first_result
    signed_in_as(client, "ed.editor")
    rate(client, word, result["id"], "3", "scored")
    html = client.get("/staff/relevance").get_data(as_text=True)
    assert 'href="/staff/relevance/sets/scored">scored</a>' in html
    row = html[html.index('href="/staff/relevance/sets/scored"') :].split("</tr>")[0]
    assert ">1.000</td>" in row  # the live search's MRR: the rated result ranks first
    page = client.get("/staff/relevance/sets/scored")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "MRR <strong>1.000</strong>" in html  # the rated result ranks first
    assert f">{word}<span" in html and "Scores per query" in html
    assert client.get("/staff/relevance/sets/no-such-set").status_code == 404


def test_each_set_downloads_in_the_three_formats(client, first_result):
    word, result = first_result
    signed_in_as(client, "vic.viewer")
    csv_text = client.get("/staff/relevance/sets/scored/export.csv").get_data(as_text=True)
    assert csv_text.startswith("query,record_key,grade,note\n") and f"{word}," in csv_text
    quepid = client.get("/staff/relevance/sets/scored/export.quepid").get_data(as_text=True)
    assert quepid.startswith("query,docid,rating\n")
    rank_eval = client.get("/staff/relevance/sets/scored/export.rank_eval")
    body = json.loads(rank_eval.get_data(as_text=True))
    assert body["requests"][0]["id"] == word
    assert body["requests"][0]["ratings"][0] == {
        "_index": "lantern",
        "_id": result["id"],
        "rating": 3,
    }
    assert client.get("/staff/relevance/sets/scored/export.xml").status_code == 404


def upload(client, name, text, fmt="csv", token=None):
    data = {
        "csrf_token": token or csrf_token(client, "/staff/relevance"),
        "set": name,
        "format": fmt,
        "file": (io.BytesIO(text.encode()), "set.csv"),
    }
    return client.post("/staff/relevance/import", data=data, content_type="multipart/form-data")


def test_an_editor_imports_a_csv_audited_and_hostile_text_is_escaped(client, settings):
    signed_in_as(client, "ed.editor")
    text = f'query,record_key,grade,note\n"{HOSTILE}",ABC:1,2,\nasthma,ABC:2,3,\n'
    done = upload(client, "imported", text)
    assert done.status_code == 303
    assert "Imported" in client.get(done.headers["Location"]).get_data(as_text=True)
    last = audit.entries(settings.data_dir, limit=1)[0]
    assert (last.action, last.target) == ("relevance.import", "imported.csv")
    assert "+asthma,ABC:2,3," in last.diff
    for path in ("/staff/relevance", "/staff/relevance/sets/imported"):
        html = client.get(path).get_data(as_text=True)
        assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_quepid_file_imports_and_a_bad_file_is_named_at_its_field(client, settings):
    signed_in_as(client, "ed.editor")
    assert (
        upload(client, "from-quepid", "query,docid,rating\nasthma,ABC:9,1\n", "quepid").status_code
        == 303
    )
    assert JudgementStore(settings.relevance_dir).load("from-quepid").judgements == {
        "asthma": {"ABC:9": 1}
    }
    refused = upload(client, "broken", "query,record_key,grade\nasthma,ABC:1,9\n")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'aria-describedby="import-file-error"' in html and "line 2" in html
    assert not JudgementStore(settings.relevance_dir).exists("broken")
    bad_name = upload(client, "../../x", "query,record_key,grade\n")
    assert 'id="import-set-error"' in bad_name.get_data(as_text=True)


def test_importing_needs_an_editor_and_the_csrf_token(client):
    signed_in_as(client, "vic.viewer")
    assert upload(client, "viewer-set", "query,record_key,grade\n").status_code == 403
    html = client.get("/staff/relevance").get_data(as_text=True)
    assert "Import a query set" not in html
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    signed_in_as(client, "ed.editor")
    data = {"set": "x", "format": "csv", "file": (io.BytesIO(b"query,record_key,grade\n"), "x.csv")}
    response = client.post("/staff/relevance/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
