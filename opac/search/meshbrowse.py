"""A MeSH heading's page, and the tree beside a results page (no Flask): the descriptor, its
scope note and entry terms, its broader and narrower headings, each with how many titles this
catalogue (or one library's view) has under it.

Every count is the count of the search its link opens (`mesh:"NAME"` for the heading alone,
`mesh:"NAME"+` with its narrower headings), asked of the search service with the same view:
the numbers on the page are the numbers the search finds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from indexer.mesh.linking import linker_for
from indexer.mesh.vocabulary import Descriptor
from opac.search.service import SearchParams, SearchService

MAX_KEY_CHARS = 200  # a heading or UI longer than this is no heading
MAX_RELATED = 100  # broader or narrower headings shown (and counted) at most


@dataclass(frozen=True)
class HeadingCount:
    ui: str
    name: str
    query: str  # the search its count is of
    titles: int


@dataclass(frozen=True)
class HeadingPage:
    descriptor: Descriptor
    entry_terms: tuple[str, ...]
    alone: HeadingCount  # titles with this heading
    exploded: HeadingCount  # titles with it or any narrower heading
    broader: tuple[HeadingCount, ...]
    narrower: tuple[HeadingCount, ...]
    more_narrower: int  # narrower headings not shown (past MAX_RELATED)


def heading_query(name: str, explode: bool) -> str:
    return f'mesh:"{name}"' + ("+" if explode else "")


def find_descriptor(service: SearchService, key: str) -> Descriptor | None:
    """The descriptor a UI (D009203) or a heading or entry term names, or None (none such, or
    no vocabulary imported)."""
    linker = linker_for(service.mesh_path)
    key = " ".join(str(key).split())[:MAX_KEY_CHARS]
    if linker is None or not key or '"' in key:
        return None
    return linker.descriptor(key)


def vocabulary_imported(service: SearchService) -> bool:
    return linker_for(service.mesh_path) is not None


def heading_page(
    service: SearchService, descriptor: Descriptor, within: tuple[tuple[str, str], ...] = ()
) -> HeadingPage:
    vocabulary = linker_for(service.mesh_path).vocabulary
    base = SearchParams(within=within, facets=())

    def counted(ui: str, name: str, explode: bool) -> HeadingCount:
        query = heading_query(name, explode)
        titles = service.count(dataclasses.replace(base, q=query))
        return HeadingCount(ui, name, query, titles)

    def related(uis: list[str]) -> tuple[HeadingCount, ...]:
        found = [d for ui in uis[:MAX_RELATED] if (d := vocabulary.descriptor(ui)) is not None]
        return tuple(counted(d.ui, d.name, True) for d in found)

    children = [ui for tree in descriptor.trees for ui in vocabulary.children(tree)]
    children = list(dict.fromkeys(children))
    preferred = descriptor.name.casefold()
    return HeadingPage(
        descriptor,
        tuple(t for t in vocabulary.entry_names(descriptor.ui) if t.casefold() != preferred),
        counted(descriptor.ui, descriptor.name, False),
        counted(descriptor.ui, descriptor.name, True),
        related(vocabulary.broader(descriptor.ui)),
        related(children),
        max(0, len(children) - MAX_RELATED),
    )


def searched_heading(service: SearchService, params: SearchParams) -> Descriptor | None:
    """The MeSH heading a results page is about: its mesh filter, or its query when that is
    one heading (`mesh:"X"`, exploded or not); None otherwise."""
    for name, value in params.filters:
        if name == "mesh":
            return find_descriptor(service, value)
    text = params.q.strip()
    if text.startswith("mesh:"):
        key = text[5:].rstrip("+").strip().strip('"')
        return find_descriptor(service, key) if key else None
    return None


def mesh_tree(
    service: SearchService, params: SearchParams, within: tuple[tuple[str, str], ...]
) -> HeadingPage | None:
    """The heading a results page is about, with its broader and narrower headings counted
    in the page's view (the tree beside the results), or None."""
    descriptor = searched_heading(service, params)
    return heading_page(service, descriptor, within) if descriptor is not None else None
