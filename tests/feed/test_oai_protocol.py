"""OAI-PMH 2.0 verbs and errors at /oai: every response schema-valid, errors with HTTP 200."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

from indexer.catalogue.store import CatalogueStore
from indexer.feed import tokens
from tests.feed.conftest import HOST, holders_852

OAI = "{http://www.openarchives.org/OAI/2.0/}"
MARC = "{http://www.loc.gov/MARC21/slim}"
SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture(scope="module")
def app(catalogue):
    from opac import create_app

    return create_app(settings=catalogue, test_config={"TESTING": True, "OAI_PAGE_SIZE": 100})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def store_rows(catalogue):
    store = CatalogueStore(catalogue.data_dir / "catalogue.sqlite")
    try:
        return store.changes(limit=10**9)
    finally:
        store.close()


def ask(client, validate, method="GET", **args):
    if method == "GET":
        response = client.get("/oai", query_string=args)
    else:
        response = client.post("/oai", data=args)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    return validate(response.data)


def error_code(doc) -> str | None:
    error = doc.find(f"{OAI}error")
    return None if error is None else error.get("code")


def test_identify_states_granularity_persistent_deletes_and_the_earliest_datestamp(
    client, validate, store_rows
):
    doc = ask(client, validate, verb="Identify")
    ident = doc.find(f"{OAI}Identify")
    assert ident.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext(f"{OAI}deletedRecord") == "persistent"
    earliest = min(stamp for _, stamp, _, _ in store_rows)
    assert ident.findtext(f"{OAI}earliestDatestamp") == datetime.datetime.fromtimestamp(
        int(earliest), datetime.UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ident.findtext(f"{OAI}baseURL") == "https://hub.example.nhs.uk/oai"
    assert SECOND.fullmatch(doc.findtext(f"{OAI}responseDate"))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_list_metadata_formats_offers_oai_dc_and_marc21(client, validate, method, store_rows):
    doc = ask(client, validate, method, verb="ListMetadataFormats")
    prefixes = [e.text for e in doc.iter(f"{OAI}metadataPrefix")]
    assert prefixes == ["oai_dc", "marc21"]
    live = next(i for i, _, gone, _ in store_rows if not gone)
    doc = ask(client, validate, method, verb="ListMetadataFormats", identifier=f"oai:{HOST}:{live}")
    assert len(list(doc.iter(f"{OAI}metadataFormat"))) == 2


def test_list_sets_names_every_library_region_and_format_present(client, validate, catalogue):
    from indexer.libraries import load_consortium

    doc = ask(client, validate, verb="ListSets")
    specs = {
        s.findtext(f"{OAI}setSpec"): s.findtext(f"{OAI}setName") for s in doc.iter(f"{OAI}set")
    }
    consortium = load_consortium(catalogue.libraries)
    for code, library in consortium.libraries.items():
        assert specs[f"library:{code}"] == library.name
        assert f"region:{library.region}" in specs
    assert "format:Book" in specs and "format:E-book" in specs


@pytest.mark.parametrize("prefix", ["marc21", "oai_dc"])
def test_get_record_of_a_held_title_carries_every_holding_and_proxied_links(
    client, validate, catalogue, prefix
):
    from indexer.engine import open_engine

    engine = open_engine(catalogue)
    docs = engine.scan(None, 1000)
    held = max(docs, key=lambda d: len(d["holdings"]))
    online = next(d for d in docs if d.get("links") and d["links"][0]["access"])
    for display in (held, online):
        doc = ask(
            client,
            validate,
            verb="GetRecord",
            metadataPrefix=prefix,
            identifier=f"oai:{HOST}:{display['id']}",
        )
        record = doc.find(f"{OAI}GetRecord/{OAI}record")
        assert record.findtext(f"{OAI}header/{OAI}identifier") == f"oai:{HOST}:{display['id']}"
        if prefix == "oai_dc":
            continue
        marc = record.find(f"{OAI}metadata/{MARC}record")
        assert marc.findtext(f"{MARC}leader")[9] == "a"
        assert marc.findtext(f"{MARC}controlfield[@tag='001']") == display["id"]
        holdings = marc.findall(f"{MARC}datafield[@tag='852']")
        assert [f.findtext(f"{MARC}subfield[@code='a']") for f in holdings] == holders_852(display)
        items = {f.findtext(f"{MARC}subfield[@code='p']") for f in holdings} - {None}
        assert items == {h["item_id"] for h in display["holdings"]}
        urls = [
            f.findtext(f"{MARC}subfield[@code='u']")
            for f in marc.findall(f"{MARC}datafield[@tag='856']")
        ]
        assert urls == [a["url"] for link in display.get("links", []) for a in link["access"]]
        assert all(u.startswith("https://go.openathens.net/") for u in urls)


def test_a_deleted_document_is_reported_with_status_deleted_and_no_metadata(
    client, validate, store_rows
):
    gone = [(i, s) for i, s, deleted, _ in store_rows if deleted]
    assert gone, "merging the generated libraries leaves tombstones"
    doc = ask(
        client,
        validate,
        verb="GetRecord",
        metadataPrefix="marc21",
        identifier=f"oai:{HOST}:{gone[0][0]}",
    )
    header = doc.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert header.get("status") == "deleted"
    assert doc.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata") is None


ERRORS = [
    ({}, "badVerb"),
    ({"verb": "Junk"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["marc21", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "2024-13-45"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "yesterday"}, "badArgument"),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "marc21",
            "from": "2024-01-01",
            "until": "2024-02-01T00:00:00Z",
        },
        "badArgument",
    ),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "marc21",
            "from": "2024-02-01",
            "until": "2024-01-01",
        },
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "marc21", "colour": "blue"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "marc21"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"oai:{HOST}:NOPE.1"},
        "idDoesNotExist",
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:X.1"},
        "idDoesNotExist",
    ),
    ({"verb": "ListMetadataFormats", "identifier": f"oai:{HOST}:NOPE.1"}, "idDoesNotExist"),
    (
        {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": 'a b<c>&"d'},
        "idDoesNotExist",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "marc21", "until": "1990-01-01"}, "noRecordsMatch"),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "marc21", "set": "library:NOWHERE"},
        "noRecordsMatch",
    ),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "marc21", "from": "2999-01-01T00:00:00Z"},
        "noRecordsMatch",
    ),
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("args", "code"), ERRORS, ids=[f"{c}-{i}" for i, (_, c) in enumerate(ERRORS)]
)
def test_errors_are_schema_valid_with_the_right_code(client, validate, method, args, code):
    doc = ask(client, validate, method, **args)
    assert error_code(doc) == code
    request = doc.find(f"{OAI}request")
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}, "the spec wants no attributes echoed for these"


def test_a_tampered_or_expired_token_is_refused(client, validate, app):
    doc = ask(client, validate, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = doc.findtext(f".//{OAI}resumptionToken")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert (
        error_code(ask(client, validate, verb="ListIdentifiers", resumptionToken=tampered))
        == "badResumptionToken"
    )
    provider = app.extensions["lantern_oai"]
    cursor = tokens.decode(token, provider.key)
    old = tokens.encode(
        dataclasses.replace(cursor, expires=cursor.expires - 2 * 86400), provider.key
    )
    assert (
        error_code(ask(client, validate, verb="ListIdentifiers", resumptionToken=old))
        == "badResumptionToken"
    )
    # a ListIdentifiers token is not a ListRecords one
    assert (
        error_code(ask(client, validate, verb="ListRecords", resumptionToken=token))
        == "badResumptionToken"
    )


def test_sets_switched_off_answer_no_set_hierarchy(app, validate):
    provider = app.extensions.get("lantern_oai")
    if provider is None:
        app.test_client().get("/oai?verb=Identify")
        provider = app.extensions["lantern_oai"]
    without = type(provider)(
        dataclasses.replace(provider.repo, sets=False),
        provider.store,
        provider.engine,
        provider.consortium,
        provider.key,
    )
    doc = validate(without.respond([("verb", "ListSets")]))
    assert error_code(doc) == "noSetHierarchy"
    doc = validate(
        without.respond(
            [("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("set", "library:RDE")]
        )
    )
    assert error_code(doc) == "noSetHierarchy"


def walk(client, validate, verb, **args):
    """Every page of a list: (headers, [(cursor, completeListSize, token)])."""
    doc = ask(client, validate, verb=verb, **args)
    headers, tokens_seen = [], []
    while True:
        assert error_code(doc) is None
        headers += list(doc.iter(f"{OAI}header"))
        # OAI-PMH.xsd types a header datestamp as a plain string: check the granularity here.
        assert all(SECOND.fullmatch(h.findtext(f"{OAI}datestamp")) for h in headers)
        token = doc.find(f".//{OAI}resumptionToken")
        if token is None:
            return headers, tokens_seen
        tokens_seen.append(
            (
                int(token.get("cursor")),
                int(token.get("completeListSize")),
                token.text,
                token.get("expirationDate"),
                doc.findtext(f"{OAI}responseDate"),
            )
        )
        if not token.text:
            return headers, tokens_seen
        doc = ask(client, validate, verb=verb, resumptionToken=token.text)


def test_flow_control_pages_of_100_with_cursor_size_and_an_empty_last_token(
    client, validate, store_rows
):
    headers, seen = walk(client, validate, "ListIdentifiers", metadataPrefix="oai_dc")
    ids = [h.findtext(f"{OAI}identifier") for h in headers]
    assert len(ids) == len(set(ids)) == len(store_rows)
    assert [c for c, *_ in seen] == [100 * n for n in range(len(seen))]
    assert {size for _, size, *_ in seen} == {len(store_rows)}
    assert seen[-1][2] is None, "the last page carries an empty <resumptionToken/>"
    for _, _, _token, expires, responded in seen[:-1]:
        lifetime = datetime.datetime.fromisoformat(expires) - datetime.datetime.fromisoformat(
            responded
        )
        assert lifetime >= datetime.timedelta(hours=24)
        assert "-" not in ids[0].split(":", 2)[2]


def test_tokens_survive_a_restart_of_the_server(client, validate, catalogue):
    from opac import create_app

    doc = ask(client, validate, verb="ListRecords", metadataPrefix="marc21")
    token = doc.findtext(f".//{OAI}resumptionToken")
    restarted = create_app(settings=catalogue, test_config={"TESTING": True, "OAI_PAGE_SIZE": 100})
    doc = ask(restarted.test_client(), validate, verb="ListRecords", resumptionToken=token)
    assert error_code(doc) is None
    assert len(list(doc.iter(f"{OAI}record"))) == 100


def test_day_and_second_granularity_select_the_same_records(client, validate, store_rows):
    stamp = sorted(s for _, s, _, _ in store_rows)[len(store_rows) // 2]
    when = datetime.datetime.fromtimestamp(int(stamp), datetime.UTC)
    second = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = {i for i, s, _, _ in store_rows if int(s) <= int(stamp)}
    headers, _ = walk(client, validate, "ListIdentifiers", metadataPrefix="oai_dc", until=second)
    assert {h.findtext(f"{OAI}identifier").rsplit(":", 1)[1] for h in headers} == expected
    day = when.strftime("%Y-%m-%d")
    headers, _ = walk(
        client, validate, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day}
    )
    assert len(headers) == sum(
        1
        for _, s, _, _ in store_rows
        if datetime.datetime.fromtimestamp(s, datetime.UTC).strftime("%Y-%m-%d") == day
    )


def test_a_set_lists_only_its_library(client, validate, store_rows):
    headers, _ = walk(
        client, validate, "ListIdentifiers", metadataPrefix="marc21", set="library:KVH"
    )
    expected = {i for i, _, _, sets in store_rows if "library:KVH" in sets.split()}
    assert {h.findtext(f"{OAI}identifier").rsplit(":", 1)[1] for h in headers} == expected
    assert all("library:KVH" in [s.text for s in h.iter(f"{OAI}setSpec")] for h in headers)


def test_the_identifier_host_and_admin_email_are_settings(catalogue, validate, store_rows):
    """LANTERN_OAI_HOST and LANTERN_OAI_ADMIN_EMAIL: read once from the environment like every
    setting (they were looked up on the settings object but no setting defined them)."""
    from indexer.settings import load_settings
    from opac import create_app

    environ = {
        "LANTERN_OAI_HOST": "union.example.org",
        "LANTERN_OAI_ADMIN_EMAIL": "hub-team@example.org",
    }
    own = load_settings(
        environ,
        data_dir=catalogue.data_dir,
        libraries=catalogue.libraries,
        base_url=catalogue.base_url,
        secret_key=catalogue.secret_key,
    )
    client = create_app(settings=own, test_config={"TESTING": True}).test_client()
    doc = ask(client, validate, verb="Identify")
    assert doc.findtext(f"{OAI}Identify/{OAI}adminEmail") == "hub-team@example.org"
    live = next(i for i, _, gone, _ in store_rows if not gone)
    doc = ask(
        client,
        validate,
        verb="GetRecord",
        metadataPrefix="oai_dc",
        identifier=f"oai:union.example.org:{live}",
    )
    assert error_code(doc) is None
