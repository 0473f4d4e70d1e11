"""The consortium's member libraries, from one TOML file a librarian edits.

```toml
[consortium]
name = "NHS South West Libraries"
code = "SW"

[[library]]
code = "RDE"                      # letters/digits only: it becomes part of record ids
name = "Royal Devon and Exeter NHS Foundation Trust Library"
region = "SW"
holdings = "koha952"              # a profile in schemas/holdings/, or "auto"
encoding = "auto"                 # or "marc-8" / "utf-8" for exports whose leader/09 lies
opac_link = "https://koha.example.nhs.uk/cgi-bin/koha/opac-detail.pl?biblionumber={record_id}"
proxy = "https://go.openathens.net/redirector/nhs?url="
priority = 1                      # lower wins when merged records choose a display record
[library.sites]
RDE-WON = "Wonford Library"
[library.locations]               # shelving location codes (Koha 952 $c, 852 $c, 999 $l)
GEN = "Main collection"
SL = "Short loan"
```

A library (and a site, as a table instead of a name) may also say where it is and how to reach
it: address, opening hours, phone, email, website, its own catalogue, how to request an item and
how to ask a librarian (see indexer.library_details). The library's page shows them. A
`[library.availability]` table says how to ask the library's own system how its copies are now
(see indexer.availability.config). A `[library.fulltext]` table names its link resolver or DOI
link template (see indexer.fulltext.config).

Library codes are compared in upper case. A code that is not in the file still loads (with the
`auto` holdings profile) so a new member's export is not refused; `Consortium.resolve` says so.

Shelving locations are shown by name: a code is looked up (in upper case) in the library's
`[library.locations]`, then in the `[locations]` table of its holdings profile
(`schemas/holdings/<profile>.toml`; `auto` uses its candidates'), and shown as it is when
neither names it. Exports that carry names rather than codes (852 $c "Main collection") need
neither table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from indexer.availability.config import AvailabilityConfig, read_availability
from indexer.availability.connectors import kinds
from indexer.errors import ConfigError, LibraryCodeError
from indexer.fulltext.config import FulltextConfig, read_fulltext
from indexer.holdings import available_profiles, load_profile
from indexer.library_details import DETAIL_KEYS, Details, is_web, read_details
from indexer.tomlfile import TomlLines, at, read_toml_text

ENCODINGS = ("auto", "marc-8", "utf-8")
# Unknown libraries sort after every listed one when merged records pick a display record.
ADHOC_PRIORITY = 1000

_CODE = re.compile(r"^[A-Za-z0-9]+$")
_SITE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LIBRARY_KEYS = {
    "code",
    "name",
    "region",
    "holdings",
    "encoding",
    "opac_link",
    "proxy",
    "priority",
    "sites",
    "locations",
    "availability",
    "fulltext",
    *DETAIL_KEYS,
}


@dataclass(frozen=True, slots=True)
class Library:
    code: str
    name: str
    region: str | None = None
    holdings: str = "auto"
    encoding: str = "auto"
    opac_link: str | None = None
    proxy: str | None = None
    priority: int = 100
    sites: Mapping[str, str] = field(default_factory=dict, hash=False)
    adhoc: bool = False  # not in the libraries file; made up from a code the loader was given
    # Shelving location code (upper case) -> name: the file's [library.locations] over the
    # holdings profile's [locations]; filled by load_consortium.
    locations: Mapping[str, str] = field(default_factory=dict, hash=False)
    details: Details = field(default_factory=Details, hash=False)
    site_details: Mapping[str, Details] = field(default_factory=dict, hash=False)
    # How to ask the library's own system how its copies are now (indexer.availability)
    availability: AvailabilityConfig | None = field(default=None, hash=False)
    # Where its readers get full text: its link resolver or DOI links (indexer.fulltext)
    fulltext: FulltextConfig | None = field(default=None, hash=False)
    # `sites` (and Consortium.libraries) are plain dicts, treated as read-only, so that a
    # Library can be pickled to worker processes.

    def site_name(self, site: str | None) -> str | None:
        """The display name of a site code, or the code itself when the file does not name it."""
        if site is None:
            return None
        return self.sites.get(site, site)

    def location_name(self, location: str | None) -> str:
        """The display name of a shelving location code, or the code itself when none is known."""
        if not location:
            return ""
        return self.locations.get(location.strip().upper(), location)

    def details_of(self, site: str) -> Details:
        """A site's own details, or the library's when the file gives it none."""
        return self.site_details.get(site) or self.details

    @property
    def catalogue_home(self) -> str | None:
        """The front page of the library's own catalogue: `catalogue`, else opac_link's site."""
        if self.details.catalogue:
            return self.details.catalogue
        if not self.opac_link:
            return None
        scheme, _, rest = self.opac_link.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}/"

    def record_link(self, record_id: str) -> str | None:
        """The library's own catalogue page for `record_id`, or None without an opac_link."""
        if not self.opac_link or not record_id:
            return None
        return self.opac_link.replace("{record_id}", quote(str(record_id), safe=""))

    def proxied(self, url: str) -> str:
        """`url` through the library's e-resource proxy (OpenAthens redirector, EZproxy).

        The target goes in URL-encoded, as the OpenAthens redirector requires (an unencoded
        `&` would end its `url` parameter). A proxy containing `{url}` has the target put there;
        otherwise it is appended. Already-proxied and non-web links are returned unchanged.
        """
        if not self.proxy or not url or not url.lower().startswith(("http://", "https://")):
            return url
        prefix = self.proxy.split("{url}", 1)[0]
        if url.startswith(prefix):
            return url
        encoded = quote(url, safe="")
        if "{url}" in self.proxy:
            return self.proxy.replace("{url}", encoded)
        return self.proxy + encoded


