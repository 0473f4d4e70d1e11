"""A library's [library.fulltext] table: where its readers get full text of what they find.

```toml
[library.fulltext]
resolver = "https://resolver.example.nhs.uk/openurl"   # an OpenURL 1.0 link resolver's base URL
doi_link = "https://libkey.io/libraries/1234/{doi}"      # a LibKey-style link for a DOI ({doi})
proxy = true               # route the link through the library's `proxy` (the default)
rfr_id = "info:sid/lantern.nhs.uk:SW"   # who sends the reader (OpenURL's referrer id)
```
Either or both of resolver and doi_link; a record with a DOI uses doi_link when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.library_details import is_web

DEFAULT_RFR_ID = "info:sid/lantern"
_KEYS = ("resolver", "doi_link", "proxy", "rfr_id")


@dataclass(frozen=True)
class FulltextConfig:
    resolver: str | None = None
    doi_link: str | None = None
    proxy: bool = True
    rfr_id: str = DEFAULT_RFR_ID


def read_fulltext(entry: dict, fail) -> FulltextConfig | None:
    """The library's [library.fulltext] table, or None when it has none. `fail(problem)` makes
    the ConfigError naming the file and the library."""
    table = entry.get("fulltext")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise fail('fulltext must be a table (resolver = "https://...", doi_link = "...")')
    unknown = set(table) - set(_KEYS)
    if unknown:
        raise fail(
            f"fulltext: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(_KEYS)})"
        )
    resolver, doi_link = table.get("resolver"), table.get("doi_link")
    if resolver is None and doi_link is None:
        raise fail("fulltext: needs a resolver (an OpenURL base URL) or a doi_link, or both")
    if resolver is not None and not (isinstance(resolver, str) and _web(resolver)):
        raise fail("fulltext: resolver must be an http(s) URL (the link resolver's base URL)")
    if doi_link is not None and not (
        isinstance(doi_link, str) and _web(doi_link) and "{doi}" in doi_link
    ):
        raise fail("fulltext: doi_link must be an http(s) URL containing {doi}")
    proxy = table.get("proxy", True)
    if not isinstance(proxy, bool):
        raise fail("fulltext: proxy must be true or false")
    rfr_id = table.get("rfr_id", DEFAULT_RFR_ID)
    if not isinstance(rfr_id, str) or not rfr_id.strip() or " " in rfr_id.strip():
        raise fail('fulltext: rfr_id must be an id without spaces, such as "info:sid/lantern"')
    return FulltextConfig(
        resolver=resolver.strip() if resolver else None,
        doi_link=doi_link.strip() if doi_link else None,
        proxy=proxy,
        rfr_id=rfr_id.strip(),
    )


def _web(url: str) -> bool:
    url = url.strip()
    return is_web(url) and " " not in url and "#" not in url
