"""Buffered `_bulk` writes with retries: the OpenSearch engine's write path.

Actions are kept in order (an upsert then a delete of the same id stays a delete) and sent as
NDJSON once `batch_size` actions or `max_bytes` of them wait, whichever comes first: a request
stays well under the cluster's `http.max_content_length` (100 MB by default, less on managed
services), which refuses a larger one whole. Every action is idempotent (index or delete by
id), so a request is sent again, after an exponential backoff, when the whole of it was refused
with 429 (the write queue is full) or 503, when it timed out or lost its connection (it may or
may not have been carried out), and items refused with 429/503 are sent again alone. Any other
item error is a bug or bad data and fails loudly. Writes to the alias carry
`require_alias=true`: a missing alias is an outage, never a concrete `lantern` index made up
by auto-create. No request asks for a refresh: the engine refreshes once, at commit().
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from indexer.errors import EngineError, EngineUnavailableError

RETRY_STATUSES = (429, 503)
MAX_BYTES = 10_000_000  # per request: a tenth of OpenSearch's default http.max_content_length

Pair = tuple[dict, "dict | None"]


def _ndjson(action: dict, source: dict | None) -> bytes:
    lines = orjson.dumps(action) + b"\n"
    return lines + orjson.dumps(source) + b"\n" if source is not None else lines


class BulkWriter:
    def __init__(
        self,
        client: OpenSearch,
        target: str,
        batch_size: int = 500,
        retries: int = 5,
        backoff: float = 0.5,
        sleep=time.sleep,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.client = client
        self.alias = target
        self.target = target  # the alias, or the new index during a rebuild
        self.batch_size = max(1, batch_size)
        self.max_bytes = max(1, max_bytes)
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._pending: list[tuple[Pair, bytes]] = []
        self._pending_bytes = 0
        self.before_send = lambda: None  # the engine's writer lease check
        self.sent_requests = 0
        self.retried_items = 0

    def add(self, action: dict, source: dict | None = None) -> None:
        lines = _ndjson(action, source)
        if self._pending and self._pending_bytes + len(lines) > self.max_bytes:
            self.flush()
        self._pending.append(((action, source), lines))
        self._pending_bytes += len(lines)
        if len(self._pending) >= self.batch_size or self._pending_bytes >= self.max_bytes:
            self.flush()

    def discard(self) -> None:
        self._pending, self._pending_bytes = [], 0

    def flush(self) -> None:
        pending = self._pending
        self.discard()
        if pending:
            self._send(pending)

    def _send(self, batch: list[tuple[Pair, bytes]]) -> None:
        self.before_send()
        params = {"require_alias": "true"} if self.target == self.alias else {}
        for attempt in range(self.retries + 1):
            body = b"".join(lines for _, lines in batch)
            try:
                self.sent_requests += 1
                answer = self.client.bulk(body=body, index=self.target, params=params)
            except os_errors.TransportError as exc:
                if not self._may_retry(exc, len(body)) or attempt == self.retries:
                    raise
                self._sleep(self.backoff * 2**attempt)
                continue
            batch = self._failed_items(batch, answer)
            if not batch:
                return
            self.retried_items += len(batch)
            if attempt < self.retries:
                self._sleep(self.backoff * 2**attempt)
        raise EngineUnavailableError(
            f"opensearch bulk: {len(batch)} actions still refused (429/503) after "
            f"{self.retries} retries; the cluster is overloaded"
        )

    @staticmethod
    def _may_retry(exc: os_errors.TransportError, size: int) -> bool:
        if isinstance(exc, os_errors.ConnectionError):  # also ConnectionTimeout
            return True
        status = exc.status_code if isinstance(exc.status_code, int) else 0
        if status == 413:
            raise EngineError(
                f"opensearch bulk: a request of {size:,} bytes was refused as too large "
                "(the cluster's http.max_content_length); no document was written"
            ) from exc
        return status in RETRY_STATUSES

    def _failed_items(self, batch: list, answer: dict[str, Any]) -> list:
        """The actions to send again; raises on errors that a retry cannot fix."""
        if not answer.get("errors"):
            return []
        again, fatal = [], []
        for pair, item in zip(batch, answer.get("items", []), strict=True):
            ((op, result),) = item.items()
            status = int(result.get("status", 200))
            error = result.get("error")
            if status < 300 or (op == "delete" and status == 404 and not error):
                continue  # deleting what is not there is fine: deletes are idempotent
            if status == 404:  # require_alias: the alias points at no index
                raise EngineUnavailableError(
                    f"opensearch bulk: no index behind {self.target!r}: {error}"
                )
            if status in RETRY_STATUSES:
                again.append(pair)
            else:
                fatal.append(f"{result.get('_id')}: {status} {error}")
        if fatal:
            raise EngineError(
                f"opensearch bulk refused {len(fatal)} documents, first: {'; '.join(fatal[:3])}"
            )
        return again
