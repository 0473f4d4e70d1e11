"""The one engine interface. No engine-specific type crosses it.

An engine that cannot be reached raises `indexer.errors.EngineError` (or a subclass):
an outage is an error page, never "0 results".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from indexer.engine.query import SearchRequest, SearchResult, Suggestion

# Capability flags an engine may advertise; callers hide features an engine lacks.
FACETS = "facets"  # SearchRequest.facets are counted
HIGHLIGHT = "highlight"  # Hit.highlights are filled when asked
SORT = "sort"  # every sort in query.SORTS
SCAN = "scan"  # scan() walks every document in id order
RELAXED = "relaxed"  # all-words queries fall back to any-word when nothing matches
PREFER_LIBRARY = "prefer_library"  # SearchRequest.prefer_library boosts that library's holdings
SUGGEST = "suggest"  # suggest() completes titles, authors and subjects
SPELLING = "spelling"  # SearchResult.suggestion ("did you mean") and typo-tolerant matching


@runtime_checkable
class Engine(Protocol):
    name: str
    capabilities: frozenset[str]

    def upsert(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        """Add documents, replacing any with the same id; buffered until commit().

        `new=True` promises the ids are not in the index yet (a fresh bulk load), which
        skips the per-document delete.
        """

    def write_prepared(self, prepared: Iterable[Any], *, new: bool = False) -> None:
        """Like upsert(), for documents already turned into the engine's own form by the
        preparer that `registry.document_preparer(name)` returns. Loaders prepare in worker
        processes and write from the one process that holds the writer."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; buffered until commit()."""

    def commit(self) -> None:
        """Make writes durable and visible to every reader."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Autocomplete: titles, authors and subjects that start with what was typed."""

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored `display` dict plus "id", or None."""

    def scan(self, after: str | None, size: int) -> list[dict[str, Any]]:
        """Up to `size` documents (as get() returns them) with id > after, in id order."""

    def count(self) -> int: ...

    def close(self) -> None: ...
