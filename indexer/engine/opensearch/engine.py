"""The scaled-out engine: an OpenSearch cluster, reached with opensearch-py.

Readers and writers address the alias (default "lantern"), which points at one versioned
index "lantern-v<timestamp>". A writer creates the first one on demand. A full rebuild:

    engine = open_engine("opensearch", url, writer=True)
    engine.begin_rebuild()        # a new, empty lantern-v<timestamp>; writes now go there
    engine.upsert(docs, new=True) # ... the whole catalogue
    engine.finish_rebuild()       # refresh it, move the alias in one _aliases call,
                                  # then drop the old index (never before the swap)

Readers keep searching the old index until the swap. Writes are buffered and sent in `_bulk`
batches (retried with exponential backoff on 429/503); they become visible at commit(),
which refreshes (the index's own refresh_interval is off).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from indexer.engine import base
from indexer.engine.fields import FieldDef, Ranking, load_fields, read_toml, synonyms_dir
from indexer.engine.opensearch.bulk import BulkWriter
from indexer.engine.opensearch.mapping import bulk_pair, display_of, index_body
from indexer.engine.opensearch.query import QueryBuilder
from indexer.engine.opensearch.suggest import suggest_titles_and_names
from indexer.engine.query import FacetValue, Hit, SearchRequest, SearchResult, Suggestion
from indexer.engine.querylang import (
    ParsedQuery,
    attempt_found,
    parse_query,
    search_attempts,
)
from indexer.engine.synonyms import SynonymFiles
from indexer.errors import (
    ConfigError,
    EngineError,
    EngineUnavailableError,
    IndexerError,
    UnknownFieldError,
)

SORTS = {
    "year_desc": [{"year": {"order": "desc", "missing": "_last"}}],
    "year_asc": [{"year": {"order": "asc", "missing": "_last"}}],
    "title": [{"title_sort": {"order": "asc", "missing": "_last"}}],
    "author": [{"author_sort": {"order": "asc", "missing": "_last"}}],
}
# Ties broken by id, so pages of one result list never overlap or skip.
TIE_BREAK = {"id": {"order": "asc"}}
MAX_RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window default
SOURCE = ["id", "display"]


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
        threads: int | None = None,  # Tantivy's options, passed by callers that open
        heap_size: int | None = None,  # either engine the same way; unused here (the
        facet_cache: int | None = None,  # server's request cache keeps aggregations)
    ) -> None:
        if not str(url).strip():
            raise ConfigError("LANTERN_OPENSEARCH_URL is not set (LANTERN_ENGINE=opensearch)")
        self.url = str(url)
        self.alias = index
        self.fields = fields if fields is not None else load_fields()
        boosts = boosts if boosts is not None else read_toml(synonyms_dir() / "boosts.toml")
        ranking = Ranking.build(self.fields, boosts)
        self._highlight_fields = [
            f for f in ranking.get("highlight", "fields", []) if f in ranking.weights
        ]
        self._highlight_chars = int(ranking.get("highlight", "max_chars", 200))
        self._queries = QueryBuilder(self.fields, ranking, SynonymFiles(synonyms_dir()))
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

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        with engine_errors("suggest"):
            return suggest_titles_and_names(self.client, self.alias, text[:200], max(1, limit))

    def search(self, request: SearchRequest) -> SearchResult:
        parsed = parse_query(request.text)
        for field in request.facets:
            f = self.fields.get(field)
            if f is None or not f.facet:
                raise UnknownFieldError(f"cannot count {field!r}: not a facet field")
        with engine_errors("search"):
            # The same attempts as Tantivy's, without "did you mean".
            for options in search_attempts(parsed):
                result = self._search(parsed, request, **options)
                if attempt_found(result.total, parsed):
                    break
            return dataclasses.replace(result, notes=parsed.notes)

    def search_body(
        self,
        parsed: ParsedQuery,
        request: SearchRequest,
        relaxed: bool = False,
        fuzzy: bool = False,
    ) -> dict[str, Any]:
        """The _search request body for a parsed query (public for tests and debugging)."""
        qb = self._queries
        core = qb.core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
        keep, drop = qb.fixed_filters(request)
        query: dict[str, Any] = {"must": [core]}
        if keep:
            query["filter"] = keep
        if drop:
            query["must_not"] = drop
        sort = SORTS.get(request.sort)
        if sort is None:
            query["should"] = qb.bonuses(parsed, request)
        offset = min(request.offset, MAX_RESULT_WINDOW)
        size = max(0, min(request.limit, MAX_RESULT_WINDOW - offset))
        body: dict[str, Any] = {
            "query": {"bool": query},
            "from": offset,
            "size": size,
            "track_total_hits": True,
            "sort": [*(sort or ["_score"]), TIE_BREAK],
            "_source": SOURCE,
        }
        selected = qb.facet_filters(request)
        if selected:
            # Hits obey every facet selection; each facet is counted without its own.
            body["post_filter"] = {"bool": {"filter": selected}}
        if request.facets:
            body["aggs"] = self._facet_aggs(request)
        if request.highlight and size and self._highlight_fields:
            body["highlight"] = {
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "number_of_fragments": 1,
                "fragment_size": self._highlight_chars,
                "fields": {name: {} for name in self._highlight_fields},
            }
        return body

    def _facet_aggs(self, request: SearchRequest) -> dict[str, Any]:
        sizes = dict(request.facet_sizes)
        aggs = {}
        for name in dict.fromkeys(request.facets):
            others = self._queries.facet_filters(request, skip=name)
            size = sizes.get(name, request.facet_size)
            terms = {"field": name, "size": size, "shard_size": max(size, 10_000)}
            aggs[name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": terms}},
            }
        return aggs

    def _search(
        self,
        parsed: ParsedQuery,
        request: SearchRequest,
        relaxed: bool = False,
        fuzzy: bool = False,
    ) -> SearchResult:
        body = self.search_body(parsed, request, relaxed, fuzzy)
        answer = self.client.search(index=self.alias, body=body)
        by_score = request.sort not in SORTS
        hits = tuple(
            Hit(
                id=h["_source"]["id"],
                score=float(h.get("_score") or 0.0) if by_score else 0.0,
                display=display_of(h["_source"]),
                highlights={k: v[0] for k, v in h.get("highlight", {}).items() if v},
            )
            for h in answer["hits"]["hits"][: request.limit]
        )
        facets = {}
        for name in request.facets:
            is_int = self.fields[name].type == "int"
            buckets = answer.get("aggregations", {}).get(name, {}).get("values", {})
            values = [
                FacetValue(str(int(b["key"])) if is_int else str(b["key"]), int(b["doc_count"]))
                for b in buckets.get("buckets", [])
            ]
            values.sort(key=lambda v: (-v.count, v.value))
            facets[name] = tuple(values)
        total = answer["hits"]["total"]
        return SearchResult(
            total=int(total["value"] if isinstance(total, dict) else total),
            hits=hits,
            facets=facets,
            relaxed=relaxed,
            fuzzy=fuzzy,
        )


_PREPARE_FIELDS: dict[str, FieldDef] = {}


def prepare_document(doc: dict[str, Any]) -> tuple[dict, dict]:
    """The bulk (action, source) pair for `write_prepared`; pure Python, so worker processes
    can run it."""
    if not _PREPARE_FIELDS:
        _PREPARE_FIELDS.update(load_fields())
    return bulk_pair(doc, _PREPARE_FIELDS)
