"""Fixtures for the Hub feed: a generated consortium loaded into a data dir, a real HTTP server
over it, and the OAI-PMH / oai_dc / MARC21slim schemas compiled offline."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import shared

BASE_URL = "https://hub.example.nhs.uk"
HOST = "hub.example.nhs.uk"
WRAPPER = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="urn:lantern:test:all" elementFormDefault="qualified">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="{oai}"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/" schemaLocation="{dc}"/>
  <xs:import namespace="http://www.loc.gov/MARC21/slim" schemaLocation="{marc}"/>
</xs:schema>
"""


class _LocalXmlXsd(etree.Resolver):
    """simpledc imports the W3C xml.xsd by URL; the tests run offline, so map it to our copy."""

    def __init__(self, local: Path) -> None:
        super().__init__()
        self.local = local

    def resolve(self, url, pubid, context):
        if url and url.endswith("/2001/03/xml.xsd"):
            return self.resolve_filename(str(self.local), context)
        return None


@pytest.fixture(scope="session")
def oai_schema(tmp_path_factory) -> etree.XMLSchema:
    """OAI-PMH.xsd validating payloads strictly, with oai_dc and MARC21slim loaded beside it."""
    schemas = shared("schemas")
    wrapper = tmp_path_factory.mktemp("xsd") / "all.xsd"
    wrapper.write_text(
        WRAPPER.format(
            oai=(schemas / "OAI-PMH.xsd").as_uri(),
            dc=(schemas / "oai_dc.xsd").as_uri(),
            marc=(schemas / "MARC21slim.xsd").as_uri(),
        )
    )
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd(schemas / "xml.xsd"))
    return etree.XMLSchema(etree.parse(str(wrapper), parser))


@pytest.fixture(scope="session")
def validate(oai_schema):
    def check(xml: str | bytes) -> etree._Element:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        doc = etree.fromstring(data)
        if not oai_schema.validate(doc):
            raise AssertionError(f"invalid response: {oai_schema.error_log}\n{data[:1500]!r}")
        return doc

    return check


def quiet_load(settings, code, files, **kw):
    from indexer.load.runner import load_library

    return load_library(settings, code, files, progress=False, log=lambda *a: None, **kw)


def build_catalogue(root: Path, records: int = 500, seed: int = 11):
    from indexer.settings import load_settings
    from lantern.sample.generate import generate_consortium

    generated = generate_consortium(root / "gen", records=records, libraries=3, seed=seed)
    settings = load_settings(
        environ={},
        data_dir=root / "data",
        workers=0,
        libraries=generated.libraries_toml,
        base_url=BASE_URL,
        secret_key="feed-tests",
    )
    for code, path in generated.files.items():
        quiet_load(settings, code, [path])
    return settings, generated


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory):
    """A generated 3-library consortium, loaded once and never changed (read-only tests)."""
    return build_catalogue(tmp_path_factory.mktemp("catalogue"))[0]


class LiveServer:
    def __init__(self, settings, config: dict | None = None) -> None:
        from werkzeug.serving import make_server

        from opac import create_app

        self.app = create_app(settings=settings, test_config={"TESTING": True, **(config or {})})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def serve():
    started: list[LiveServer] = []

    def start(settings, **config) -> LiveServer:
        server = LiveServer(settings, config)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def with_settings(settings, **changes):
    return dataclasses.replace(settings, **changes)


def holders_852(display: dict) -> list[str]:
    """The library of each 852 the feed gives a document: one per item, then one per member
    record without items."""
    holdings = display.get("holdings") or []
    with_items = {(h["library"], h["record_id"]) for h in holdings}
    return [h["library"] for h in holdings] + [
        m["library"] for m in display["members"] if (m["library"], m["record_id"]) not in with_items
    ]
