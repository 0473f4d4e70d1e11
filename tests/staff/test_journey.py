"""A librarian's journey through the console, as a new user would take it (issue 16, "Done
when"): a reader's search finds nothing; the librarian gets an account from the shell, signs in,
finds the zero-result search, adds a synonym for it in the browser, previews and evaluates the
draft, publishes, sees the reader's search now work, rolls it back, and finds both changes in the
audit log. Real HTTP through Flask's test client with a real session, on a real catalogue."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from indexer.relevance.judgements import JudgementStore
from indexer.staff import audit
from lantern.cli import main
from opac.search.service import SearchParams
from tests.staff.conftest import CSRF_FIELD, make_app, sign_in
from tests.staff.test_tuning_pages import BASED_ON, own_synonyms

QUERY = "psoriasis"  # no record of the demo catalogue has the word
FOUND = "Dermatology made easy"
USER, PASSWORD = "nia.newcomer", "a new librarian's passphrase"


@pytest.fixture(scope="module")
def journey_app(settings, tmp_path_factory):
    tuned = own_synonyms(settings, tmp_path_factory.mktemp("journey-synonyms"))
    return make_app(tuned)


def reader_search(app, query: str) -> str:
    """A reader (no cookie of any kind) searching from the results page."""
    page = app.test_client().get("/search", query_string={"q": query})
    assert page.status_code == 200
    return re.sub(r"<[^>]+>", "", page.get_data(as_text=True))  # without the highlight marks


def form_of(page: str) -> dict:
    content = re.search(r'<textarea id="content"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    return {
        "csrf_token": CSRF_FIELD.search(page).group(1),
        "based_on": re.search(BASED_ON, page).group(1),
        "content": html.unescape(content),
    }


def a_judged_set(app) -> str:
    """A query set that judges the record the new synonym should find."""
    settings = app.config["LANTERN_SETTINGS"]
    hit = app.extensions["lantern"].search(SearchParams(q='"dermatology made easy"', size=1))
    member = hit["results"][0]["members"][0]
    JudgementStore(settings.relevance_dir).judge(
        "journey", QUERY, f"{member['library']}:{member['record_id']}", 3
    )
    return "journey"


def test_a_librarian_adds_a_synonym_for_a_failed_search_publishes_and_rolls_it_back(
    journey_app,
):
    app = journey_app
    settings = app.config["LANTERN_SETTINGS"]
    data_dir = str(settings.data_dir)

    # A reader searches and finds nothing; the search is logged (flushed from the buffer).
    assert FOUND not in reader_search(app, QUERY)
    app.extensions["lantern"].search_log.flush()
    zero = CliRunner().invoke(main, ["--data-dir", data_dir, "searches", "zero", "--json"])
    assert zero.exit_code == 0, zero.output
    assert QUERY in zero.output

    # An account from the shell, then sign in through the form.
    added = CliRunner().invoke(
        main,
        ["--data-dir", data_dir, "staff", "add", USER, "--role", "editor", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    browser = app.test_client()
    assert sign_in(browser, USER, PASSWORD).status_code == 303

    # Today's zero-result searches, and from the failed one its "Add a synonym" link.
    searches = browser.get("/staff/searches")
    listed = searches.get_data(as_text=True)
    assert searches.status_code == 200 and QUERY in listed
    link = next(
        html.unescape(href)
        for href in re.findall(r'href="(/staff/synonyms/[^"]*)"', listed)
        if parse_qs(urlsplit(html.unescape(href)).query).get("add") == [QUERY]
    )

    # The editor opened from the failed search, the query on a new last line.
    opened = browser.get(link)
    form = form_of(opened.get_data(as_text=True))
    assert form["content"].endswith(f"\n{QUERY}, ")
    form["content"] += "dermatology\n"

    # Preview: the draft finds the record, the live configuration does not.
    shown = browser.post("/staff/synonyms/health.txt/preview", data={**form, "query": QUERY})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Live: 0 results" in page and FOUND in page
    assert FOUND not in reader_search(app, QUERY)  # nobody else sees the draft

    # Evaluate the draft on a query set judging that record: the draft is better.
    judged = {**form, "set": a_judged_set(app)}
    evaluated = browser.post("/staff/synonyms/health.txt/evaluate", data=judged)
    assert evaluated.status_code == 200
    assert "The draft is better" in evaluated.get_data(as_text=True)

    # Publish: the reader's search now finds the record.
    published = browser.post(
        "/staff/synonyms/health.txt", data={**form, "reason": "readers search for psoriasis"}
    )
    assert published.status_code == 303, published.get_data(as_text=True)[:2000]
    assert FOUND in reader_search(app, QUERY)

    # Roll back to the version before: the search finds nothing again.
    history = browser.get("/staff/synonyms/health.txt/history").get_data(as_text=True)
    before = re.findall(r'name="version" value="(\d+)"', history)[0]
    rolled = browser.post(
        "/staff/synonyms/health.txt/rollback",
        data={
            "csrf_token": CSRF_FIELD.search(history).group(1),
            "version": before,
            "reason": "trying it for a week first",
        },
    )
    assert rolled.status_code == 303
    assert FOUND not in reader_search(app, QUERY)

    # The audit log lists both changes, by the new librarian, with their diffs.
    entries = audit.entries(settings.data_dir, limit=10)
    mine = [(e.action, e.target) for e in entries if e.actor == USER]
    assert mine[:2] == [("synonyms.rollback", "health.txt"), ("synonyms.publish", "health.txt")]
    assert "+psoriasis, dermatology" in entries[1].diff
    admin = app.test_client()
    sign_in(admin, "ann.admin")
    log_page = admin.get("/staff/audit").get_data(as_text=True)
    assert "synonyms.publish" in log_page and "synonyms.rollback" in log_page
