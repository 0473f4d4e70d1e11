"""How common a term is in the catalogue, for the synonym check's common-word warning
(indexer.tuning.synonyms_check asks for a `share(term)`; indexer cannot import opac, so the
adapter over the search service lives here)."""

from __future__ import annotations

from collections.abc import Callable

from indexer.engine.synonyms import term_key
from opac.search.service import SearchParams, SearchService


def catalogue_share(service: SearchService) -> Callable[[str], float]:
    """term -> the fraction of the catalogue's documents a search for it finds (0.0 when the
    index is empty). The term is searched as a phrase of its normalised words, so punctuation
    in it ("gastro-oesophageal") is never read as query syntax."""
    total = service.count(SearchParams())

    def share(term: str) -> float:
        words = term_key(term)
        if not total or not words:
            return 0.0
        return service.count(SearchParams(q=f'"{words}"')) / total

    return share
