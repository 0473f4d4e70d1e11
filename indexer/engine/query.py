"""Engine-neutral search request and result: plain frozen data, no engine types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.engine.fields import load_sorts

# The one list of result orders, from schemas/fields.toml's [sort.*] tables (with their labels).
SORTS = tuple(load_sorts())

FieldValues = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class SearchRequest:
    """What the reader asked for.

    `filters`: field -> values; values of one field are ORed, different fields ANDed.
    `excludes`: same shape; a document with any of these values is left out.
    `within`: same shape, each pair a filter of its own that every count obeys, facets too: the
    part of the index a page searches (one library, one site, a region), which a reader's own
    selections narrow but never widen.
    `facets`: fields to count; each facet is counted with every filter except its own
    (multi-select faceting), so a reader can widen a facet they already narrowed.
    `limit` may be 0 for counts (total and facets) only.
    """

    text: str = ""
    filters: FieldValues = ()
    excludes: FieldValues = ()
    within: FieldValues = ()
    year_from: int | None = None
    year_to: int | None = None
    facets: tuple[str, ...] = ()
    facet_size: int = 20
    facet_sizes: tuple[tuple[str, int], ...] = ()  # per-field overrides of facet_size
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    prefer_library: str | None = None
    highlight: bool = False
    synonyms: bool = True  # False: the reader's words only, not widened by the synonym files
    explode: bool = False  # every MeSH heading searched (mesh:"X") with its narrower headings

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.offset < 0 or self.limit < 0 or self.facet_size < 1:
            raise ValueError("offset and limit must be >= 0 and facet_size >= 1")


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class Hit:
    """One result. `score` is the relevance score (0.0 when sorted by a field).

    `highlights`: field -> HTML-escaped text with the matched words in <mark>.
    """

    id: str
    score: float
    display: dict[str, Any]
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """`relaxed` is True when no record had every word and the engine fell back to any word.
    `fuzzy` is True when the records shown matched only with typos allowed in longer words.
    `suggestion` is a better spelling of the query from the index's own words ("did you
    mean"), whether or not the query as typed found something; never the query itself.
    `notes` say how the query was read where that differs from what was typed, `ignored` the
    syntax that was ignored and why (ParsedQuery.notes, .ignored). `expanded`: (the reader's
    words, the terms the synonym files added to them), for "also searched for"."""

    total: int
    hits: tuple[Hit, ...] = ()
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    relaxed: bool = False
    fuzzy: bool = False
    suggestion: str | None = None
    notes: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    expanded: tuple[tuple[str, tuple[str, ...]], ...] = ()


SUGGESTION_KINDS = ("title", "author", "subject")


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete entry: `text` to put in the search box, `kind` one of SUGGESTION_KINDS."""

    text: str
    kind: str
