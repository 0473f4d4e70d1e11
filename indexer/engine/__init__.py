"""The search engine interface. Only this package imports an engine library."""

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
