"""One writer per alias, enforced by the cluster: a lease document.

A writer creates the document `writer` in the index `<alias>-writer` with `op_type=create`,
which OpenSearch refuses (409) while it exists, so of two writers exactly one gets it; the
other is refused with IndexLockedError naming the holder, as Tantivy refuses a second writer.
The lease names an expiry: a writer that died leaves a lease the next writer takes over once
it has expired (a compare-and-set on the document's sequence number, so of two such writers
one wins). A live writer renews its lease, with the same compare-and-set, before it writes
once a third of it has passed; if another writer took the lease meanwhile, the renewal is
refused and this writer stops with IndexLockedError before sending anything more.

Expiry times are the writers' own clocks: keep the hosts' clocks in step (NTP); the lease
(10 minutes) is long beside any skew.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from indexer.errors import IndexLockedError

log = logging.getLogger(__name__)

LEASE_SECONDS = 600.0
DOCUMENT = "writer"


def lease_index(alias: str) -> str:
    return f"{alias}-writer"


class WriterLease:
    def __init__(
        self,
        client: OpenSearch,
        alias: str,
        seconds: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.alias = alias
        self.index = lease_index(alias)
        self.seconds = seconds
        self._clock = clock
        self.holder = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"
        self._version: dict[str, int] | None = None  # if_seq_no / if_primary_term of ours
        self._renewed = 0.0

    def _body(self) -> dict[str, Any]:
        now = self._clock()
        return {"holder": self.holder, "since": _iso(now), "expires": now + self.seconds}

    def _keep_answer(self, answer: dict[str, Any], at: float) -> None:
        self._version = {"if_seq_no": answer["_seq_no"], "if_primary_term": answer["_primary_term"]}
        self._renewed = at

    def take(self) -> None:
        """Hold the lease, or raise IndexLockedError naming the writer that holds it."""
        self._make_index()
        now = self._clock()
        try:
            answer = self.client.create(index=self.index, id=DOCUMENT, body=self._body())
        except os_errors.ConflictError:
            answer = self._take_over()
        self._keep_answer(answer, now)

    def _take_over(self) -> dict[str, Any]:
        current = self.client.get(index=self.index, id=DOCUMENT)
        held = current.get("_source") or {}
        if float(held.get("expires", 0)) > self._clock():
            raise IndexLockedError(
                f"the OpenSearch index {self.alias!r} is already open for writing by "
                f"{held.get('holder', 'an unknown writer')} (since {held.get('since', '?')}, "
                f"lease until {_iso(float(held.get('expires', 0)))}); only one indexing "
                "process may write to it at a time"
            )
        log.warning("taking over the expired writer lease of %s", held.get("holder"))
        version = {"if_seq_no": current["_seq_no"], "if_primary_term": current["_primary_term"]}
        try:
            return self.client.index(index=self.index, id=DOCUMENT, body=self._body(), **version)
        except os_errors.ConflictError:
            raise IndexLockedError(
                f"the OpenSearch index {self.alias!r}: another writer took the expired writer "
                "lease first"
            ) from None

    def keep(self) -> None:
        """Renew the lease once a third of it has passed; IndexLockedError if it was lost."""
        if self._version is None:
            raise IndexLockedError(f"this writer of {self.alias!r} no longer holds its lease")
        now = self._clock()
        if now - self._renewed < self.seconds / 3:
            return
        try:
            answer = self.client.index(
                index=self.index, id=DOCUMENT, body=self._body(), **self._version
            )
        except (os_errors.ConflictError, os_errors.NotFoundError):
            self._version = None
            raise IndexLockedError(
                f"this writer's lease on {self.alias!r} expired and another writer took it; "
                "nothing more was written"
            ) from None
        self._keep_answer(answer, now)

    def release(self) -> None:
        """Give the lease up (best-effort: an unreachable cluster lets it expire)."""
        version, self._version = self._version, None
        if version is None:
            return
        try:
            self.client.delete(index=self.index, id=DOCUMENT, **version)
        except (os_errors.ConflictError, os_errors.NotFoundError):
            pass  # another writer holds it now, or it is gone
        except os_errors.TransportError as exc:
            log.warning("the writer lease on %s was not released (%s); it expires", self.alias, exc)

    def _make_index(self) -> None:
        if self.client.indices.exists(index=self.index):
            return
        body = {
            "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}},
            "mappings": {"dynamic": False, "properties": {"expires": {"type": "double"}}},
        }
        try:
            self.client.indices.create(index=self.index, body=body)
        except os_errors.RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise


def _iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
