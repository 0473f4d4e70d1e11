"""The embedded engine: a Tantivy index in a directory.

One writer process holds the only IndexWriter (a second gets IndexLockedError naming the
holder); any number of reader processes search the same directory and pick up each commit
on their next search (a stat() of meta.json decides whether to reload). A rebuild writes a
new index directory beside the live one and swaps the index link to it (see indexdir).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Query

from indexer import errors
from indexer.engine import base
from indexer.engine.explain import Explanation
from indexer.engine.fields import SHIPPED_SYNONYMS, FieldDef, Ranking, load_fields
from indexer.engine.query import Hit, SearchRequest, SearchResult, Suggestion
from indexer.engine.querylang import ParsedQuery
from indexer.engine.searching import run_search
from indexer.engine.synonyms import SynonymFiles
from indexer.engine.tantivy.browsing import Browsing
from indexer.engine.tantivy.explain import explain
from indexer.engine.tantivy.facets import KEPT_COUNTS, FacetCounter
from indexer.engine.tantivy.failures import engine_errors
from indexer.engine.tantivy.highlight import highlights_asked
from indexer.engine.tantivy.indexdir import (
    check_schema,
    ensure_live_index,
    link_target,
    new_index_dir,
    open_index,
    schema_on_disk,
    swap_live_index,
)
from indexer.engine.tantivy.plan import plan_search
from indexer.engine.tantivy.query import QueryBuilder
from indexer.engine.tantivy.reading import in_id_order, page_hits
from indexer.engine.tantivy.schema import display_of, to_json, to_jsons
from indexer.engine.tantivy.warmed import WARMED_FILE, WarmedSearches, version_key
from indexer.engine.tantivy.words import Vocabulary
from indexer.engine.tantivy.writer import IndexWriter
from indexer.errors import EngineError, IndexSchemaError
from indexer.lastgood import file_stamp
from indexer.tuning.boosts import BoostsFile


class TantivyEngine(Browsing):
    name = "tantivy"
    capabilities = frozenset(
        {
            base.FACETS,
            base.HIGHLIGHT,
            base.SORT,
            base.SCAN,
            base.RELAXED,
            base.PREFER_LIBRARY,
            base.SUGGEST,
            base.SPELLING,
            base.EXPLAIN,
            base.BROWSE,
        }
    )

    def __init__(
        self,
        path: str | Path,
        *,
        writer: bool = False,
        to_rebuild: bool = False,
        heap_size: int = 256_000_000,
        threads: int = 2,
        fields: dict[str, FieldDef] | None = None,
        boosts: dict[str, Any] | None = None,
        facet_cache: int = KEPT_COUNTS,
        synonyms_dir: Path = SHIPPED_SYNONYMS,
        warmed: Path | None = None,
        mesh_path: Path | None = None,
    ) -> None:
        """The index at `path` (a directory, or a link to one). Product code opens it with
        `open_engine(settings)`; tests and benchmarks open one where they like. `warmed`: the
        file of searches answered ahead of readers (see warmed.py), None for none."""
        self.path = Path(path)
        self._warmed = WarmedSearches(warmed) if warmed is not None else None
        self.fields = fields if fields is not None else load_fields()
        # boosts.toml and synonyms/*.txt are re-read when they change (no restart, no reindex)
        # unless the caller fixed them; a broken edit leaves the last good ones in use.
        self._boosts = (
            None
            if boosts is not None
            else BoostsFile(Path(synonyms_dir) / "boosts.toml", self.fields)
        )
        self._synonyms = SynonymFiles(Path(synonyms_dir), mesh_path)
        ranking = self._boosts.ranking if self._boosts else Ranking.build(self.fields, boosts)
        self._ranking = ranking  # in use once the index is open (see _use_ranking)
        self._facet_counter = FacetCounter(
            self.fields, int(ranking.get("facets", "segment_size", 1000)), facet_cache
        )
        self._meta = self.path / "meta.json"
        self._heap_size, self._threads = heap_size, threads
        self._writer: IndexWriter | None = None
        self._rebuild: IndexWriter | None = None
        self._stale: IndexSchemaError | None = None
        if writer:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not self._meta.exists():
            raise errors.NothingLoadedError(f"no search index at {self.path}")
        try:
            check_schema(self.path, self.fields)
        except IndexSchemaError as exc:
            if not (writer and to_rebuild):
                raise
            self._stale = exc  # never opened, only replaced: begin_rebuild() comes next
            return
        self._open_index()
        if writer:
            self._writer = IndexWriter(self._index, self.path, heap_size, threads)

    @classmethod
    def from_settings(
        cls, settings, *, writer: bool = False, to_rebuild: bool = False
    ) -> TantivyEngine:
        """DATA_DIR/index, with the writer's threads and memory and the readers' facet cache."""
        if writer:
            ensure_live_index(settings.index_dir)
        return cls(
            settings.index_dir,
            writer=writer,
            to_rebuild=to_rebuild,
            heap_size=settings.writer_heap_mb * 1_000_000,
            threads=settings.writer_threads,
            facet_cache=settings.facet_cache,
            fields=load_fields(settings.schemas_dir),
            synonyms_dir=settings.synonyms_dir,
            warmed=settings.data_dir / WARMED_FILE if settings.warm_searches > 0 else None,
            mesh_path=settings.mesh_path,
        )

    # --- opening ------------------------------------------------------------------------

    def _refresh_ranking(self) -> None:
        ranking = self._boosts.changed() if self._boosts else None
        if ranking is not None:
            self._use_ranking(ranking)

    def _meta_stamp(self) -> tuple[int, int, int]:
        st = self._meta.stat()
        return st.st_mtime_ns, st.st_size, st.st_ino

    def _open_index(self, index: tantivy.Index | None = None) -> None:
        # The index path may be a link that a rebuild swaps to a freshly built index; readers
        # notice the new target and open it (see _searcher).
        self._target = link_target(self.path)
        self._index = index or open_index(self.path, self.fields, highlights_asked(self._ranking))
        self._schema = self._index.schema
        self._stored = {
            name for name, options in schema_on_disk(self.path).items() if options.get("stored")
        }
        self._use_ranking(self._ranking)
        self._vocabulary = Vocabulary(self._schema, self.fields)
        self._stamp = self._meta_stamp()

    def _use_ranking(self, ranking: Ranking) -> None:
        self._ranking = ranking
        # Text fields whose matches are marked: those asked for that the index stores (one
        # newly asked for is stored, and marked, once `lantern reindex` has rebuilt the index).
        self._highlight_fields = [f for f in highlights_asked(ranking) if f in self._stored]
        self._highlight_chars = int(ranking.get("highlight", "max_chars", 200))
        self._queries = QueryBuilder(self._schema, self.fields, ranking, self._synonyms)

    def _searcher(self) -> tantivy.Searcher:
        if self._stale is not None:
            raise self._stale
        # Tantivy replaces meta.json on every commit, so a changed stat means a new commit.
        try:
            if self._writer is None and link_target(self.path) != self._target:
                self._open_index()
            stamp = self._meta_stamp()
        except OSError as exc:
            raise errors.EngineUnavailableError(
                f"search index at {self.path} is gone: {exc}"
            ) from exc
        if stamp != self._stamp:
            self._index.reload()
            self._stamp = stamp
        return self._index.searcher()

    # --- writing ------------------------------------------------------------------------

    def _writing(self) -> IndexWriter:
        """Where writes go: the index being rebuilt, else the live one."""
        writer = self._rebuild or self._writer
        if writer is None:
            if self._stale is not None:
                raise self._stale
            raise EngineError(f"the index at {self.path} was opened read-only")
        return writer

    def upsert(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.write_prepared(to_jsons(docs, self.fields), new=new)

    def write_prepared(self, prepared: Iterable[tuple[str, str]], *, new: bool = False) -> None:
        """Write (id, JSON line) pairs made by `prepare_document`."""
        self._writing().write(prepared, new=new)

    def delete(self, ids: Iterable[str]) -> None:
        self._writing().delete(ids)

    def commit(self) -> None:
        writer = self._writing()
        writer.commit()
        if writer is self._writer:
            with engine_errors("commit"):
                self._index.reload()
                self._stamp = self._meta_stamp()

    def begin_rebuild(self) -> None:
        """Send every following write to a new, empty index directory beside the live one;
        searches keep the live index until finish_rebuild()."""
        if self._writer is None and self._stale is None:
            raise EngineError(f"the index at {self.path} was opened read-only")
        if self._rebuild is not None:
            raise EngineError("begin_rebuild() while a rebuild is under way")
        directory = new_index_dir(self.path)
        directory.mkdir(parents=True)
        index = open_index(directory, self.fields, highlights_asked(self._ranking))
        self._rebuild = IndexWriter(index, directory, self._heap_size, self._threads)

    def finish_rebuild(self) -> None:
        """Commit the new index and swap the index link to it in one atomic rename; then
        release the old index (its lock is held until the link has moved)."""
        new, old = self._rebuild, self._writer
        if new is None:
            raise EngineError("finish_rebuild() without begin_rebuild()")
        new.commit()
        with engine_errors("swap of the index link"):
            swap_live_index(self.path, new.directory)
        self._writer, self._rebuild, self._stale = new, None, None
        if old is not None:
            old.close()
        with engine_errors("reload"):
            new.index.reload()
        self._open_index(new.index)

    def abort_rebuild(self) -> None:
        """Drop the index being rebuilt; the live index never changed."""
        new, self._rebuild = self._rebuild, None
        if new is not None:
            new.close()
            shutil.rmtree(new.directory, ignore_errors=True)

    def close(self) -> None:
        """Release the writer lock. Writes not committed, and an unfinished rebuild, are
        dropped."""
        self.abort_rebuild()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def __enter__(self) -> TantivyEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        with engine_errors("count"):
            return self._searcher().num_docs

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with engine_errors("get"):
            searcher = self._searcher()
            hits = searcher.search(Query.term_query(self._schema, "id", doc_id), 1).hits
            return display_of(searcher.doc(hits[0][1])) if hits else None

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        with engine_errors("get_many"):
            searcher = self._searcher()
            query = Query.term_set_query(self._schema, "id", wanted)
            hits = searcher.search(query, len(wanted)).hits
            found = (display_of(searcher.doc(addr)) for _, addr in hits)
            return {d["id"]: d for d in found}

    def scan(self, after: str | None, size: int) -> list[dict[str, Any]]:
        if size <= 0:
            return []
        with engine_errors("scan"):
            return in_id_order(self._index, self._searcher(), after, size)

    def version(self) -> str:
        """What a search's answer depends on besides the request: the index version (the
        index in use and its last commit), the ranking file and the synonym files."""
        with engine_errors("search"):
            self._searcher()  # notices a new commit or a rebuilt index
        boosts = file_stamp(self._boosts.path) if self._boosts else None
        return version_key(self._target, self._stamp, boosts, self._synonyms.stamp())

    def warm(self, requests: Iterable[SearchRequest]) -> int:
        """Answer `requests` now and keep the answers for every process's readers, in place of
        an older version's (see warmed.py). Returns how many were kept."""
        if self._warmed is None:
            return 0
        version = self.version()
        answers = []
        for n, request in enumerate(requests, 1):
            answers.append((request, self._search_now(request)))
            if n % 50 == 0 and version != self.version():
                return 0  # a commit came meanwhile: these answers are already out of date
        if version != self.version():
            return 0
        return self._warmed.replace(version, answers)

    def warmed_version(self) -> str | None:
        return self._warmed.version() if self._warmed is not None else None

    def search(self, request: SearchRequest) -> SearchResult:
        if self._warmed is not None and self._warmed.exists():
            answered = self._warmed.get(self.version(), request)
            if answered is not None:
                return answered
        return self._search_now(request)

    def _search_now(self, request: SearchRequest) -> SearchResult:
        self._refresh_ranking()
        with engine_errors("search"):
            searcher = self._searcher()  # one for every attempt: they see the same commit

            def attempt(parsed: ParsedQuery, **options: bool) -> SearchResult:
                return self._search(searcher, parsed, request, **options)

            def respell(parsed: ParsedQuery, text: str) -> str | None:
                version = (self._target, self._stamp)
                return self._vocabulary.respell(searcher, parsed, text, version)

            def known(word: str) -> bool:
                return self._vocabulary.known(searcher, word)

            return run_search(request, self.fields, attempt, respell, self._synonyms, known)

    def explain(self, request: SearchRequest, doc_ids: list[str]) -> dict[str, Explanation]:
        self._refresh_ranking()
        with engine_errors("explain"):
            searcher = self._searcher()
            return explain(
                searcher,
                self._queries,
                request,
                doc_ids,
                lambda word: self._vocabulary.known(searcher, word),
            )

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        with engine_errors("suggest"):
            return self._vocabulary.suggest(self._searcher(), text[:200], max(1, limit))

    def _search(
        self,
        searcher: tantivy.Searcher,
        parsed: ParsedQuery,
        request: SearchRequest,
        relaxed: bool = False,
        fuzzy: bool = False,
    ) -> SearchResult:
        plan = plan_search(self._queries, parsed, request, relaxed=relaxed, fuzzy=fuzzy)
        counting = self._facet_counter.start(
            searcher, self._queries, plan.matching, request, version=(self._target, self._stamp)
        )
        found = plan.rank(searcher)
        hits: tuple[Hit, ...] = ()
        if request.limit:
            marks = (self._highlight_fields, self._highlight_chars) if request.highlight else None
            hits = page_hits(searcher, found.hits, plan, self._schema, marks)
        facets = self._facet_counter.finish(counting, request)
        return SearchResult(
            total=found.count, hits=hits, facets=facets, relaxed=relaxed, fuzzy=fuzzy
        )


def prepare_document(doc: dict[str, Any], fields: dict[str, FieldDef]) -> tuple[str, str]:
    """(id, JSON line) for `write_prepared`; pure Python, so worker processes can run it."""
    return to_json(doc, fields)
