"""Query-time synonyms from the Solr-syntax files in synonyms/*.txt.

`anaemia, anemia` makes every term find the others; `MI => myocardial infarction` expands the
left side only. Terms may be several words. Expansion adds alternatives and never replaces the
reader's words. The files are read again when one of them changes (mtime, size or the set of
files), so a librarian's edit takes effect on the next search, with no reindex or restart.

`read_rules` is the one reading of a file: the engines search with its rules, and `lantern
check`, `lantern synonyms check` and the staff console report its problems. A line it cannot
read (two `=>`, an empty side or term, an unclosed quote, bytes that are not UTF-8) is left out
and reported with its line; a file with such lines is not used while this process has a good
reading of it (the last good one stays, the problems logged once; indexer/lastgood.py).

A rule's terms are kept once, as a group, and each term points at its groups: the rules take
space in proportion to the terms written, and a term's alternatives are read off its groups when
a search asks, so a line of 5,000 equivalent terms costs 5,000 entries, not 25 million.

With a MeSH vocabulary imported, each entry term also finds its descriptor's heading (the
records linked to it) and preferred term: "heart attack" finds "Myocardial Infarction".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.engine.querylang import Heading
from indexer.errors import ConfigError
from indexer.lastgood import read_or_keep, report_once
from indexer.mesh.linking import linker_for
from indexer.normalise import normalise_title
from indexer.tomlfile import at
from indexer.tuning.report import Report

MAX_TERM_WORDS = 6  # longest left-hand side that is looked for in a query
LARGE_RULE = 200  # terms: a search for one of them searches every other, so it is slower


def term_key(text: str) -> str:
    """The comparison form of a term: folded, punctuation to spaces ("Gastro-oesophageal" ->
    "gastro oesophageal")."""
    return normalise_title(text)


@dataclass(frozen=True)
class Rule:
    """One line of a synonym file: a search for any source term also finds the targets."""

    line: int
    sources: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class SynonymRules:
    """The groups of terms (as written in the files, with their keys), by term key the groups a
    search for that term also finds, and the MeSH vocabulary when one is imported (`mesh`: a
    mesh.linking.MeshLinker; a descriptor has up to about a hundred entry terms, looked up there
    rather than copied into groups)."""

    groups: tuple[tuple[tuple[str, str], ...], ...] = ()
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    max_words: int = 1
    mesh: Any = None

    def __bool__(self) -> bool:
        return bool(self.by_key) or self.mesh is not None

    def alternatives(self, text: str) -> tuple:
        """What a search for `text` also finds: the files' terms, then the MeSH descriptor
        `text` is an entry term of (a querylang.Heading) and its preferred term."""
        key = term_key(text)
        found: dict[str, None] = {}
        for group in self.by_key.get(key, ()):
            for term, term_of in self.groups[group]:
                if term_of != key:
                    found.setdefault(term)
        descriptor = self.mesh.descriptor(text) if self.mesh is not None and key else None
        if descriptor is None:
            return tuple(found)
        preferred = term_key(descriptor.name)
        named = preferred == key or any(term_key(t) == preferred for t in found)
        heading = Heading(descriptor.name, ui=descriptor.ui, trees=descriptor.trees)
        return (*found, heading, *(() if named else (descriptor.name,)))

    @classmethod
    def build(cls, rules: list[Rule], mesh=None) -> SynonymRules:
        groups: list[tuple[tuple[str, str], ...]] = []
        by_key: dict[str, list[int]] = {}
        for rule in rules:
            groups.append(tuple((t, term_key(t)) for t in rule.targets))
            for key in dict.fromkeys(term_key(t) for t in rule.sources):
                by_key.setdefault(key, []).append(len(groups) - 1)
        longest = max((len(k.split()) for k in by_key), default=1)
        if mesh is not None:
            longest = max(longest, mesh.longest_term())
        return cls(
            tuple(groups),
            {k: tuple(v) for k, v in by_key.items()},
            min(longest, MAX_TERM_WORDS),
            mesh,
        )


def read_rules(content: str | bytes) -> tuple[list[Rule], Report]:
    """The rules of a synonym file's text, and the problems of the lines left out."""
    report = Report()
    rules = []
    for number, line in _lines(content, report):
        text = line.split("#", 1)[0].strip()
        if text:
            rule = _rule(text, number, report)
            if rule is not None:
                rules.append(rule)
                if len(rule.targets) > LARGE_RULE:
                    report.warn(
                        number,
                        f"has {len(rule.targets):,} terms: a search for one of them searches "
                        f"them all, which is slow (more than {LARGE_RULE} is unusual)",
                    )
    return rules, report


