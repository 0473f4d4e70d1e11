"""The one writer of a Tantivy index directory.

It holds the directory's lock, so a second writer gets IndexLockedError naming the holder (the
file WRITER_INFO says who that is); writes are buffered until commit().
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path

import tantivy

from indexer.engine.tantivy.failures import engine_errors
from indexer.errors import EngineError, IndexLockedError

WRITER_INFO = "lantern-writer.json"  # who holds the writer lock, for the error message
MIN_HEAP_PER_THREAD = 15_000_000  # tantivy refuses less


class IndexWriter:
    def __init__(self, index: tantivy.Index, path: Path, heap_size: int, threads: int) -> None:
        self.index = index
        # The directory itself, not a link to it: the link may be swapped to another index.
        self.directory = Path(os.path.realpath(path))
        self._writer = _lock(index, path, self.directory / WRITER_INFO, heap_size, threads)
        self._uncommitted = False

    def write(self, prepared: Iterable[tuple[str, str]], *, new: bool) -> None:
        """Write (id, JSON line) pairs; `new` promises the ids are not in the index yet."""
        self._uncommitted = True
        with engine_errors("upsert"):
            for doc_id, line in prepared:
                if not new:
                    self._writer.delete_documents_by_term("id", doc_id)
                self._writer.add_json(line)

    def delete(self, ids: Iterable[str]) -> None:
        self._uncommitted = True
        with engine_errors("delete"):
            for doc_id in ids:
                self._writer.delete_documents_by_term("id", doc_id)

    def commit(self) -> None:
        with engine_errors("commit"):
            self._writer.commit()
            self._uncommitted = False

    def close(self) -> None:
        """Release the lock. Writes not committed are dropped."""
        with engine_errors("close"):
            if self._uncommitted:
                self._writer.rollback()
            # Let the merges the last commit started finish: a rollback would abandon them,
            # and every load would leave its segments behind (slower searches).
            self._writer.wait_merging_threads()
        (self.directory / WRITER_INFO).unlink(missing_ok=True)


def _lock(
    index: tantivy.Index, path: Path, info: Path, heap_size: int, threads: int
) -> tantivy.IndexWriter:
    threads = max(1, threads)
    # Tantivy refuses less than 15 MB of indexing memory per thread.
    heap_size = max(heap_size, MIN_HEAP_PER_THREAD * threads)
    try:
        writer = index.writer(heap_size, threads)
    except ValueError as exc:
        if "LockBusy" not in str(exc):
            raise EngineError(f"cannot open a writer on {path}: {exc}") from exc
        try:
            holder = info.read_text().strip()
        except OSError:
            holder = "holder unknown"
        raise IndexLockedError(
            f"the index at {path} is already open for writing by {holder}; "
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
