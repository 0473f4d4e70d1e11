"""Subject headings linked to their MeSH descriptor, as a search document is built.

A record's MeSH heading ("Myocardial Infarction -- therapy") is looked up by its main heading
(before the first " -- ") among the vocabulary's preferred and entry terms. A linked document
carries the descriptor UIs (`mesh_id`) and every tree number of them and above them
(`mesh_tree`: "C14.280.647.500" is indexed as C14, C14.280, C14.280.647 and itself), so an
explode, which PubMed defines as the heading and everything under its tree numbers, is one term
per tree number. With no vocabulary imported nothing is linked and nothing else changes.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from indexer.mesh.vocabulary import Descriptor, MeshVocabulary

SUBDIVISION = " -- "
UI = re.compile(r"[Dd]\d{6,9}")
CACHED_HEADINGS = 50_000  # distinct headings remembered per process (a region has fewer)


def main_heading(heading: str) -> str:
    """The heading without its subdivisions, and without the full stop catalogues leave."""
    return heading.split(SUBDIVISION, 1)[0].strip().rstrip(".").strip()


def with_broader(trees: tuple[str, ...]) -> list[str]:
    """Each tree number and the tree numbers above it, each once."""
    out: list[str] = []
    for tree in trees:
        parts = tree.split(".")
        out.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
    return list(dict.fromkeys(out))


class MeshLinker:
    """Finds the descriptor of a heading, remembering what it found."""

    def __init__(self, vocabulary: MeshVocabulary) -> None:
        self.vocabulary = vocabulary
        self.descriptor = lru_cache(maxsize=CACHED_HEADINGS)(self._descriptor)
        self._longest: int | None = None

    def longest_term(self) -> int:
        """Words in the vocabulary's longest entry term (how long a run of a reader's words
        may be one)."""
        if self._longest is None:
            self._longest = self.vocabulary.longest_term()
        return self._longest

    def _descriptor(self, heading: str) -> Descriptor | None:
        if UI.fullmatch(heading.strip()):  # a descriptor's UI (D009203) names it too
            return self.vocabulary.descriptor(heading.strip().upper())
        ui = self.vocabulary.by_term(main_heading(heading))
        return self.vocabulary.descriptor(ui) if ui else None

    def link(self, doc: dict) -> dict:
        """`doc` (a search document) with mesh_id and mesh_tree, and in its display which
        heading is which descriptor (`mesh_links`: heading -> UI) for the record page."""
        ids: list[str] = []
        trees: list[str] = []
        links: dict[str, str] = {}
        for heading in doc.get("subject_mesh_facet") or []:
            found = self.descriptor(heading)
            if found is None:
                continue
            links[heading] = found.ui
            ids.append(found.ui)
            trees.extend(with_broader(found.trees))
        if links:
            doc["mesh_id"] = list(dict.fromkeys(ids))
            doc["mesh_tree"] = list(dict.fromkeys(trees))
            doc["display"]["mesh_links"] = links
        return doc


_OPENED: dict[Path, tuple[tuple[int, int], MeshLinker]] = {}


def linker_for(path: Path | None) -> MeshLinker | None:
    """The linker over the vocabulary at `path` (None when none is imported), opened once per
    process and again when a new vocabulary replaced the file."""
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_ino, stat.st_mtime_ns)
    held = _OPENED.get(Path(path))
    if held is None or held[0] != stamp:
        if held is not None:
            held[1].vocabulary.close()
        held = (stamp, MeshLinker(MeshVocabulary(Path(path))))
        _OPENED[Path(path)] = held
    return held[1]


def link_mesh(doc: dict, path: Path | None) -> dict:
    """`doc` linked to the vocabulary at `path`, or as it is when there is none."""
    linker = linker_for(path)
    return linker.link(doc) if linker is not None else doc