def _lines(content: str | bytes, report: Report):
    if isinstance(content, str):
        yield from enumerate(content.splitlines(), 1)
        return
    for number, raw in enumerate(content.splitlines(), 1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.error(
                number, f"is not UTF-8 text (byte {exc.start + 1}); save the file as UTF-8"
            )


def _rule(text: str, number: int, report: Report) -> Rule | None:
    """The line's rule, or None after reporting why it is not one."""
    if text.count('"') % 2:
        report.error(number, 'has an unclosed quote (")')
        return None
    arrows = text.count("=>")
    if arrows > 1:
        report.error(number, f"has {arrows} `=>`; a rule has at most one")
        return None
    if arrows:
        left, _, right = text.partition("=>")
        sides = [("left of =>", left), ("right of =>", right)]
    else:
        sides = [("", text)]
    terms = [_terms(side, where, number, report) for where, side in sides]
    if any(t is None for t in terms):
        return None
    if not arrows and len(terms[0]) == 1:
        report.error(
            number,
            f"{terms[0][0]!r} alone does nothing: list its equivalents after a comma "
            "(`a, b`) or what it expands to after `=>` (`a => b`)",
        )
        return None
    for term in terms[0]:
        words = len(term_key(term).split())
        if words > MAX_TERM_WORDS:
            report.error(
                number,
                f"{term!r} has {words} words; searches are only looked up for terms of up to "
                f"{MAX_TERM_WORDS} words, so it would never expand",
            )
            return None
    return Rule(number, tuple(terms[0]), tuple(terms[-1]))


def _terms(text: str, where: str, number: int, report: Report) -> list[str] | None:
    side = f" {where}" if where else ""
    if not text.strip():
        report.error(number, f"has nothing{side}")
        return None
    terms = [t.strip().strip('"').strip() for t in text.split(",")]
    for position, term in enumerate(terms, 1):
        if not term:
            report.error(number, f"has an empty term{side} (term {position}: two commas?)")
            return None
        if not term_key(term):
            report.error(number, f"term {term!r}{side} has no letters or digits to search for")
            return None
    return terms


def read_file(path: Path) -> list[Rule]:
    """The rules of one synonym file; ConfigError naming `file:line: reason` for each line
    that is not a rule."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the synonym file: {exc.strerror or exc}") from exc
    rules, report = read_rules(content)
    if not report.ok:
        raise ConfigError("\n".join(f"{at(path, p.line)}: {p.message}" for p in report.errors))
    return rules


def load_rules(paths: list[Path], mesh=None) -> SynonymRules:
    """The rules of these files as a search uses them: a file with a broken line gives its last
    good rules in this process, else the lines that are rules (never nothing at all). `mesh`: a
    mesh.linking.MeshLinker, or None."""
    rules: list[Rule] = []
    for path in paths:
        try:
            rules += read_or_keep("synonym file", path, lambda p=path: read_file(p))
        except ConfigError as exc:
            report_once(("synonym file", str(path)), path, str(exc), "using its other lines")
            rules += read_rules(_bytes(path))[0]
    return SynonymRules.build(rules, mesh)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # a file removed between listing and reading: the next search retries


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