@dataclass(frozen=True, slots=True)
class Consortium:
    name: str = ""
    code: str = ""
    libraries: Mapping[str, Library] = field(default_factory=dict, hash=False)
    source: Path | None = None

    def resolve(self, code: str) -> tuple[Library, bool]:
        """(library, known): a library missing from the file gets an ad-hoc one with `auto`."""
        key = library_code(code)
        found = self.libraries.get(key)
        if found is not None:
            return found, True
        return Library(code=key, name=key, priority=ADHOC_PRIORITY, adhoc=True), False

    def sites_named(self, site: str) -> list[tuple[Library, str]]:
        """(library, site code) of every library with a site of that code (case-insensitive;
        codes are the keys of [library.sites], usually unique across the consortium)."""
        key = site.strip().upper()
        return [
            (lib, code)
            for lib in self.libraries.values()
            for code in lib.sites
            if code.upper() == key
        ]

    def get(self, code: str) -> Library:
        return self.resolve(code)[0]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self.libraries


def library_code(code: str | None) -> str:
    """A library code as it is stored and compared: upper case; `inc` and `INC` are one library.
    LibraryCodeError when it cannot be a code (record ids are LIBRARY:CONTROLNUMBER)."""
    key = (code or "").strip().upper()
    if not _CODE.fullmatch(key):
        raise LibraryCodeError(f"library code {code!r} must be letters and digits only")
    return key


def load_consortium(path: str | Path | None, schemas_dir: Path | None = None) -> Consortium:
    """The consortium in `path`; an empty one when there is no path or no such file. Holdings
    profiles are checked against `schemas_dir` (LANTERN_SCHEMAS_DIR; default the shipped one)."""
    if path is None:
        return Consortium()
    path = Path(path)
    if not path.is_file():
        return Consortium(source=path)
    text, data = read_toml_text(path, "libraries file")
    lines = TomlLines(text)
    unknown = set(data) - {"consortium", "library"}
    if unknown:
        first = min(unknown, key=lambda k: lines.line_of(k) or 0)
        raise ConfigError(
            f"{at(path, lines.line_of(first))}: unknown top-level key(s) "
            f"{', '.join(sorted(unknown))} (expected [consortium] and [[library]])"
        )
    head = data.get("consortium", {})
    if not isinstance(head, dict) or set(head) - {"name", "code"}:
        raise ConfigError(
            f"{at(path, lines.line_of('consortium'))}: [consortium] takes only name and code"
        )
    entries = data.get("library", [])
    if not isinstance(entries, list):
        raise ConfigError(
            f"{at(path, lines.line_of('library'))}: libraries must be [[library]] tables"
        )

    libraries: dict[str, Library] = {}
    profiles = available_profiles(schemas_dir)
    for number, entry in enumerate(entries, start=1):
        library = _library(path, lines, number, entry, profiles, schemas_dir)
        if library.code in libraries:
            raise ConfigError(
                f"{at(path, lines.line_of('library', number, 'code'))}: library #{number} "
                f"({library.code}): code already used by an earlier library"
            )
        libraries[library.code] = library
    return Consortium(
        name=str(head.get("name", "")),
        code=str(head.get("code", "")),
        libraries=libraries,
        source=path,
    )


