"""Query-time synonyms from the Solr-syntax files in synonyms/*.txt.

`anaemia, anemia` makes every term find the others; `MI => myocardial infarction` expands the
left side only. Terms may be several words. Expansion adds alternatives and never replaces the
reader's words. The files are read again when one of them changes (mtime, size or the set of
files), so a librarian's edit takes effect on the next search, with no reindex or restart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.normalise import normalise_title

MAX_TERM_WORDS = 6  # longest left-hand side that is looked for in a query


def term_key(text: str) -> str:
    """The comparison form of a term: folded, punctuation to spaces ("Gastro-oesophageal" ->
    "gastro oesophageal")."""
    return normalise_title(text)


@dataclass(frozen=True)
class SynonymRules:
    """term key -> the other terms (as written in the file) a search for it also finds."""

    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_words: int = 1

    def alternatives(self, text: str) -> tuple[str, ...]:
        return self.expansions.get(term_key(text), ())


def parse_rules(lines: list[str], into: dict[str, list[str]]) -> None:
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, _, right = line.partition("=>")
            sources = _terms(left)
            targets = _terms(right)
        else:
            sources = targets = _terms(line)
        for source in sources:
            key = term_key(source)
            if not key:
                continue
            bucket = into.setdefault(key, [])
            for target in targets:
                if term_key(target) != key and target not in bucket:
                    bucket.append(target)


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if term_key(t)]


def load_rules(paths: list[Path]) -> SynonymRules:
    collected: dict[str, list[str]] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # a file removed between listing and reading: the next search retries
        parse_rules(text.splitlines(), collected)
    longest = max((len(k.split()) for k in collected), default=1)
    return SynonymRules(
        {k: tuple(v) for k, v in collected.items() if v}, min(longest, MAX_TERM_WORDS)
    )


class SynonymFiles:
    """The rules of every *.txt file in a directory, reloaded when the files change."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._stamp: tuple | None = None
        self._rules = SynonymRules()

    def _current_stamp(self) -> tuple:
        try:
            entries = sorted(
                (e.name, e.stat().st_mtime_ns, e.stat().st_size)
                for e in os.scandir(self.directory)
                if e.name.endswith(".txt") and e.is_file()
            )
        except OSError:
            return ()
        return tuple(entries)

    def stamp(self) -> tuple:
        """Names, times and sizes of the files: changes when any of them does."""
        return self._current_stamp()

    def rules(self) -> SynonymRules:
        stamp = self._current_stamp()
        if stamp != self._stamp:
            paths = [self.directory / name for name, _, _ in stamp]
            self._rules = load_rules(paths)
            self._stamp = stamp
        return self._rules
