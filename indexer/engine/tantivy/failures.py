"""Tantivy failures become EngineError: an outage is an error, never an empty result."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from indexer.errors import EngineError, IndexerError


@contextmanager
def engine_errors(action: str) -> Iterator[None]:
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
