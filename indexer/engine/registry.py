"""Engines by short name (LANTERN_ENGINE), imported only when asked for (the web app never
loads two)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from indexer.engine.base import Engine
from indexer.engine.fields import FieldDef
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


def open_engine(settings, *, writer: bool = False, to_rebuild: bool = False) -> Engine:
    """The engine LANTERN_ENGINE names, opened where its own settings say (Tantivy: the
    DATA_DIR/index link, writer threads and memory, facet cache; OpenSearch: the URL).

    writer=True takes the single writer lock. to_rebuild=True (with writer) promises that
    begin_rebuild() comes next, so an index built with other fields than fields.toml defines
    (IndexSchemaError otherwise) is no obstacle: it is only going to be replaced.
    """
    engine_class = _resolve(ENGINES, settings.engine)
    return engine_class.from_settings(settings, writer=writer, to_rebuild=to_rebuild)


def document_preparer(name: str, fields: dict[str, FieldDef]) -> Callable[[dict[str, Any]], Any]:
    """The function that prepares documents for `Engine.write_prepared` of engine `name`, with
    the index's fields (it is sent to worker processes, so it carries them)."""
    return functools.partial(_resolve(PREPARERS, name), fields=fields)
