"""Engine-neutral explanation of one result's score, in plain words (engines with the EXPLAIN
capability return these from explain())."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.engine.synonyms import load_rules


@dataclass(frozen=True)
class Explanation:
    """`score` is the result's relevance score (as Hit.score); `lines` say in words which fields
    matched which words, which synonyms were searched and which bonuses applied. `matched` is
    False for a document that the search does not find (then `lines` say so)."""

    id: str
    score: float
    lines: tuple[str, ...]
    matched: bool = True


def synonym_source(directory: Path, term: str, alternative: str) -> str | None:
    """The name of the synonyms file (in `directory`) that makes `term` also find
    `alternative`, or None."""
    for path in sorted(Path(directory).glob("*.txt")):
        if alternative in load_rules([path]).alternatives(term):
            return path.name
    return None
