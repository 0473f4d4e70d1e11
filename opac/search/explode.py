"""Include narrower MeSH headings (explode=true): which searches can, and a mesh filter with
its narrower headings (no Flask)."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.expansion import has_heading
from indexer.engine.querylang import parse_query
from indexer.mesh.linking import linker_for


def narrower_filter(mesh_path: Path | None, heading: str) -> list[str]:
    """The tree numbers a mesh facet value exploded filters on (`mesh_tree` holds each tree
    number and those above it): empty when the heading is no descriptor of the vocabulary, or
    has no tree numbers, and then the filter stays the heading itself."""
    linker = linker_for(mesh_path)
    found = linker.descriptor(heading) if linker is not None else None
    return list(found.trees) if found is not None else []


def explodable(params) -> bool:
    """Whether "include narrower headings" applies: the search names a MeSH heading
    (mesh:"X") or filters on one."""
    return any(name == "mesh" for name, _ in params.filters) or has_heading(parse_query(params.q))
