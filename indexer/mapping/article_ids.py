"""DOIs and PubMed ids: found in a MARC record, typed by a reader, normalised one way.

A DOI is kept in lower case without its resolver or `doi:` prefix ("10.1007/bfb0070997"): DOIs
are case-insensitive (the DOI Handbook, 2.4), so a reader's typing and a cataloguer's match. A
PubMed id (PMID) is kept as its digits without leading zeros.

Where a record gives them: 024 with `$2 doi` or `$2 pmid`/`pubmed` (first indicator 7),
035 `(PubMed)12345`, and 856 $u links to a DOI resolver (doi.org, dx.doi.org, also inside a
proxy's `url=`), to a publisher's `/doi/` page, or to PubMed. No library checks DOIs
(python-stdnum has none, and a DOI has no check digit); Crossref's own advice is a pattern.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from indexer.marc.record import MarcRecord

# Crossref: "10." + a registrant code of 4 to 9 digits (with optional .sub parts) + "/" + suffix.
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_RESOLVER = r"(?:https?://)?(?:dx\.|www\.)?doi\.org/"
_DOI_PREFIXES = re.compile(rf"^(?:doi\s*:\s*|info:doi/|urn:doi:|{_RESOLVER})", re.IGNORECASE)
_TYPED_DOI = re.compile(rf"^(?:10\.|{_RESOLVER})", re.IGNORECASE)
# A DOI inside a link, up to the end of the path: after a resolver's host (doi.org), or in a
# publisher's /doi/ path (Wiley, Taylor & Francis, SAGE: /doi/10..., /doi/book/10...).
_DOI_IN_URL = re.compile(
    r"(?:(?:^|[/.])doi\.org|/doi(?:/(?:abs|full|pdf|epdf|book|epub))?)"
    r"/(10\.\d{4,9}(?:\.\d+)*/[^\s?#&]+)",
    re.IGNORECASE,
)
_PMID = re.compile(r"^0*([1-9]\d{0,9})$")
_PMID_PREFIX = re.compile(r"^(?:pmid|pubmed)\s*:?\s*", re.IGNORECASE)
_PMID_IN_URL = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)0*([1-9]\d{0,9})(?![\d])",
    re.IGNORECASE,
)
_PUBMED_035 = re.compile(r"^\((?:pubmed|pmid)\)\s*(\d+)\s*$", re.IGNORECASE)
_PMID_SOURCES = frozenset({"pmid", "pubmed"})
_TRAILING = ".,;"


def normalise_doi(text: str) -> str | None:
    """The DOI in `text` ("doi:10.1000/XYZ", "https://doi.org/10.1000/xyz", a bare DOI) in lower
    case without its prefix, or None when `text` is no DOI."""
    value = (text or "").strip()
    if "%2f" in value.lower():
        value = unquote(value)
    value = _DOI_PREFIXES.sub("", value, count=1).strip().rstrip(_TRAILING)
    return value.lower() if _DOI.match(value) else None


def typed_doi(typed: str, unbracketed: str) -> str | None:
    """The DOI a reader typed without `doi:` (bare, or a resolver's link), or None; its own
    brackets are kept ("10.1002/(sici)1097-..."), those of a bracketed group are not."""
    text = typed if typed.count("(") == typed.count(")") else unbracketed
    return normalise_doi(text) if _TYPED_DOI.match(text) else None


def doi_in_url(url: str) -> str | None:
    """The DOI a link resolves, also through a proxy (`...login?url=http://dx.doi.org/10...`)."""
    found = _DOI_IN_URL.search(unquote(unquote(url or "")))
    return normalise_doi(found.group(1)) if found else None


def normalise_pmid(text: str) -> str | None:
    """A PubMed id ("PMID: 0012345", "12345") as its digits, or None."""
    found = _PMID.match(_PMID_PREFIX.sub("", (text or "").strip(), count=1))
    return found.group(1) if found else None


def pmid_in_url(url: str) -> str | None:
    found = _PMID_IN_URL.search(url or "")
    return found.group(1) if found else None


def article_ids(record: MarcRecord) -> dict[str, list[str]]:
    """{"doi": [...], "pmid": [...]} of one record, each once, in record order."""
    dois: list[str] = []
    pmids: list[str] = []

    def keep(found: list[str], value: str | None) -> None:
        if value and value not in found:
            found.append(value)

    for f in record.get_fields("024", "035", "856"):
        if f.tag == "024":
            source = (f.get("2") or "").strip().lower()
            for value in f.get_all("a"):
                if source == "doi":
                    keep(dois, normalise_doi(value))
                elif source in _PMID_SOURCES:
                    keep(pmids, normalise_pmid(value))
        elif f.tag == "035":
            for value in f.get_all("a"):
                if found := _PUBMED_035.match(value.strip()):
                    keep(pmids, normalise_pmid(found.group(1)))
        else:
            for url in f.get_all("u"):
                keep(dois, doi_in_url(url))
                keep(pmids, pmid_in_url(url))
    return {"doi": dois, "pmid": pmids}


def _article_ids(_args, _maps, _schemas):
    return article_ids
