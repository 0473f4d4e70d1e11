"""Browse terms: the values of a document's browse fields, which sort as readers browse.

A browse field holds one value (a term) per thing a reader can stop at, so that a page of a
browse is a stretch of the field's term dictionary in order, read by the engine
(`Engine.browse_terms`), never a scan of the catalogue.

  shelf           one term per library, scheme and call number a title stands at, and one for
                  the consortium's shelf ("*"): "RDE nlm<SCOPE>WG 00120 L86<SEP>RDE.123"
                  (the scope, then the call number's shelf key, then the document's id). A title
                  held by many libraries stands on each library's shelf at that library's own
                  call number.
  author_browse   one term per name: "smith john<SEP>Smith, John"
  subject_browse  one term per heading and facet: "heart diseases<SEP>mesh<SEP>Heart Diseases"

SCOPE ends the part of a term a browse stays within (a library's shelf of one scheme); SEP
sorts before every printable character, so "WG 00120" and its document ids shelve before
"WG 00120 A1".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indexer.normalise import normalise_title
from indexer.shelf.callnumber import SCHEMES, scheme_of, shelf_key

SCOPE = "\x1e"
SEP = "\x1f"
EVERY_LIBRARY = "*"
BROWSE_FIELDS = {"shelf": "shelf", "author": "author_browse", "subject": "subject_browse"}
SUBJECT_FACETS = ("mesh", "subject")  # the facets a subject heading can be a filter of


@dataclass(frozen=True, slots=True)
class ShelfEntry:
    """One title's place on one shelf."""

    library: str  # a library's code, or EVERY_LIBRARY
    scheme: str
    key: str
    doc_id: str


@dataclass(frozen=True, slots=True)
class Heading:
    """An author or a subject heading as a browse lists it."""

    sort: str  # the normalised form it sorts by
    text: str  # as catalogued
    facet: str  # the facet a search for it filters (author, mesh or subject)


def shelf_scope(library: str | None, scheme: str) -> str:
    """The part of a shelf term that names its shelf: a library's (None: everyone's) scheme."""
    return f"{library or EVERY_LIBRARY} {scheme}{SCOPE}"


def shelf_terms(doc_id: str, call_numbers: Iterable[tuple[str, str]]) -> list[str]:
    """The shelf terms of a document from (library code, call number) pairs: each library's
    shelf and the consortium's, each place once."""
    terms: set[str] = set()
    for library, call_number in call_numbers:
        if not call_number or not call_number.strip():
            continue
        scheme = scheme_of(call_number)
        key = shelf_key(call_number, scheme)
        for shelf in (library, EVERY_LIBRARY):
            terms.add(f"{shelf_scope(shelf, scheme)}{key}{SEP}{doc_id}")
    return sorted(terms)


def shelf_entry(term: str) -> ShelfEntry | None:
    """The entry a shelf term stands for (None for a term not of this shape)."""
    scope, _, rest = term.partition(SCOPE)
    library, _, scheme = scope.partition(" ")
    key, _, doc_id = rest.rpartition(SEP)
    if not (library and scheme in SCHEMES and doc_id):
        return None
    return ShelfEntry(library, scheme, key, doc_id)


def heading_sort(text: str) -> str:
    """How a heading sorts (and what a reader's `from` is compared with)."""
    return normalise_title(text)


def author_terms(names: Iterable[str]) -> list[str]:
    return sorted({f"{heading_sort(n)}{SEP}{n}" for n in names if heading_sort(n)})


def subject_terms(by_facet: dict[str, Iterable[str]]) -> list[str]:
    return sorted(
        {
            f"{heading_sort(h)}{SEP}{facet}{SEP}{h}"
            for facet, headings in by_facet.items()
            for h in headings
            if heading_sort(h)
        }
    )


def heading(term: str, facet: str = "author") -> Heading:
    """The heading a term of author_browse (or, with its facet inside, subject_browse) names."""
    sort, _, rest = term.partition(SEP)
    if facet != "author":
        facet, _, rest = rest.partition(SEP)
    return Heading(sort, rest, facet)
