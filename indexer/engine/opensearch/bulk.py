"""Buffered `_bulk` writes with retries: the OpenSearch engine's write path.

Actions are kept in order (an upsert then a delete of the same id stays a delete) and sent
`batch_size` documents at a time as NDJSON. A whole request refused with 429 (the cluster's
write queue is full) or 503, or single items refused that way, are sent again after an
exponential backoff; any other item error is a bug or bad data and fails loudly. No request
asks for a refresh: the engine refreshes once, at commit().
"""

from __future__ import annotations

import time
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from indexer.errors import EngineError, EngineUnavailableError

RETRY_STATUSES = (429, 503)


class BulkWriter:
    def __init__(
        self,
        client: OpenSearch,
        target: str,
        batch_size: int = 500,
        retries: int = 5,
        backoff: float = 0.5,
        sleep=time.sleep,
    ) -> None:
        self.client = client
        self.target = target  # the alias, or the new index during a rebuild
        self.batch_size = max(1, batch_size)
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._pending: list[tuple[dict, dict | None]] = []
        self.before_send = lambda: None  # the engine's writer lease check
        self.sent_requests = 0
        self.retried_items = 0

    def add(self, action: dict, source: dict | None = None) -> None:
        self._pending.append((action, source))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def discard(self) -> None:
        self._pending = []

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for start in range(0, len(pending), self.batch_size):
            self._send(pending[start : start + self.batch_size])

    def _send(self, batch: list[tuple[dict, dict | None]]) -> None:
        self.before_send()
        for attempt in range(self.retries + 1):
            lines: list[dict] = []
            for action, source in batch:
                lines.append(action)
                if source is not None:
                    lines.append(source)
            try:
                self.sent_requests += 1
                answer = self.client.bulk(body=lines, index=self.target)
            except os_errors.TransportError as exc:
                status = exc.status_code if isinstance(exc.status_code, int) else 0
                if status not in RETRY_STATUSES or attempt == self.retries:
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
    def _failed_items(batch: list, answer: dict[str, Any]) -> list:
        """The actions to send again; raises on errors that a retry cannot fix."""
        if not answer.get("errors"):
            return []
        again, fatal = [], []
        for pair, item in zip(batch, answer.get("items", []), strict=True):
            ((op, result),) = item.items()
            status = int(result.get("status", 200))
            if status < 300 or (op == "delete" and status == 404):
                continue  # deleting what is not there is fine: deletes are idempotent
            if status in RETRY_STATUSES:
                again.append(pair)
            else:
                fatal.append(f"{result.get('_id')}: {status} {result.get('error')}")
        if fatal:
            raise EngineError(
                f"opensearch bulk refused {len(fatal)} documents, first: {'; '.join(fatal[:3])}"
            )
        return again
