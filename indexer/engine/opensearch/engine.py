"""The scaled-out engine: an OpenSearch cluster, reached with opensearch-py.

Readers and writers address the alias (default "lantern"), which points at one versioned
index "lantern-v<timestamp>". A writer creates the first one on demand. A full rebuild:

    engine = open_engine(settings, writer=True)   # LANTERN_ENGINE=opensearch
    engine.begin_rebuild()        # a new, empty lantern-v<timestamp>; writes now go there
    engine.upsert(docs, new=True) # ... the whole catalogue
    engine.finish_rebuild()       # refresh it, move the alias in one _aliases call,
                                  # then drop the old index (never before the swap)

Readers keep searching the old index until the swap. Writes are buffered and sent in `_bulk`
batches (retried with exponential backoff on 429/503); they become visible at commit(),
which refreshes (the index's own refresh_interval is off).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from indexer.engine import base
from indexer.engine.fields import SHIPPED_SYNONYMS, FieldDef, Ranking, load_fields, read_toml
from indexer.engine.opensearch.body import (
    SOURCE,
    TIE_BREAK,
    highlight_body,
    read_answer,
    search_body,
)
from indexer.engine.opensearch.browsing import browse_terms
from indexer.engine.opensearch.bulk import BulkWriter
from indexer.engine.opensearch.mapping import bulk_pair, display_of, index_body
from indexer.engine.opensearch.query import QueryBuilder
from indexer.engine.opensearch.suggest import suggest_titles_and_names
from indexer.engine.query import SearchRequest, SearchResult, Suggestion
from indexer.engine.querylang import ParsedQuery
from indexer.engine.searching import run_search
from indexer.engine.synonyms import SynonymFiles
from indexer.errors import ConfigError, EngineError, EngineUnavailableError, IndexerError

GET_MANY_PAGE = 1000  # ids per search of get_many(), well inside the result window


@contextmanager
def engine_errors(action: str) -> Iterator[None]:
    """opensearch-py failures become our errors: an outage is an error, never 0 results."""
    try:
        yield
    except IndexerError:
        raise
    except os_errors.ConnectionError as exc:  # also ConnectionTimeout and SSLError
        raise EngineUnavailableError(
            f"opensearch {action}: cannot reach the cluster: {exc}"
        ) from exc
    except os_errors.NotFoundError as exc:
        raise EngineUnavailableError(f"opensearch {action}: no search index: {exc}") from exc
    except os_errors.RequestError as exc:  # 400: a request we built wrong, not the caller's
        raise EngineError(f"opensearch {action}: request refused: {exc}") from exc
    except os_errors.TransportError as exc:
        status = exc.status_code if isinstance(exc.status_code, int) else 0
        if status >= 500 or status == 429 or status == 0:
            raise EngineUnavailableError(f"opensearch {action} failed: {exc}") from exc
        raise EngineError(f"opensearch {action} failed: {exc}") from exc


def versioned_name(alias: str) -> str:
    """A new index name behind `alias`, sortable by creation time."""
    now = datetime.datetime.now(datetime.UTC)
    return f"{alias}-v{now:%Y%m%d%H%M%S%f}"


class OpenSearchEngine:
    name = "opensearch"
    capabilities = frozenset(
        {
            base.FACETS,
            base.HIGHLIGHT,
            base.SORT,
            base.SCAN,
            base.RELAXED,
            base.PREFER_LIBRARY,
            base.SUGGEST,
            base.BROWSE,
        }
    )

    def __init__(
        self,
        url: str | os.PathLike[str],
        *,
        writer: bool = False,
        index: str = "lantern",
        client: OpenSearch | None = None,
        fields: dict[str, FieldDef] | None = None,
        boosts: dict[str, Any] | None = None,
        batch_size: int = 500,
        retries: int = 5,
        backoff: float = 0.5,
        timeout: float = 30.0,
        shards: int = 1,
        replicas: int = 0,
        synonyms_dir: Path = SHIPPED_SYNONYMS,
    ) -> None:
        """The index behind the alias `index` on the cluster at `url`. Product code opens it
        with `open_engine(settings)`; tests pass a client of their own."""
        if not str(url).strip():
            raise ConfigError("LANTERN_OPENSEARCH_URL is not set (LANTERN_ENGINE=opensearch)")
        self.url = str(url)
        self.alias = index
        self.fields = fields if fields is not None else load_fields()
        boosts = boosts if boosts is not None else read_toml(Path(synonyms_dir) / "boosts.toml")
        ranking = Ranking.build(self.fields, boosts)
        self._highlight = highlight_body(
            [f for f in ranking.get("highlight", "fields", []) if f in ranking.weights],
            int(ranking.get("highlight", "max_chars", 200)),
        )
        self._queries = QueryBuilder(self.fields, ranking, SynonymFiles(Path(synonyms_dir)))
        self._shards, self._replicas = shards, replicas
        # Transport retries stay low: the bulk writer has its own backoff, and a search
        # during an outage should fail fast into a 503 page.
        self._own_client = client is None
        self.client = client or OpenSearch(
            hosts=[self.url], timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        self._writer: BulkWriter | None = None
        self._rebuilding: str | None = None
        if writer:
            with engine_errors("open"):
                target = self._ensure_index()
            self._writer = BulkWriter(self.client, target, batch_size, retries, backoff)

    @classmethod
    def from_settings(
        cls, settings, *, writer: bool = False, to_rebuild: bool = False
    ) -> OpenSearchEngine:
        """The cluster at LANTERN_OPENSEARCH_URL. `to_rebuild` changes nothing: the alias
        never refuses an index built with other fields."""
        return cls(
            settings.opensearch_url,
            writer=writer,
            fields=load_fields(settings.schemas_dir),
            synonyms_dir=settings.synonyms_dir,
        )

    # --- indexes and the alias ----------------------------------------------------------

    def indexes_behind_alias(self) -> list[str]:
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        return sorted(self.client.indices.get_alias(name=self.alias))

    def _create_index(self) -> str:
        name = versioned_name(self.alias)
        body = index_body(self.fields, shards=self._shards, replicas=self._replicas)
        self.client.indices.create(index=name, body=body)
        return name

    def _ensure_index(self) -> str:
        current = self.indexes_behind_alias()
        if current:
            return self.alias
        name = self._create_index()
        self.client.indices.update_aliases(
            body={"actions": [{"add": {"index": name, "alias": self.alias}}]}
        )
        return self.alias

    def begin_rebuild(self) -> str:
        """Send every following write to a new, empty versioned index; returns its name.
        Readers keep the current index until finish_rebuild()."""
        writer = self._require_writer()
        with engine_errors("begin rebuild"):
            writer.flush()
            self._rebuilding = self._create_index()
        writer.target = self._rebuilding
        return self._rebuilding

    def finish_rebuild(self) -> None:
        """Refresh the new index, point the alias at it in one atomic _aliases call, then
        drop the indexes it replaced."""
        writer = self._require_writer()
        new = self._rebuilding
        if new is None:
            raise EngineError("finish_rebuild() without begin_rebuild()")
        with engine_errors("finish rebuild"):
            writer.flush()
            self.client.indices.refresh(index=new)
            old = self.indexes_behind_alias()
            actions: list[dict] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self.client.indices.update_aliases(body={"actions": actions})
            for name in old:
                if name != new:
                    self.client.indices.delete(index=name)
        self._rebuilding = None
        writer.target = self.alias

    def abort_rebuild(self) -> None:
        """Drop the index being rebuilt; the alias never moved."""
        writer = self._require_writer()
        new, self._rebuilding = self._rebuilding, None
        writer.discard()
        writer.target = self.alias
        if new is not None:
            with engine_errors("abort rebuild"):
                self.client.indices.delete(index=new)

    # --- writing ------------------------------------------------------------------------

    def _require_writer(self) -> BulkWriter:
        if self._writer is None:
            raise EngineError(f"the OpenSearch index {self.alias!r} was opened read-only")
        return self._writer

    def upsert(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.write_prepared((bulk_pair(doc, self.fields) for doc in docs), new=new)

    def write_prepared(self, prepared: Iterable[tuple[dict, dict]], *, new: bool = False) -> None:
        """Write bulk (action, source) pairs made by `prepare_document`. `index` actions
        replace a document with the same id, so `new` changes nothing here."""
        writer = self._require_writer()
        with engine_errors("bulk"):
            for action, source in prepared:
                writer.add(action, source)

    def delete(self, ids: Iterable[str]) -> None:
        writer = self._require_writer()
        with engine_errors("bulk delete"):
            for doc_id in ids:
                writer.add({"delete": {"_id": doc_id}})

    def commit(self) -> None:
        writer = self._require_writer()
        with engine_errors("commit"):
            writer.flush()
            self.client.indices.refresh(index=writer.target)

    def close(self) -> None:
        """Writes not committed are dropped, as with Tantivy."""
        if self._writer is not None:
            self._writer.discard()
            self._writer = None
        if self._own_client:
            self.client.close()

    def __enter__(self) -> OpenSearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        with engine_errors("count"):
            return int(
                self.client.count(index=self.alias, body={"query": {"match_all": {}}})["count"]
            )

    def get(self, doc_id: str) -> dict[str, Any] | None:
        # A search, not GET _doc: like Tantivy, only committed (refreshed) documents are seen.
        body = {"query": {"term": {"id": {"value": doc_id}}}, "size": 1, "_source": SOURCE}
        with engine_errors("get"):
            hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
        return display_of(hits[0]["_source"]) if hits else None

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), GET_MANY_PAGE):
            page = wanted[start : start + GET_MANY_PAGE]
            body = {"query": {"terms": {"id": page}}, "size": len(page), "_source": SOURCE}
            with engine_errors("get_many"):
                hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
            found.update((d["id"], d) for d in (display_of(h["_source"]) for h in hits))
        return found

    def scan(self, after: str | None, size: int) -> list[dict[str, Any]]:
        """Deep paging for the OAI feed: search_after on the id, no result window limit."""
        if size <= 0:
            return []
        body: dict[str, Any] = {
            "query": {"match_all": {}},
            "size": size,
            "sort": [TIE_BREAK],
            "_source": SOURCE,
            "track_total_hits": False,
        }
        if after is not None:
            body["search_after"] = [after]
        with engine_errors("scan"):
            hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
        return [display_of(h["_source"]) for h in hits]

    def explain(self, request: SearchRequest, doc_ids: list[str]) -> dict:
        """Not offered here (no base.EXPLAIN): the staff console explains with Tantivy."""
        raise EngineError("OpenSearch does not explain scores in Lantern (no EXPLAIN capability)")

    def browse_terms(
        self, field: str, scope: str, start: str, size: int, *, before=False, within=()
    ) -> list[tuple[str, int]]:
        if size <= 0:
            return []
        with engine_errors("browse"):
            return browse_terms(self.client, self.alias, field, scope, start, size, before, within)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        with engine_errors("suggest"):
            return suggest_titles_and_names(self.client, self.alias, text[:200], max(1, limit))

    def search(self, request: SearchRequest) -> SearchResult:
        def attempt(parsed: ParsedQuery, **options: bool) -> SearchResult:
            body = search_body(self._queries, parsed, request, self._highlight, **options)
            answer = self.client.search(index=self.alias, body=body)
            return read_answer(answer, request, self.fields, **options)

        with engine_errors("search"):
            # no "did you mean"; the synonyms are the query builder's
            return run_search(request, self.fields, attempt, None, self._queries.synonyms)


def prepare_document(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[dict, dict]:
    """The bulk (action, source) pair for `write_prepared`; pure Python, so worker processes
    can run it."""
    return bulk_pair(doc, fields)
