"""The embedded engine: a Tantivy index in a directory.

One writer process holds the only IndexWriter (a second gets IndexLockedError naming the
holder); any number of reader processes search the same directory and pick up each commit
on their next search (a stat() of meta.json decides whether to reload).
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Order, Query

from indexer.engine import base
from indexer.engine.fields import FieldDef, Ranking, load_fields, read_toml, synonyms_dir
from indexer.engine.query import Hit, SearchRequest, SearchResult, Suggestion
from indexer.engine.querylang import ParsedQuery, attempt_found, parse_query, search_attempts
from indexer.engine.synonyms import SynonymFiles
from indexer.engine.tantivy.facets import KEPT_COUNTS, FacetCounter, passes
from indexer.engine.tantivy.query import QueryBuilder, with_bonuses
from indexer.engine.tantivy.schema import (
    build_schema,
    display_of,
    register_analysers,
    schema_field_names,
    to_json,
    to_jsons,
)
from indexer.engine.tantivy.words import Vocabulary
from indexer.errors import (
    ConfigError,
    EngineError,
    EngineUnavailableError,
    IndexerError,
    IndexLockedError,
    IndexSchemaError,
    UnknownFieldError,
)

WRITER_INFO = "lantern-writer.json"  # who holds the writer lock, for the error message
MIN_HEAP_PER_THREAD = 15_000_000  # tantivy refuses less
SORT_FIELDS = {
    "year_desc": ("year", Order.Desc),
    "year_asc": ("year", Order.Asc),
    "title": ("title_sort", Order.Asc),
    "author": ("author_sort", Order.Asc),
}
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.]+")  # ids the query parser takes unquoted in a range


@contextmanager
def _engine_errors(action: str) -> Iterator[None]:
    """Tantivy failures become EngineError: an outage is an error, never an empty result."""
    try:
        yield
    except IndexerError:
        raise
    except (ValueError, OSError, RuntimeError) as exc:
        raise EngineError(f"tantivy {action} failed: {exc}") from exc
    except BaseException as exc:
        # pyo3's PanicException derives from BaseException; a Rust panic is still an engine error.
        if type(exc).__name__ == "PanicException":
            raise EngineError(f"tantivy {action} panicked: {exc}") from exc
        raise


class TantivyEngine:
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
        }
    )

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        writer: bool = False,
        heap_size: int = 256_000_000,
        threads: int = 2,
        fields: dict[str, FieldDef] | None = None,
        boosts: dict[str, Any] | None = None,
        facet_cache: int = KEPT_COUNTS,
    ) -> None:
        self.path = Path(path)
        self.fields = fields if fields is not None else load_fields()
        # boosts.toml and synonyms/*.txt are re-read when they change (no restart, no reindex)
        # unless the caller fixed them.
        self._boosts_path = None if boosts is not None else synonyms_dir() / "boosts.toml"
        self._boosts_stamp = self._file_stamp(self._boosts_path)
        self._synonyms = SynonymFiles(synonyms_dir())
        ranking = Ranking.build(
            self.fields, boosts if boosts is not None else read_toml(self._boosts_path)
        )
        self._ranking = ranking  # in use once the index is open (see _use_ranking)
        self._facet_counter = FacetCounter(
            self.fields, int(ranking.get("facets", "segment_size", 10000)), facet_cache
        )
        self._meta = self.path / "meta.json"
        if writer:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not self._meta.exists():
            raise EngineUnavailableError(f"no search index at {self.path}")
        self._check_schema()
        self._open_index()
        self._writer: tantivy.IndexWriter | None = None
        self._uncommitted = False
        if writer:
            self._writer = self._open_writer(heap_size, threads)

    # --- opening ------------------------------------------------------------------------

    def _schema_on_disk(self) -> dict[str, dict[str, Any]]:
        """The index's fields and their options, as Tantivy wrote them in meta.json."""
        try:
            return {f["name"]: f.get("options") or {}
                    for f in json.loads(self._meta.read_text())["schema"]}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EngineUnavailableError(f"cannot read {self._meta}: {exc}") from exc

    def _check_schema(self) -> None:
        if not self._meta.exists():
            return
        on_disk = set(self._schema_on_disk())
        expected = schema_field_names(self.fields)
        if on_disk != expected:
            raise IndexSchemaError(
                f"the index at {self.path} was built with other fields than schemas/fields.toml "
                f"defines now (missing {sorted(expected - on_disk)}, extra "
                f"{sorted(on_disk - expected)}); rebuild it from the catalogue store with "
                "`lantern reindex`"
            )

    def _open_writer(self, heap_size: int, threads: int) -> tantivy.IndexWriter:
        info = self.path / WRITER_INFO
        threads = max(1, threads)
        # Tantivy refuses less than 15 MB of indexing memory per thread.
        heap_size = max(heap_size, MIN_HEAP_PER_THREAD * threads)
        try:
            writer = self._index.writer(heap_size, threads)
        except ValueError as exc:
            if "LockBusy" not in str(exc):
                raise EngineError(f"cannot open a writer on {self.path}: {exc}") from exc
            try:
                holder = info.read_text().strip()
            except OSError:
                holder = "holder unknown"
            raise IndexLockedError(
                f"the index at {self.path} is already open for writing by {holder}; "
                "only one indexing process may write to it at a time"
            ) from exc
        info.write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
            )
        )
        return writer

    @staticmethod
    def _file_stamp(path: Path | None) -> tuple[int, int] | None:
        if path is None:
            return None
        try:
            st = path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _refresh_ranking(self) -> None:
        stamp = self._file_stamp(self._boosts_path)
        if stamp == self._boosts_stamp or stamp is None:
            return
        try:
            ranking = Ranking.build(self.fields, read_toml(self._boosts_path))
        except ConfigError:
            return  # a half-saved or broken edit: keep ranking as it was until it is fixed
        self._use_ranking(ranking)
        self._boosts_stamp = stamp

    def _meta_stamp(self) -> tuple[int, int, int]:
        st = self._meta.stat()
        return st.st_mtime_ns, st.st_size, st.st_ino

    def _open_index(self) -> None:
        # The index path may be a link that `lantern reindex` swaps to a freshly built index;
        # readers notice the new target and open it (see _searcher).
        self._target = _link_target(self.path)
        with _engine_errors(f"open of {self.path}"):
            if self._meta.exists():
                # The index's own schema: an option that only shapes a new index (which
                # text fields are stored for highlighting) never makes one built before it
                # changed unreadable.
                self._index = tantivy.Index.open(str(self.path))
            else:
                schema = build_schema(self.fields, _highlights_asked(self._ranking))
                self._index = tantivy.Index(schema, str(self.path))
            register_analysers(self._index)
            self._index.config_reader(reload_policy="Manual")
            self._schema = self._index.schema
        self._stored = {name for name, options in self._schema_on_disk().items()
                        if options.get("stored")}
        self._use_ranking(self._ranking)
        self._vocabulary = Vocabulary(self._schema, self.fields)
        self._stamp = self._meta_stamp()

    def _use_ranking(self, ranking: Ranking) -> None:
        self._ranking = ranking
        # Text fields whose matches are marked: those asked for that the index stores (one
        # newly asked for is stored, and marked, once `lantern reindex` has rebuilt the index).
        self._highlight_fields = [f for f in _highlights_asked(ranking) if f in self._stored]
        self._highlight_chars = int(ranking.get("highlight", "max_chars", 200))
        self._queries = QueryBuilder(self._schema, self.fields, ranking, self._synonyms)

    def _searcher(self) -> tantivy.Searcher:
        # Tantivy replaces meta.json on every commit, so a changed stat means a new commit.
        try:
            if self._writer is None and _link_target(self.path) != self._target:
                self._open_index()
            stamp = self._meta_stamp()
        except OSError as exc:
            raise EngineUnavailableError(f"search index at {self.path} is gone: {exc}") from exc
        if stamp != self._stamp:
            self._index.reload()
            self._stamp = stamp
        return self._index.searcher()

    # --- writing ------------------------------------------------------------------------

    def _require_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise EngineError(f"the index at {self.path} was opened read-only")
        return self._writer

    def upsert(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.write_prepared(to_jsons(docs, self.fields), new=new)

    def write_prepared(self, prepared: Iterable[tuple[str, str]], *, new: bool = False) -> None:
        """Write (id, JSON line) pairs made by `prepare_document`."""
        writer = self._require_writer()
        self._uncommitted = True
        with _engine_errors("upsert"):
            for doc_id, line in prepared:
                if not new:
                    writer.delete_documents_by_term("id", doc_id)
                writer.add_json(line)

    def delete(self, ids: Iterable[str]) -> None:
        writer = self._require_writer()
        self._uncommitted = True
        with _engine_errors("delete"):
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

    def commit(self) -> None:
        writer = self._require_writer()
        with _engine_errors("commit"):
            writer.commit()
            self._uncommitted = False
            self._index.reload()
            self._stamp = self._meta_stamp()

    def close(self) -> None:
        """Release the writer lock. Writes not committed are dropped."""
        writer, self._writer = self._writer, None
        if writer is not None:
            with _engine_errors("close"):
                if self._uncommitted:
                    writer.rollback()
                # Let the merges the last commit started finish: a rollback would abandon
                # them, and every load would leave its segments behind (slower searches).
                writer.wait_merging_threads()
            (self.path / WRITER_INFO).unlink(missing_ok=True)

    def __enter__(self) -> TantivyEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        with _engine_errors("count"):
            return self._searcher().num_docs

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with _engine_errors("get"):
            searcher = self._searcher()
            hits = searcher.search(Query.term_query(self._schema, "id", doc_id), 1).hits
            return display_of(searcher.doc(hits[0][1])) if hits else None

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """get() for many ids in one search (a feed page, a results page); missing ids are left
        out of the answer."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        with _engine_errors("get_many"):
            searcher = self._searcher()
            query = Query.term_set_query(self._schema, "id", wanted)
            hits = searcher.search(query, len(wanted)).hits
            found = (display_of(searcher.doc(addr)) for _, addr in hits)
            return {d["id"]: d for d in found}

    def scan(self, after: str | None, size: int) -> list[dict[str, Any]]:
        if size <= 0:
            return []
        with _engine_errors("scan"):
            searcher = self._searcher()
            if after is None or _PLAIN_ID.fullmatch(after):
                query = (
                    Query.all_query()
                    if after is None
                    else self._index.parse_query("id:{" + after + " TO *}", [])
                )
                hits = searcher.search(query, size, order_by_field="id", order=Order.Asc).hits
                return [display_of(searcher.doc(addr)) for _, addr in hits]
            return self._scan_slowly(searcher, after, size)

    def _scan_slowly(self, searcher: tantivy.Searcher, after: str, size: int) -> list[dict]:
        # The query parser cannot take every id as a range bound; walk the id order instead.
        out: list[dict[str, Any]] = []
        page, offset = max(size, 1000), 0
        while len(out) < size:
            hits = searcher.search(
                Query.all_query(), page, order_by_field="id", order=Order.Asc, offset=offset
            ).hits
            out += [display_of(searcher.doc(addr)) for key, addr in hits if key > after]
            if len(hits) < page:
                break
            offset += page
        return out[:size]

    def search(self, request: SearchRequest) -> SearchResult:
        parsed = parse_query(request.text)
        for field in request.facets:
            f = self.fields.get(field)
            if f is None or not f.facet:
                raise UnknownFieldError(f"cannot count {field!r}: not a facet field")
        self._refresh_ranking()
        with _engine_errors("search"):
            searcher = self._searcher()
            suggestion = None
            for number, options in enumerate(search_attempts(parsed)):
                result = self._search(searcher, parsed, request, **options)
                if attempt_found(result.total, parsed):
                    break
                if number == 0:  # nothing had every word as typed: respell from the index
                    suggestion = self._vocabulary.respell(searcher, parsed, request.text)
            return dataclasses.replace(result, suggestion=suggestion, notes=parsed.notes)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        with _engine_errors("suggest"):
            return self._vocabulary.suggest(self._searcher(), text[:200], max(1, limit))

    def _search(
        self,
        searcher: tantivy.Searcher,
        parsed: ParsedQuery,
        request: SearchRequest,
        relaxed: bool = False,
        fuzzy: bool = False,
    ) -> SearchResult:
        plan = self._plan(parsed, request, relaxed=relaxed, fuzzy=fuzzy)
        counting = self._facet_counter.start(
            searcher, self._queries, plan.matching, request, version=(self._target, self._stamp)
        )
        found = plan.rank(searcher)
        hits: tuple[Hit, ...] = ()
        if request.limit:
            docs = [(key, searcher.doc(addr)) for key, addr in found.hits]
            marks = self._highlights(searcher, plan.core, [d for _, d in docs],
                                     request.highlight)
            hits = tuple(
                Hit(
                    id=doc.get_first("id"),
                    score=float(key) if plan.sort is None else 0.0,
                    display=display_of(doc),
                    highlights=mark,
                )
                for (key, doc), mark in zip(docs, marks, strict=True)
            )
        facets = self._facet_counter.finish(counting, request)
        return SearchResult(
            total=found.count, hits=hits, facets=facets, relaxed=relaxed, fuzzy=fuzzy
        )

    def _plan(self, parsed: ParsedQuery, request: SearchRequest, *, relaxed: bool = False,
              fuzzy: bool = False) -> _Plan:
        qb = self._queries
        core = qb.core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
        query = Query.boolean_query([(Occur.Must, core), *qb.filters(request)])
        sort = SORT_FIELDS.get(request.sort)
        if sort is None:
            query = with_bonuses(query, qb.bonuses(parsed, request))
        matching = qb.matching().core(parsed, request.text, relaxed=relaxed, fuzzy=fuzzy)
        return _Plan(core, query, matching, sort, request)

    def tantivy_work(self, request: SearchRequest) -> tuple[float, list[tuple[dict, int]]]:
        """Makes the Tantivy calls `search(request)` makes, alone: for each attempt it needs,
        ranking the page, loading its documents and counting each counting pass (its terms
        aggregations, and their recount where segments cut the lists short). Returns their
        CPU seconds (building the queries, highlighting and respelling not included) and the
        attempts made, each with the matches it found. The search bench sets this beside the
        whole search, as the engine's own cost."""
        parsed = parse_query(request.text)
        searcher = self._searcher()
        spent, made = 0.0, []
        for options in search_attempts(parsed):
            plan = self._plan(parsed, request, **options)
            counting = passes(self._queries, plan.matching, request)
            started = time.process_time()
            found = plan.rank(searcher)
            for _, address in found.hits if request.limit else ():
                searcher.doc(address)
            for query, sizes in counting:
                self._facet_counter.count(searcher, query, sizes)
            spent += time.process_time() - started
            made.append((options, found.count))
            if attempt_found(found.count, parsed):
                break
        return spent, made

    def _highlights(
        self, searcher: tantivy.Searcher, core: Query, docs: list, wanted: bool
    ) -> list[dict[str, str]]:
        marks: list[dict[str, str]] = [{} for _ in docs]
        if not wanted or not docs:
            return marks
        for field in self._highlight_fields:
            generator = tantivy.SnippetGenerator.create(searcher, core, self._schema, field)
            generator.set_max_num_chars(self._highlight_chars)
            for mark, doc in zip(marks, docs, strict=True):
                snippet = generator.snippet_from_doc(doc)
                ranges = snippet.highlighted()
                if ranges:
                    mark[field] = _marked_html(snippet.fragment(), ranges)
        return marks


def _highlights_asked(ranking: Ranking) -> list[str]:
    """The text fields boosts.toml's [highlight] list asks to mark."""
    return [f for f in ranking.get("highlight", "fields", []) if f in ranking.weights]


def _link_target(path: Path) -> str:
    """What the index path points to now: `lantern reindex` swaps a link to a new index
    directory (one readlink, where realpath would stat every part of the path)."""
    try:
        return os.readlink(path)
    except OSError:  # not a link: an index directory of its own
        return str(path)


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The queries of one search: `core` decides the matches (filters aside), `query` ranks
    the page (filters and score-only bonuses added), `matching` is core without the weights,
    for counting."""

    core: Query
    query: Query
    matching: Query
    sort: tuple | None
    request: SearchRequest

    def rank(self, searcher: tantivy.Searcher):
        return searcher.search(
            self.query,
            max(self.request.limit, 1),  # search(q, 0) panics; limit 0 still wants the count
            offset=self.request.offset,
            **({"order_by_field": self.sort[0], "order": self.sort[1]} if self.sort else {}),
        )


def _marked_html(fragment: str, ranges: list) -> str:
    """The fragment HTML-escaped with <mark> around each range (ranges are UTF-8 byte offsets)."""
    if fragment.isascii():  # byte offsets are character offsets: cut the text itself
        def cut(start, end=None):
            return fragment[start:end]
    else:
        raw = fragment.encode()

        def cut(start, end=None):
            return raw[start:end].decode(errors="replace")
    parts, pos = [], 0
    for r in sorted(ranges, key=lambda r: r.start):
        if r.start < pos:
            continue
        parts.append(html.escape(cut(pos, r.start)))
        parts.append(f"<mark>{html.escape(cut(r.start, r.end))}</mark>")
        pos = r.end
    parts.append(html.escape(cut(pos)))
    return "".join(parts)


_PREPARE_FIELDS: dict[str, FieldDef] = {}


def prepare_document(doc: dict[str, Any]) -> tuple[str, str]:
    """(id, JSON line) for `write_prepared`; pure Python, so worker processes can run it."""
    if not _PREPARE_FIELDS:
        _PREPARE_FIELDS.update(load_fields())
    return to_json(doc, _PREPARE_FIELDS)
