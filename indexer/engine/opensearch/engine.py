"""The scaled-out engine: an OpenSearch cluster, reached with opensearch-py.

Readers and writers address the alias (default "lantern"), which points at one versioned
index "lantern-v<timestamp>". One writer at a time: a writer holds a lease in the cluster
(lease.py; a second writer gets IndexLockedError, as with Tantivy) and creates the first
index, "lantern-v0", with the alias in the same request. A full rebuild:

    engine = open_engine(settings, writer=True)   # LANTERN_ENGINE=opensearch
    engine.begin_rebuild()        # a new, empty lantern-v<timestamp>; writes now go there
    engine.upsert(docs, new=True) # ... the whole catalogue
    engine.finish_rebuild()       # refresh it, move the alias in one _aliases call (the
                                  # rebuild is then done), then drop the old index, best-effort

Readers keep searching the old index until the swap. Writes are buffered and sent in `_bulk`
batches (bulk.py: capped by count and bytes, retried with backoff); they become visible at
commit(), which refreshes (the index's own refresh_interval is off).
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
from indexer.engine.fields import SHIPPED_SYNONYMS, FieldDef, Ranking, load_fields
from indexer.engine.opensearch.body import (
    SOURCE,
    TIE_BREAK,
    highlight_body,
    read_answer,
    search_body,
)
from indexer.engine.opensearch.browsing import browse_terms
from indexer.engine.opensearch.bulk import BulkWriter
from indexer.engine.opensearch.client import make_client
from indexer.engine.opensearch.indexes import (
    bootstrap,
    create_index,
    drop_replaced,
    drop_unless_live,
    indexes_behind,
    move_alias,
)
from indexer.engine.opensearch.lease import LEASE_SECONDS, WriterLease
from indexer.engine.opensearch.mapping import bulk_pair, display_of, index_body, similarity_for
from indexer.engine.opensearch.query import QueryBuilder
from indexer.engine.opensearch.suggest import suggest_titles_and_names
from indexer.engine.query import SearchRequest, SearchResult, Suggestion
from indexer.engine.querylang import ParsedQuery
from indexer.engine.searching import run_search
from indexer.engine.synonyms import SynonymFiles
from indexer.errors import ConfigError, EngineError, EngineUnavailableError, IndexerError
from indexer.tuning.boosts import BoostsFile

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
        ca: str = "",
        verify_hostname: bool = True,
        lease_seconds: float = LEASE_SECONDS,
        mesh_path: Path | None = None,
    ) -> None:
        """The index behind the alias `index` on the cluster at `url`. Product code opens it
        with `open_engine(settings)`; tests pass a client of their own."""
        if not str(url).strip():
            raise ConfigError("LANTERN_OPENSEARCH_URL is not set (LANTERN_ENGINE=opensearch)")
        self.url = str(url)
        self.alias = index
        self.fields = fields if fields is not None else load_fields()
        # boosts.toml is read again when it changes, as the embedded engine does (the last
        # good ranking stays while it is broken), unless the caller fixed the boosts.
        self._boosts = (
            None
            if boosts is not None
            else BoostsFile(Path(synonyms_dir) / "boosts.toml", self.fields)
        )
        self._synonyms = SynonymFiles(Path(synonyms_dir), mesh_path)
        self._use_ranking(
            self._boosts.ranking if self._boosts else Ranking.build(self.fields, boosts)
        )
        self._shards, self._replicas = shards, replicas
        self._lease_seconds = lease_seconds
        self._similarity: str | None = None  # the cluster's, unless pinned (writers only)
        self._own_client = client is None
        self.client = client or make_client(
            self.url, ca=ca, verify_hostname=verify_hostname, timeout=timeout
        )
        self._writer: BulkWriter | None = None
        self._lease: WriterLease | None = None
        self._rebuilding: str | None = None
        if writer:
            self._open_writer(BulkWriter(self.client, self.alias, batch_size, retries, backoff))

    def _open_writer(self, writer: BulkWriter) -> None:
        """Take the writer lease (IndexLockedError if another writer holds it), then make
        sure the alias has an index to write to."""
        lease = WriterLease(self.client, self.alias, self._lease_seconds)
        with engine_errors("open"):
            lease.take()
            try:
                version = self.client.info().get("version", {}).get("number", "")
                self._similarity = similarity_for(str(version))
                bootstrap(self.client, self.alias, self._index_body())
            except BaseException:
                lease.release()
                raise
        writer.before_send = lease.keep
        self._writer, self._lease = writer, lease

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
            replicas=settings.opensearch_replicas,
            ca=settings.opensearch_ca,
            verify_hostname=settings.opensearch_verify_hostname,
            mesh_path=settings.mesh_path,
        )

    # --- indexes and the alias ----------------------------------------------------------

    def indexes_behind_alias(self) -> list[str]:
        return indexes_behind(self.client, self.alias)

    def _index_body(self) -> dict:
        return index_body(
            self.fields,
            shards=self._shards,
            replicas=self._replicas,
            similarity=self._similarity,
        )

    def _create_index(self) -> str:
        name = versioned_name(self.alias)
        create_index(self.client, name, self._index_body())
        return name

    def begin_rebuild(self) -> str:
        """Send every following write to a new, empty versioned index; returns its name.
        Readers keep the current index until finish_rebuild()."""
        writer = self._writing()
        with engine_errors("begin rebuild"):
            writer.flush()
            self._rebuilding = self._create_index()
        writer.target = self._rebuilding
        return self._rebuilding

    def finish_rebuild(self) -> None:
        """Refresh the new index and point the alias at it in one atomic _aliases call: the
        rebuild is then finished. The indexes it replaced are dropped after, best-effort."""
        writer = self._writing()
        new = self._rebuilding
        if new is None:
            raise EngineError("finish_rebuild() without begin_rebuild()")
        with engine_errors("finish rebuild"):
            writer.flush()
            self.client.indices.refresh(index=new)
            replaced = move_alias(self.client, self.alias, new)
        self._rebuilding = None
        writer.target = self.alias
        drop_replaced(self.client, replaced)

    def abort_rebuild(self) -> None:
        """Drop the index being rebuilt, unless the alias points at it (then it is live)."""
        writer = self._require_writer()
        new, self._rebuilding = self._rebuilding, None
        writer.discard()
        writer.target = self.alias
        if new is not None:
            with engine_errors("abort rebuild"):
                drop_unless_live(self.client, self.alias, new)

    # --- writing ------------------------------------------------------------------------

    def _require_writer(self) -> BulkWriter:
        if self._writer is None:
            raise EngineError(f"the OpenSearch index {self.alias!r} was opened read-only")
        return self._writer

    def _writing(self) -> BulkWriter:
        """The writer, its lease renewed when due (IndexLockedError once it is lost)."""
        writer = self._require_writer()
        if self._lease is not None:
            with engine_errors("writer lease"):
                self._lease.keep()
        return writer

    def upsert(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.write_prepared((bulk_pair(doc, self.fields) for doc in docs), new=new)

    def write_prepared(self, prepared: Iterable[tuple[dict, dict]], *, new: bool = False) -> None:
        """Write bulk (action, source) pairs made by `prepare_document`. `index` actions
        replace a document with the same id, so `new` changes nothing here."""
        writer = self._writing()
        with engine_errors("bulk"):
            for action, source in prepared:
                writer.add(action, source)

    def delete(self, ids: Iterable[str]) -> None:
        writer = self._writing()
        with engine_errors("bulk delete"):
            for doc_id in ids:
                writer.add({"delete": {"_id": doc_id}})

    def commit(self) -> None:
        writer = self._writing()
        with engine_errors("commit"):
            writer.flush()
            self.client.indices.refresh(index=writer.target)

    def close(self) -> None:
        """Give up the writer lease. Actions still buffered here (not yet sent) are dropped,
        as with Tantivy; a bulk request already sent is durable in the cluster (its translog)
        and becomes searchable at the next refresh, whoever commits."""
        if self._writer is not None:
            self._writer.discard()
            self._writer = None
        if self._lease is not None:
            self._lease.release()
            self._lease = None
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

    def _use_ranking(self, ranking: Ranking) -> None:
        self._highlight = highlight_body(
            [f for f in ranking.get("highlight", "fields", []) if f in ranking.weights],
            int(ranking.get("highlight", "max_chars", 200)),
        )
        self._queries = QueryBuilder(self.fields, ranking, self._synonyms)

    def search(self, request: SearchRequest) -> SearchResult:
        ranking = self._boosts.changed() if self._boosts else None
        if ranking is not None:
            self._use_ranking(ranking)

        def attempt(parsed: ParsedQuery, **options: bool) -> SearchResult:
            body = search_body(self._queries, parsed, request, self._highlight, **options)
            answer = self.client.search(index=self.alias, body=body)
            return read_answer(answer, request, self.fields, **options)

        def known(word: str) -> bool:
            body = self._queries.known_body(word)
            if body is None:
                return True
            return bool(self.client.search(index=self.alias, body=body)["hits"]["total"]["value"])

        with engine_errors("search"):
            # no "did you mean"; the synonyms are the query builder's
            return run_search(request, self.fields, attempt, None, self._queries.synonyms, known)


def prepare_document(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[dict, dict]:
    """The bulk (action, source) pair for `write_prepared`; pure Python, so worker processes
    can run it."""
    return bulk_pair(doc, fields)
