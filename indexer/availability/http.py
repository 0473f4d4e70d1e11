"""One GET to a member system, within its timeout, as bytes (or ConnectorError)."""

from __future__ import annotations

import requests

from indexer.availability.config import AvailabilityConfig
from indexer.availability.model import ConnectorError

MAX_BYTES = 5_000_000  # an availability answer for a page of records is kilobytes


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
