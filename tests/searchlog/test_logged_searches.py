"""Readers' searches through the OPAC's real HTTP routes land in the search log with their
outcome, and with nothing that could identify the reader."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

from tests.searchlog.conftest import logged

READER = {
    "environ_base": {"REMOTE_ADDR": "203.0.113.77"},
    "headers": {
        "User-Agent": "ReaderBrowser/9.9 (unique-agent-7731)",
        "X-Forwarded-For": "198.51.100.23",
        "Cookie": "session=cookie-value-5521; tracking=tr-8843",
        "Referer": "https://intranet.example.nhs.uk/ward-12/",
    },
}
STORED_COLUMNS = {
    "id",
    "at",
    "week",
    "query",
    "scope",
    "filters",
    "hits",
    "suggestion",
    "from_suggestion",
    "ms",
    "channel",
}


def _log_bytes(app) -> bytes:
    path = app.config["LANTERN_SETTINGS"].search_log_path
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_results_page_search_is_logged_with_its_outcome_and_nothing_about_the_reader(app, client):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    page = client.get("/search?q=  Nursing   PRACTICE &filter=format:Book", **READER)
    assert page.status_code == 200
    total = client.get("/api/v1/search?q=nursing practice&filter=format:Book").get_json()["total"]
    first = logged(app)[0]
    assert first["query"] == "nursing practice"
    assert first["filters"] == "format:Book"
    assert first["scope"] == "" and first["channel"] == "page"
    assert first["hits"] == total > 0
    assert first["suggestion"] == "" and first["from_suggestion"] == 0
    assert 0 < first["ms"] < 10_000
    at = datetime.datetime.strptime(first["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    assert before <= at <= datetime.datetime.now(datetime.UTC)
    year, week, _ = at.isocalendar()
    assert first["week"] == f"{year}-W{week:02d}"
    # Nothing about the reader: no column for it, and none of it anywhere in the files.
    assert set(first) == STORED_COLUMNS
    stored = _log_bytes(app)
    for secret in (b"203.0.113.77", b"198.51.100.23", b"unique-agent", b"cookie-value", b"tr-8843"):
        assert secret not in stored
    assert b"ward-12" not in stored


def test_api_searches_are_logged_with_scope_filters_and_exclusions(app, client):
    code = sorted(app.extensions["lantern"].consortium.libraries)[0]
    api = client.get(
        f"/api/v1/search?q=Care&scope={code.lower()}&exclude=format:Journal"
        "&filter=year:2010-2019&filter=availability:available&year_from=1990",
        **READER,
    )
    assert api.status_code == 200
    [row] = logged(app)
    assert row["channel"] == "api" and row["query"] == "care" and row["scope"] == code
    assert row["filters"].split("\n") == [
        "-format:Journal",
        "availability:available",
        "year:2010-2019",
        "year_from:1990",
    ]
    assert row["hits"] == api.get_json()["total"]


def test_library_and_region_views_log_their_scope(app, client):
    library = app.extensions["lantern"].consortium.libraries[
        sorted(app.extensions["lantern"].consortium.libraries)[0]
    ]
    assert client.get(f"/library/{library.code}/?q=health").status_code == 200
    assert client.get(f"/region/{library.region}/?q=health").status_code == 200
    rows = logged(app)
    assert [(r["scope"], r["channel"]) for r in rows] == [
        (library.code, "page"),
        (library.region, "page"),
    ]
    assert rows[0]["filters"] == f"library:{library.code}"
    assert rows[1]["filters"] == f"region:{library.region}"


def test_paging_an_empty_box_feeds_and_record_pages_are_not_searches(app, client):
    assert client.get("/search?q=nursing&page=2").status_code == 200
    assert client.get("/api/v1/search?q=nursing&page=2").status_code == 200
    assert client.get("/search?q=").status_code == 200
    assert client.get("/api/v1/search").status_code == 200
    assert client.get("/search.atom?q=nursing").status_code == 200
    assert client.get("/api/v1/suggest?q=nurs").status_code == 200
    assert logged(app) == []
    assert client.get("/search?q=nursing").status_code == 200
    assert [r["query"] for r in logged(app)] == ["nursing"]


def test_a_zero_result_search_keeps_its_suggestion_and_taking_it_is_marked(app, client):
    page = client.get("/search?q=nursng").data.decode()
    link = re.search(r'class="did-you-mean">Did you mean <a href="([^"]+)"', page)
    assert link, "the demo catalogue offers a suggestion for a misspelt word"
    href = link.group(1).replace("&amp;", "&")
    assert href.endswith("&from=suggestion")
    assert client.get(href).status_code == 200
    assert client.get("/api/v1/search?q=zzxqvw").get_json()["total"] == 0
    misspelt, taken, nothing = logged(app)
    assert misspelt["query"] == "nursng" and misspelt["suggestion"] == "nursing"
    assert misspelt["from_suggestion"] == 0
    assert taken["query"] == "nursing" and taken["from_suggestion"] == 1
    assert nothing["hits"] == 0 and nothing["suggestion"] == ""


def test_personal_data_in_a_search_is_redacted_before_it_is_written(app, client):
    words = "jane.doe@nhs.net discharge 07700 900123 943 476 5919 +44 20 7946 0018"
    assert client.get("/api/v1/search", query_string={"q": words}).status_code == 200
    assert client.get("/search", query_string={"q": "isbn 978-0-19-852663-6"}).status_code == 200
    personal, isbn = logged(app)
    assert personal["query"] == "[redacted] discharge [redacted] [redacted] [redacted]"
    assert isbn["query"] == "isbn 978-0-19-852663-6"
    stored = _log_bytes(app)
    for secret in (b"jane.doe", b"nhs.net", b"900123", b"5919", b"7946"):
        assert secret not in stored


def test_a_broken_search_log_never_fails_a_search(tmp_path, loaded, caplog):
    import dataclasses

    from opac import create_app

    settings = dataclasses.replace(loaded, data_dir=tmp_path)
    for name in ("index", "libraries.toml"):  # the same catalogue, another data directory
        (tmp_path / name).symlink_to(loaded.data_dir / name)
    settings = dataclasses.replace(settings, libraries=tmp_path / "libraries.toml")
    settings.search_log_path.mkdir()  # a directory where the log's file should be
    app = create_app(settings=settings)
    client = app.test_client()
    for _ in range(3):
        found = client.get("/api/v1/search?q=nursing")
        assert found.status_code == 200 and found.get_json()["total"] > 0
        assert client.get("/search?q=nursing").status_code == 200
    assert app.extensions["lantern"].search_log.flush() == 0
    warnings = [r for r in caplog.records if r.name == "lantern.searchlog"]
    assert len(warnings) == 1 and "not written" in warnings[0].getMessage()
    # A file that is not a database is no better, and no worse for readers.
    settings.search_log_path.rmdir()
    settings.search_log_path.write_bytes(b"this is not an SQLite database" * 100)
    assert client.get("/search?q=care").status_code == 200
    assert app.extensions["lantern"].search_log.flush() == 0


def test_the_log_is_off_when_its_days_are_zero(tmp_path, loaded):
    import dataclasses

    from opac import create_app

    settings = dataclasses.replace(loaded, data_dir=tmp_path, search_log_days=0)
    (tmp_path / "index").symlink_to(loaded.data_dir / "index")
    app = create_app(settings=settings)
    assert app.test_client().get("/search?q=nursing").status_code == 200
    assert app.extensions["lantern"].search_log is None
    assert not settings.search_log_path.exists()


def test_lantern_search_in_the_terminal_is_not_logged(app, client, loaded):
    assert client.get("/search?q=nursing").status_code == 200
    before = logged(app)
    # Its own process, so a log it kept would be written at its exit.
    run = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "--data-dir", str(loaded.data_dir)]
        + ["search", "--size", "3", "nursing", "practice"],
        env={"LANTERN_LIBRARIES": str(loaded.libraries), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "results" in run.stdout
    assert logged(app) == before


def test_the_api_takes_the_suggestion_marker_and_ignores_any_other_from(app, client):
    assert client.get("/api/v1/search?q=asthma&from=suggestion").status_code == 200
    assert client.get("/api/v1/search?q=asthma&from=elsewhere").status_code == 200
    assert [r["from_suggestion"] for r in logged(app)] == [1, 0]
    documented = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in documented["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert "from" in names
