"""What a parsed query becomes before an engine builds it: MeSH headings resolved to their
descriptors, and runs of the reader's words widened by the synonym files and the MeSH entry
terms (the reader's words always stay)."""

from __future__ import annotations

import dataclasses

from indexer.engine import readings
from indexer.engine.querylang import AllOf, AnyOf, Heading, Node, ParsedQuery, Phrase, Word

_SYNONYM_FIELDS = (None, "title", "subject")


def expand_synonyms(query: ParsedQuery, rules) -> ParsedQuery:
    """The query with each run of required words that is a synonym term widened to
    AnyOf(the reader's words, each synonym). The reader's words always stay; exclusions are
    left as typed. `rules` has `alternatives(text)` and `max_words` (synonyms.SynonymRules)."""
    if not rules or not query.synonyms:
        return query
    nodes = list(query.required)
    out: list[Node] = []
    expanded: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, Phrase) and node.field in _SYNONYM_FIELDS:
            alts = rules.alternatives(node.text)
            out.append(_widened(node, alts, node.field) if alts else node)
            if alts:
                expanded.append((node.text, _labels(alts)))
            i += 1
            continue
        matched = False
        for width in range(min(rules.max_words, len(nodes) - i), 0, -1):
            run = nodes[i : i + width]
            if not all(_plain_word(n) and n.field == node.field for n in run):
                continue
            alts = rules.alternatives(" ".join(n.text for n in run))
            if alts:
                own = run[0] if width == 1 else AllOf(tuple(run))
                out.append(_widened(own, alts, node.field))
                expanded.append((" ".join(n.text for n in run), _labels(alts)))
                i += width
                matched = True
                break
        if not matched:
            out.append(node)
            i += 1
    return dataclasses.replace(query, required=tuple(out), expanded=tuple(expanded))


def _plain_word(node: Node) -> bool:
    return isinstance(node, Word) and not node.wildcard and node.field in _SYNONYM_FIELDS


def _widened(own: Node, alternatives: tuple, field: str | None) -> AnyOf:
    extra = tuple(
        alt
        if not isinstance(alt, str)
        else Phrase(alt, field)
        if len(alt.split()) > 1
        else Word(alt, field)
        for alt in alternatives
    )
    return AnyOf((own, *extra))


def _labels(alternatives: tuple) -> tuple[str, ...]:
    """Alternatives as the reader is told them: a MeSH heading as "NAME (MeSH heading)"."""
    return tuple(a if isinstance(a, str) else f"{a.text} (MeSH heading)" for a in alternatives)


def resolve_headings(query: ParsedQuery, mesh, *, explode: bool = False) -> ParsedQuery:
    """Each MeSH heading typed (`mesh:"X"`, a Heading) with its descriptor's UI and tree
    numbers, found among the preferred and entry terms of `mesh` (a mesh.linking.MeshLinker,
    or None when no vocabulary is imported); with `explode`, every heading is exploded (the
    results page's "include narrower headings"). A heading not found is searched as words of the
    subject headings (a subject: phrase), and the query's notes say so."""
    notes: list[str] = []

    def resolved(node: Node) -> Node:
        if isinstance(node, AnyOf):
            return AnyOf(tuple(resolved(n) for n in node.options))
        if not isinstance(node, Heading) or node.ui:
            return (
                node
                if not isinstance(node, Heading)
                else dataclasses.replace(node, explode=node.explode or explode)
            )
        found = mesh.descriptor(node.text) if mesh is not None else None
        if found is None:
            notes.append(readings.not_a_heading(node.text, mesh is not None))
            return Phrase(node.text, "subject")
        return Heading(found.name, node.explode or explode, found.ui, found.trees)

    required = tuple(resolved(n) for n in query.required)
    excluded = tuple(resolved(n) for n in query.excluded)
    if required == query.required and excluded == query.excluded:
        return query
    return dataclasses.replace(
        query, required=required, excluded=excluded, notes=(*query.notes, *notes)
    )


def has_heading(query: ParsedQuery) -> bool:
    """Whether the query searches a MeSH heading (`mesh:"X"`, exploded or not)."""

    def found(node: Node) -> bool:
        return isinstance(node, Heading) or (
            isinstance(node, AnyOf) and any(found(n) for n in node.options)
        )

    return any(found(n) for n in query.required)
