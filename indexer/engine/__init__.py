"""The search engine interface and what both engines share: the query model, the query
language, field definitions, synonyms, the search loop and the registry that opens the engine
LANTERN_ENGINE names. Each engine lives in its own subpackage (tantivy/, opensearch/), the only
place that imports its library."""

from indexer.engine.base import Engine
from indexer.engine.query import (
    SORTS,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResult,
    Suggestion,
)
from indexer.engine.querylang import ParsedQuery, parse_query
from indexer.engine.registry import ENGINES, document_preparer, open_engine

__all__ = [
    "ENGINES",
    "SORTS",
    "Engine",
    "FacetValue",
    "Hit",
    "ParsedQuery",
    "SearchRequest",
    "SearchResult",
    "Suggestion",
    "document_preparer",
    "open_engine",
    "parse_query",
]
