"""Engines by short name, imported only when asked for (the web app never loads two)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from indexer.engine.base import Engine
from indexer.errors import ConfigError

# name -> "module:class".
ENGINES = {
    "tantivy": "indexer.engine.tantivy.engine:TantivyEngine",
    "opensearch": "indexer.engine.opensearch.engine:OpenSearchEngine",
}
# name -> "module:function" turning a search document into what Engine.write_prepared takes.
PREPARERS = {
    "tantivy": "indexer.engine.tantivy.engine:prepare_document",
    "opensearch": "indexer.engine.opensearch.engine:prepare_document",
}


def _resolve(table: dict[str, str], name: str):
    target = table.get(name)
    if target is None:
        raise ConfigError(
            f"unknown search engine {name!r}; valid engines: {', '.join(sorted(table))}"
        )
    module_name, attribute = target.split(":")
    return getattr(importlib.import_module(module_name), attribute)


def open_engine(
    name: str, path_or_url: str | os.PathLike[str], *, writer: bool = False, **options: Any
) -> Engine:
    """Open the engine called `name` on an index directory or server URL.

    writer=True takes the single writer lock (Tantivy: options heap_size, threads).
    OpenSearch options: index (the alias), client, batch_size, retries, backoff, timeout.
    """
    return _resolve(ENGINES, name)(path_or_url, writer=writer, **options)


def document_preparer(name: str) -> Callable[[dict[str, Any]], Any]:
    """The function that prepares documents for `Engine.write_prepared` of engine `name`."""
    return _resolve(PREPARERS, name)
