"""Asking a member system over HTTP: one GET within its timeout, as bytes (or ConnectorError);
the connectors that ask for a batch of records at once; their answers read as XML safely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import requests
from lxml import etree

from indexer.availability.config import AvailabilityConfig
from indexer.availability.model import ConnectorError, CopyStatus

MAX_BYTES = 5_000_000  # an availability answer for a page of records is kilobytes
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class RecordsConnector:
    """A connector asking its system for every record of a batch in one GET: `params` (the
    system's ids of the records asked) and `accept` say how, `read(body, asked)` reads the
    answer (asked: the system's id -> the index's record id)."""

    accept = "text/xml"

    def __init__(self, config: AvailabilityConfig) -> None:
        self.config = config

    def params(self, ids: list[str]) -> dict:
        raise NotImplementedError

    def read(self, body: bytes, asked: dict[str, str]) -> list[CopyStatus]:
        raise NotImplementedError

    def statuses(self, records: Mapping[str, Sequence[str]]) -> list[CopyStatus]:
        if not records:
            return []
        asked = {self.config.system_id(r): r for r in records}
        body = get(self.config, self.params(list(asked)), self.accept)
        return self.read(body, asked)


def xml(body: bytes, what: str):
    """`body` parsed as XML (no entities resolved, nothing fetched), or ConnectorError."""
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ConnectorError(f"not {what} XML: {exc}") from exc


def get(config: AvailabilityConfig, params: dict, accept: str) -> bytes:
    if not config.url:
        raise ConnectorError(f"{config.kind}: no url in the library's availability table")
    credentials = config.credentials()
    try:
        with requests.get(
            config.url,
            params=params,
            headers={"Accept": accept, "User-Agent": "Lantern availability"},
            auth=credentials,
            timeout=(config.timeout, config.timeout),
            stream=True,
        ) as response:
            if response.status_code != 200:
                raise ConnectorError(f"{config.url} answered HTTP {response.status_code}")
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise ConnectorError(f"{config.url}: {type(exc).__name__}") from exc
    if len(body) > MAX_BYTES:
        raise ConnectorError(f"{config.url}: the answer is larger than {MAX_BYTES} bytes")
    return body
