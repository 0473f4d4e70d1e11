"""A second Lantern plays a member library's Koha: its /ilsdi, on a real socket, answers for the
library's own records (LIBRARY:RECORD) from a newer export in which a copy was lent; the union
catalogue, still holding the older export, shows that copy on loan, with its due date."""

from __future__ import annotations

import dataclasses
import threading

import pymarc
import pytest
from werkzeug.serving import make_server

from indexer.load.runner import load_libraries
from indexer.settings import load_settings
from opac import create_app

DUE = "2026-12-21"


@pytest.fixture(scope="module")
def union(tmp_path_factory):
    from lantern.demo import load_demo

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("union") / "inst")
    return load_demo(settings, records=200, libraries=2, log=lambda *a: None)


def _koha_library(settings) -> tuple[str, object]:
    """A demo library whose export holds Koha items (952), and its export file."""
    from indexer.libraries import load_consortium

    consortium = load_consortium(settings.libraries)
    for code, library in consortium.libraries.items():
        path = settings.data_dir / "demo" / f"{code}.mrc"
        if library.holdings in ("koha952", "auto") and path.exists():
            with path.open("rb") as f:
                if any(r.get_fields("952") for r in pymarc.MARCReader(f) if r):
                    return code, path
    pytest.skip("no demo library exports Koha items")


def _lend_one(source, target) -> tuple[str, str]:
    """`source` with one copy on loan (952 $q, Koha's due date); (record id, barcode)."""
    lent = None
    with source.open("rb") as f, target.open("wb") as out:
        for record in pymarc.MARCReader(f):
            for item in record.get_fields("952") if lent is None else []:
                if item.get("p") and not item.get("q"):
                    item.add_subfield("q", DUE)
                    lent = (record["001"].data if record["001"] else "", item["p"])
                    break
            out.write(record.as_marc())
    assert lent, "no copy to lend"
    return lent


@pytest.fixture(scope="module")
def member(union, tmp_path_factory):
    """(member's ILS-DI URL, library code, record id, barcode): the member's Lantern loaded
    with the library's newer export, served over HTTP in a thread."""
    code, export = _koha_library(union)
    home = tmp_path_factory.mktemp("member")
    newer = home / f"{code}-newer.mrc"
    record_id, barcode = _lend_one(export, newer)
    settings = load_settings(environ={}, data_dir=home / "inst", libraries=union.libraries)
    load_libraries(settings, [(code, [newer])], progress=False, log=lambda *a: None)
    httpd = make_server("127.0.0.1", 0, create_app(settings=settings), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/ilsdi", code, record_id, barcode
    httpd.shutdown()


def test_the_union_shows_the_copy_the_members_system_says_was_lent(union, member, tmp_path):
    url, code, record_id, barcode = member
    libraries = tmp_path / "libraries.toml"
    text = union.libraries.read_text()
    start = text.index(f'code = "{code}"')
    end = text.find("[[library]]", start)
    table = (
        f'\n[library.availability]\nkind = "ilsdi"\nurl = "{url}"\n'
        f'record_id = "{code}:{{record_id}}"\n'
    )
    libraries.write_text(
        text + table if end < 0 else text[:end] + table.lstrip("\n") + "\n" + text[end:]
    )
    app = create_app(settings=dataclasses.replace(union, libraries=libraries))
    service = app.extensions["lantern"]
    [doc] = [
        d
        for d in service.engine.scan(None, 1000)
        if any(h.get("item_id") == barcode and h["library"] == code for h in d["holdings"])
    ]
    [indexed] = [h for h in doc["holdings"] if h.get("item_id") == barcode]
    assert indexed["status"] == "available"  # the union's export is older
    body = app.test_client().get(f"/api/v1/availability?id={doc['id']}").get_json()
    [copy] = [i for r in body["records"] for i in r["items"] if i["id"].endswith(":" + barcode)]
    assert (copy["status"], copy["due_date"], copy["source"]) == ("not available", DUE, "live")
    assert copy["message"].startswith("On loan")
