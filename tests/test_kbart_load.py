"""`lantern load --format kbart`: licensed e-books beside print, merged with the MARC e-book."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lantern.cli import main
from lantern.exits import EXIT_OK, EXIT_REJECTED
from tests.conftest import shared, write_libraries

HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\t"
    "num_last_vol_online\tnum_last_issue_online\ttitle_url\tfirst_author\ttitle_id\t"
    "embargo_info\tcoverage_depth\tnotes\tpublisher_name\tpublication_type\t"
    "date_monograph_published_print\tdate_monograph_published_online\tmonograph_volume\t"
    "monograph_edition\tfirst_editor\tparent_publication_title_id\t"
    "preceding_publication_title_id\taccess_type"
)


def kbart_file(path, rows):
    path.write_text(HEADER + "\n" + "\n".join("\t".join(r) for r in rows) + "\n")
    return path


def row(title, isbn, url, author="Neteler", edition="3", year="2008"):
    cells = [""] * 25
    cells[0], cells[2], cells[9], cells[10] = title, isbn, url, author
    cells[16], cells[18], cells[20], cells[24] = "monograph", year, edition, "P"
    return cells


def run(tmp_path, *args):
    runner = CliRunner()
    return runner.invoke(main, ["--data-dir", str(tmp_path), *args], catch_exceptions=False)


def test_a_kbart_list_loads_as_licensed_ebooks(tmp_path):
    write_libraries(tmp_path / "libraries.toml", "EXE", "TRU")
    path = shared("kbart", "ezpaarse-platforms__AIP_GLOBAL_ALLEBOOKS_2026-01-01.txt")
    result = run(tmp_path, "load", "-q", "--library", "TRU", "--format", "kbart", str(path))
    assert result.exit_code in (EXIT_OK, EXIT_REJECTED), result.output
    page = json.loads(run(tmp_path, "search", "--json", "Synthetic Solar Irradiance").output)
    hit = page["results"][0]
    assert hit["format"] == "E-book" and hit["available"]
    assert hit["links"][0]["url"].startswith("https://proxy.tru.example/login?url=")
    counts = {f["value"]: f["count"] for f in page["facets"]["availability"]}
    assert counts.get("online", 0) >= 1


def test_a_kbart_title_merges_with_the_marc_ebook_of_the_same_online_isbn(tmp_path):
    write_libraries(tmp_path / "libraries.toml", "EXE", "TRU")
    marc = shared("marc", "evergreen__oss.marc")
    assert run(tmp_path, "load", "-q", "--library", "EXE", str(marc)).exit_code == EXIT_OK
    before = json.loads(run(tmp_path, "search", "--json", "").output)["total"]
    isbn = "9780387685748"
    listing = kbart_file(
        tmp_path / "tru.txt",
        [
            row(
                "Open Source GIS : A GRASS GIS Approach",
                isbn,
                "https://link.springer.com/book/10.1007/978-0-387-68574-8",
            )
        ],
    )
    result = run(tmp_path, "load", "-q", "--library", "TRU", "--format", "kbart", str(listing))
    assert result.exit_code == EXIT_OK, result.output
    page = json.loads(run(tmp_path, "search", "--json", "").output)
    assert page["total"] == before
    hit = json.loads(run(tmp_path, "search", "--json", f"isbn:{isbn}").output)["results"][0]
    assert {m["library"] for m in hit["members"]} == {"EXE", "TRU"}
    tru = [link for link in hit["links"] if link["library"] == "TRU"]
    assert tru and all(link["url"].startswith("https://proxy.tru.example/") for link in tru)
