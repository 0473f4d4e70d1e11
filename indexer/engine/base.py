"""The one engine interface. No engine-specific type crosses it.

An engine that cannot be reached raises `indexer.errors.EngineError` (or a subclass):
an outage is an error page, never "0 results". A request naming a facet or field that does
not exist raises `indexer.errors.UnknownFieldError`: the caller's mistake, not an outage.
Every engine implements every method below; the capability flags say which search features
it offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from indexer.engine.explain import Explanation
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
EXPLAIN = "explain"  # explain() says in words why each result scored what it did
BROWSE = "browse"  # browse_terms() reads the browse fields' terms in order (shelf, names)


@runtime_checkable
class Engine(Protocol):
    name: str
    capabilities: frozenset[str]

    @classmethod
    def from_settings(cls, settings, *, writer: bool = False, to_rebuild: bool = False) -> Engine:
        """Open the engine where its own settings say (see `registry.open_engine`)."""

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
        """Make writes durable and visible to every reader (during a rebuild: durable, and
        visible once finish_rebuild() has swapped the new index in)."""

    def begin_rebuild(self) -> None:
        """Send every following write to a new, empty index beside the live one; readers keep
        searching the live index meanwhile. Commit earlier writes first: what is not committed
        may be lost."""

    def finish_rebuild(self) -> None:
        """Commit the new index and make it the live one in one atomic step (readers see the
        whole of the old index or the whole of the new), then drop the old one."""

    def abort_rebuild(self) -> None:
        """Drop the index being rebuilt; the live index never changed. Nothing when no rebuild
        is under way."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def explain(self, request: SearchRequest, doc_ids: list[str]) -> dict[str, Explanation]:
        """Each of `doc_ids` found by the search `request` -> its score in words (engines with
        EXPLAIN; others raise EngineError). Ids not in the index are left out."""

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Autocomplete: titles, authors and subjects that start with what was typed."""

    def browse_terms(
        self,
        field: str,
        scope: str,
        start: str,
        size: int,
        *,
        before: bool = False,
        within: tuple[tuple[str, str], ...] = (),
    ) -> list[tuple[str, int]]:
        """Up to `size` terms of the keyword `field` that begin with `scope`, in term order, each
        with how many documents hold it: the first terms >= scope + start, or with `before` the
        last ones < scope + start (still in ascending order). Only documents with every
        (field, value) of `within` count, and terms none of them hold are left out."""

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored `display` dict plus "id", or None."""

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """get() for many ids in few requests (a feed page, a results page), by id; ids not in
        the index are left out."""

    def scan(self, after: str | None, size: int) -> list[dict[str, Any]]:
        """Up to `size` documents (as get() returns them) with id > after, in id order."""

    def count(self) -> int: ...

    def close(self) -> None: ...