def _library(
    path: Path,
    lines: TomlLines,
    number: int,
    entry: object,
    profiles: tuple[str, ...],
    schemas_dir: Path | None,
) -> Library:
    label = f"library #{number}"

    def fail(problem: str, *key: str) -> ConfigError:
        """The problem as `file:line: library #N (CODE): problem`, on the key's line."""
        return ConfigError(
            f"{at(path, lines.line_of('library', number, *key))}: {label}: {problem}"
        )

    if not isinstance(entry, dict):
        raise fail("must be a table")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise fail(
            f"code {code!r} must be letters and digits only (it is used in record ids)", "code"
        )
    code = code.upper()
    label = f"library #{number} ({code})"
    _no_unknown_keys(entry, fail)

    def text(key: str, required: bool = False) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a non-empty string", key)
        return value.strip()

    holdings = text("holdings") or "auto"
    if holdings not in profiles:
        raise fail(
            f"holdings profile {holdings!r} does not exist (known: {', '.join(profiles)})",
            "holdings",
        )
    opac_link, proxy = _links(text, fail)
    sites, site_details = _sites(entry.get("sites", {}), fail)
    return Library(
        code=code,
        name=text("name", required=True),
        region=text("region"),
        holdings=holdings,
        encoding=_encoding(text("encoding"), fail),
        opac_link=opac_link,
        proxy=proxy,
        priority=_priority(entry.get("priority", 100), fail),
        sites=sites,
        details=read_details(entry, fail),
        site_details=site_details,
        locations={**load_profile(holdings, schemas_dir).locations, **_locations(entry, fail)},
        availability=_availability(entry, fail),
        fulltext=read_fulltext(entry, fail),
    )


def _no_unknown_keys(entry: dict, fail) -> None:
    unknown = set(entry) - _LIBRARY_KEYS
    if unknown:
        raise fail(
            f"unknown key(s) {', '.join(sorted(unknown))} "
            f"(allowed: {', '.join(sorted(_LIBRARY_KEYS))})",
            sorted(unknown)[0],
        )


def _links(text, fail) -> tuple[str | None, str | None]:
    """(opac_link, proxy), each checked."""
    opac_link = text("opac_link")
    if opac_link and (not is_web(opac_link) or "{record_id}" not in opac_link):
        raise fail("opac_link must be an http(s) URL containing {record_id}", "opac_link")
    proxy = text("proxy")
    if proxy and not is_web(proxy):
        raise fail("proxy must be an http(s) URL prefix", "proxy")
    return opac_link, proxy


def _priority(priority: object, fail) -> int:
    if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
        raise fail("priority must be a whole number, 0 or more (lower wins)", "priority")
    return priority


def _encoding(value: str | None, fail) -> str:
    encoding = (value or "auto").lower()
    if encoding not in ENCODINGS:
        raise fail(f"encoding {encoding!r} must be one of {', '.join(ENCODINGS)}", "encoding")
    return encoding


def _availability(entry: dict, fail) -> AvailabilityConfig | None:
    config = read_availability(entry, fail)
    if config is not None and config.kind not in kinds():
        raise fail(
            f"availability: kind {config.kind!r} is not known ({', '.join(kinds())})",
            "availability",
            "kind",
        )
    return config


def _sites(table: object, fail) -> tuple[dict[str, str], dict[str, Details]]:
    """[library.sites]: SITE = "Name", or SITE = { name = "Name", address = ..., ... }."""
    if not isinstance(table, dict):
        raise fail('sites must be a table of SITE-CODE = "Site name"', "sites")
    names: dict[str, str] = {}
    details: dict[str, Details] = {}
    for site, value in table.items():
        name = value.get("name") if isinstance(value, dict) else value
        if not _SITE_CODE.fullmatch(site) or not isinstance(name, str) or not name.strip():
            raise fail(
                f"site {site!r} needs a code of letters/digits/-/_ and a name", "sites", site
            )
        names[site] = name.strip()
        if isinstance(value, dict):
            unknown = set(value) - {"name", *DETAIL_KEYS}
            if unknown:
                raise fail(
                    f"site {site}: unknown key(s) {', '.join(sorted(unknown))} "
                    f"(allowed: name, {', '.join(DETAIL_KEYS)})",
                    "sites",
                    site,
                    sorted(unknown)[0],
                )
            found = read_details(
                value, lambda problem, s=site: fail(f"site {s}: {problem}", "sites", s)
            )
            if found:
                details[site] = found
    return names, details


def _locations(entry: dict, fail) -> dict[str, str]:
    """[library.locations] as upper-case code -> name."""
    locations = entry.get("locations", {})
    if not isinstance(locations, dict):
        raise fail('locations must be a table of CODE = "Location name"', "locations")
    for code, name in locations.items():
        if not code.strip() or not isinstance(name, str) or not name.strip():
            raise fail(f"location {code!r} needs a code and a name", "locations", code)
    return {code.strip().upper(): name.strip() for code, name in locations.items()}
