"""The made-up libraries of the demo consortium and the `libraries.toml` that describes them.

The first libraries come from a hand-written list of plausible NHS library services; when more are
asked for (the 1M-record benchmark uses 30) further ones are composed from place-name parts. The
list depends only on how many libraries are wanted, never on the seed, so the demo's library names
stay put while its records change.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

from lantern.sample.visiting import library_lines, site_tables

CONSORTIUM_NAME = "NHS Anyshire Library Network (demo)"
CONSORTIUM_CODE = "ANY"
PROXY = "https://go.openathens.net/redirector/nhs.uk?url="
# Shelving locations: Koha libraries export the codes (952 $c) and name them in the libraries
# file; MARC 852 libraries export the names themselves (852 $c).
SHELVING = {
    "GEN": "Main collection",
    "REF": "Reference",
    "SL": "Short loan",
    "NEW": "New books display",
    "STORE": "Store",
}


@dataclass(frozen=True)
class LibraryProfile:
    code: str
    name: str
    region: str
    sites: tuple[tuple[str, str], ...]  # (site code, site name)
    holdings: str  # "koha952" or "marc852"
    marc8: bool
    weight: float  # relative collection size: bigger services hold more of the shared titles
    classification: str  # "nlm" or "ddc": the scheme its call numbers use
    id_style: str  # how its system numbers (001) look

    @property
    def encoding(self) -> str:
        return "marc-8" if self.marc8 else "auto"


# (code, name, region, ((site code, site name), ...), weight)
BUILT_IN = (
    (
        "RDE",
        "Royal Devon and Exeter Healthcare Library",
        "SW",
        (("RDEWON", "Wonford Library"), ("RDENDD", "North Devon District Hospital Library")),
        1.6,
    ),
    (
        "NMH",
        "Northmoor Hospitals Library and Knowledge Service",
        "NW",
        (("NMHGEN", "Northmoor General Hospital Library"), ("NMHELM", "Elmfield Education Centre")),
        1.3,
    ),
    (
        "KVH",
        "Kingsvale Health Sciences Library",
        "SW",
        (("KVHMAIN", "Kingsvale Main Library"),),
        1.0,
    ),
    (
        "WMC",
        "West Marsh Community and Mental Health Library",
        "EOE",
        (("WMCHQ", "Marsh House Library"), ("WMCLAK", "Lakeside Unit Resource Room")),
        0.7,
    ),
    (
        "STL",
        "St Luke's University Hospital Medical Library",
        "LDN",
        (
            ("STLMED", "Medical Library"),
            ("STLNUR", "School of Nursing Library"),
            ("STLPGC", "Postgraduate Centre Library"),
        ),
        2.0,
    ),
    (
        "BRT",
        "Brackenridge Teaching Hospitals Library Service",
        "NEY",
        (("BRTROY", "Royal Infirmary Library"), ("BRTMOO", "Moorside Hospital Library")),
        1.4,
    ),
    (
        "ASH",
        "Ashbourne General Hospital Education Centre Library",
        "MID",
        (("ASHEDC", "Education Centre Library"),),
        0.8,
    ),
    (
        "HWP",
        "Harwell Point Primary Care Knowledge Service",
        "SE",
        (("HWPKS", "Knowledge Service Office"),),
        0.4,
    ),
    (
        "CLV",
        "Calverley Partnership NHS Trust Library",
        "NEY",
        (("CLVFER", "Fernlea Library"), ("CLVOAK", "Oakwood Centre Library")),
        0.9,
    ),
    (
        "TYN",
        "Tynemead Hospitals Healthcare Library",
        "NEY",
        (("TYNQEH", "Queen Elizabeth Hospital Library"),),
        1.1,
    ),
    (
        "GWH",
        "Greywater Hospital Multidisciplinary Library",
        "SW",
        (("GWHMDL", "Multidisciplinary Library"),),
        0.9,
    ),
    (
        "LMK",
        "Lindmark Women's and Children's Hospital Library",
        "MID",
        (("LMKWCH", "Women's and Children's Library"), ("LMKNEO", "Neonatal Unit Collection")),
        0.6,
    ),
)

_PLACE_STARTS = (
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fern",
    "Glen",
    "Hart",
    "Iver",
    "Kings",
    "Lang",
    "Mill",
    "Nor",
    "Oak",
    "Pen",
    "Red",
    "Stan",
    "Thorn",
    "Wal",
    "Wes",
)
_PLACE_ENDS = ("ford", "ley", "bury", "ton", "field", "wick", "ham", "moor", "dale", "worth")
_SERVICE_NAMES = (
    "{p} Hospitals NHS Foundation Trust Library",
    "{p} and District General Hospital Library",
    "{p} Community Health Library",
    "{p} Partnership NHS Trust Knowledge Service",
    "{p} Teaching Hospitals Library and Knowledge Service",
    "{p} Healthcare Library",
)
_SITE_NAMES = (
    "{p} General Hospital Library",
    "{p} Education Centre Library",
    "{p} Community Hospital Library",
    "{p} Mental Health Unit Library",
)
_REGIONS = ("LDN", "SE", "SW", "EOE", "MID", "NEY", "NW")


def _composed(index: int) -> tuple[str, str, str, tuple[tuple[str, str], ...], float]:
    """A further library, the same for the same index whatever the seed."""
    rng = random.Random(f"lantern-bench-library:{index}")
    place = rng.choice(_PLACE_STARTS) + rng.choice(_PLACE_ENDS)
    # The index in the code keeps codes unique however the place names collide.
    code = f"{place[:2].upper()}{index:02d}"
    sites = []
    for n, template in enumerate(rng.sample(_SITE_NAMES, rng.randint(1, 3))):
        sites.append((f"{code}S{n + 1}", template.format(p=place)))
    name = rng.choice(_SERVICE_NAMES).format(p=place)
    return code, name, rng.choice(_REGIONS), tuple(sites), round(rng.uniform(0.4, 1.8), 2)


def build_libraries(count: int, marc8: int | Collection[str] = 1) -> list[LibraryProfile]:
    """`count` library profiles. Even positions run Koha (952 items), odd ones export MARC 852/876.
    `marc8` is how many libraries export MARC-8 (852 libraries first: older systems), or the
    codes of the ones that do."""
    if count < 1:
        raise ValueError("a consortium needs at least one library")
    rows = [BUILT_IN[i] if i < len(BUILT_IN) else _composed(i) for i in range(count)]
    codes = [row[0] for row in rows]
    if isinstance(marc8, int):
        by_preference = [c for i, c in enumerate(codes) if i % 2] + codes[::2]
        marc8_codes = set(by_preference[:marc8])
    else:
        marc8_codes = set(marc8)
        unknown = marc8_codes - set(codes)
        if unknown:
            raise ValueError(f"MARC-8 libraries not in the consortium: {sorted(unknown)}")
    profiles = []
    for i, (code, name, region, sites, weight) in enumerate(rows):
        koha = i % 2 == 0
        profiles.append(
            LibraryProfile(
                code=code,
                name=name,
                region=region,
                sites=sites,
                holdings="koha952" if koha else "marc852",
                marc8=code in marc8_codes,
                weight=weight,
                classification="ddc" if i % 5 == 3 else "nlm",
                id_style="koha" if koha else ("prefixed" if i % 4 == 1 else "padded"),
            )
        )
    return profiles


def fulltext_table(code: str, index: int) -> list[str]:
    """[library.fulltext] of the first two libraries: an OpenURL resolver, and a LibKey-style
    DOI link beside one (the others name neither, as many NHS libraries do not)."""
    if index > 1:
        return []
    lines = ["[library.fulltext]", f'resolver = "https://{code.lower()}.resolver.example/openurl"']
    if index == 1:
        lines.append(f'doi_link = "https://libkey.example/libraries/{code.lower()}/{{doi}}"')
    return lines


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def libraries_toml(libraries: list[LibraryProfile]) -> str:
    """The consortium file in the shape the loader reads (see docs for the field meanings)."""
    lines = [
        "# Generated by lantern.sample: a made-up consortium for the demo and benchmarks.",
        "[consortium]",
        f"name = {_toml_string(CONSORTIUM_NAME)}",
        f"code = {_toml_string(CONSORTIUM_CODE)}",
    ]
    for priority, lib in enumerate(libraries, start=1):
        lines += [
            "",
            "[[library]]",
            f"code = {_toml_string(lib.code)}",
            f"name = {_toml_string(lib.name)}",
            f"region = {_toml_string(lib.region)}",
            f"holdings = {_toml_string(lib.holdings)}",
            f"encoding = {_toml_string(lib.encoding)}",
            "opac_link = "
            + _toml_string(f"https://opac.example.nhs.uk/{lib.code.lower()}/record/{{record_id}}"),
            f"proxy = {_toml_string(PROXY)}",
            f"priority = {priority}",
            *library_lines(lib.code, priority - 1),
            *site_tables(lib.code, priority - 1, lib.sites),
        ]
        lines += fulltext_table(lib.code, priority - 1)
        if lib.holdings == "koha952":
            lines.append("[library.locations]")
            lines += [f"{code} = {_toml_string(name)}" for code, name in SHELVING.items()]
    return "\n".join(lines) + "\n"
