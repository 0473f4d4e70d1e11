"""Query-time synonyms from the Solr-syntax files in synonyms/*.txt.

`anaemia, anemia` makes every term find the others; `MI => myocardial infarction` expands the
left side only. Terms may be several words. Expansion adds alternatives and never replaces the
reader's words. The files are read again when one of them changes (mtime, size or the set of
files), so a librarian's edit takes effect on the next search, with no reindex or restart.
With a MeSH vocabulary imported, each entry term also finds its descriptor's heading (the
records linked to it) and preferred term: "heart attack" finds "Myocardial Infarction".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.engine.querylang import Heading
from indexer.mesh.linking import linker_for
from indexer.normalise import normalise_title

MAX_TERM_WORDS = 6  # longest left-hand side that is looked for in a query


def term_key(text: str) -> str:
    """The comparison form of a term: folded, punctuation to spaces ("Gastro-oesophageal" ->
    "gastro oesophageal")."""
    return normalise_title(text)


@dataclass(frozen=True)
class SynonymRules:
    """The synonym files' rules as groups of terms, and the MeSH vocabulary when one is
    imported. A group is stored once, with each of its terms pointing at it, so a rule of n
    terms costs n entries, not n x n (a MeSH descriptor has up to about a hundred entry terms).

    `groups`: the terms of each rule's right-hand side (as written in the file); `expansions`:
    term key -> the groups a search for it also finds; `mesh`: a mesh.linking.MeshLinker."""

    expansions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    max_words: int = 1
    groups: tuple[tuple[str, ...], ...] = ()
    mesh: Any = None

    def __bool__(self) -> bool:
        return bool(self.expansions) or self.mesh is not None

    def alternatives(self, text: str) -> tuple:
        """What a search for `text` also finds: the files' terms, then the MeSH descriptor
        `text` is an entry term of (a querylang.Heading) and its preferred term."""
        key = term_key(text)
        found = [t for g in self.expansions.get(key, ()) for t in self.groups[g]]
        found = [t for t in dict.fromkeys(found) if term_key(t) != key]
        descriptor = self.mesh.descriptor(text) if self.mesh is not None and key else None
        if descriptor is None:
            return tuple(found)
        preferred = term_key(descriptor.name)
        named = preferred == key or any(term_key(t) == preferred for t in found)
        heading = Heading(descriptor.name, ui=descriptor.ui, trees=descriptor.trees)
        return (*found, heading, *(() if named else (descriptor.name,)))


def parse_rules(lines: list[str], groups: list[tuple[str, ...]], into: dict) -> None:
    """Add each rule of `lines` to `groups` (its terms) and `into` (term key -> group ids)."""
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
        if not targets:
            continue
        groups.append(tuple(targets))
        for source in dict.fromkeys(term_key(s) for s in sources):
            if source:
                into.setdefault(source, []).append(len(groups) - 1)


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if term_key(t)]


def load_rules(paths: list[Path], mesh=None) -> SynonymRules:
    """The rules of the files at `paths`; `mesh`: a mesh.linking.MeshLinker, or None."""
    groups: list[tuple[str, ...]] = []
    collected: dict[str, list[int]] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # a file removed between listing and reading: the next search retries
        parse_rules(text.splitlines(), groups, collected)
    longest = max((len(k.split()) for k in collected), default=1)
    if mesh is not None:
        longest = max(longest, mesh.longest_term())
    return SynonymRules(
        {k: tuple(v) for k, v in collected.items()},
        min(longest, MAX_TERM_WORDS),
        tuple(groups),
        mesh,
    )


class SynonymFiles:
    """The rules of every *.txt file in a directory, reloaded when the files change."""

    def __init__(self, directory: Path, mesh_path: Path | None = None) -> None:
        self.directory = Path(directory)
        self.mesh_path = mesh_path  # the imported MeSH vocabulary: entry terms as synonyms
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

    def _mesh_stamp(self) -> tuple:
        try:
            stat = os.stat(self.mesh_path) if self.mesh_path is not None else None
        except OSError:
            return ()
        return (stat.st_ino, stat.st_mtime_ns) if stat else ()

    def stamp(self) -> tuple:
        """Names, times and sizes of the files, and which MeSH vocabulary: changes when any
        of them does."""
        return (*self._current_stamp(), self._mesh_stamp())

    def mesh(self):
        """The MeSH vocabulary's linker (mesh.linking.MeshLinker), or None if none is imported."""
        return linker_for(self.mesh_path)

    def rules(self) -> SynonymRules:
        stamp = self.stamp()
        if stamp != self._stamp:
            paths = [self.directory / name for name, _, _ in stamp[:-1]]
            self._rules = load_rules(paths, self.mesh())
            self._stamp = stamp
        return self._rules
