"""Load the data files the engines build from: schemas/fields.toml and synonyms/boosts.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError

FIELD_TYPES = ("text", "keyword", "int", "stored")
_REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    exact: bool = False  # text: also index an unstemmed twin
    boost: float = 1.0  # text: default weight in plain searches
    facet: bool = False
    sort: bool = False
    help: str = ""
    prefixes: tuple[str, ...] = ()  # text: the search prefixes (title:, author:) that search it


# The files Lantern ships; a deployment names its own in LANTERN_SCHEMAS_DIR and
# LANTERN_SYNONYMS_DIR, which reach these functions through the settings, never the environment.
SHIPPED_SCHEMAS = _REPO / "schemas"
SHIPPED_SYNONYMS = _REPO / "synonyms"


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


@lru_cache(maxsize=8)
def _load_fields(path: Path) -> dict[str, FieldDef]:
    raw = read_toml(path).get("field")
    if not isinstance(raw, dict) or "id" not in raw:
        raise ConfigError(f"{path}: needs [field.*] tables including [field.id]")
    fields = {}
    for name, spec in raw.items():
        ftype = spec.get("type")
        if ftype not in FIELD_TYPES:
            raise ConfigError(
                f"{path}: field {name!r} has type {ftype!r}, not one of {FIELD_TYPES}"
            )
        unknown = set(spec) - {"type", "exact", "boost", "facet", "sort", "help", "prefix"}
        if unknown:
            raise ConfigError(f"{path}: field {name!r} has unknown keys {sorted(unknown)}")
        fields[name] = FieldDef(
            name=name,
            type=ftype,
            exact=bool(spec.get("exact", False)),
            boost=float(spec.get("boost", 1.0)),
            facet=bool(spec.get("facet", False)),
            sort=bool(spec.get("sort", False)),
            help=str(spec.get("help", "")),
            prefixes=_prefixes(path, name, spec),
        )
    if fields["id"].type != "keyword":
        raise ConfigError(f"{path}: field 'id' must be a keyword field")
    return fields


def _prefixes(path: Path, name: str, spec: dict) -> tuple[str, ...]:
    value = spec.get("prefix", [])
    if spec.get("type") != "text" and value:
        raise ConfigError(f"{path}: field {name!r}: only text fields have a search prefix")
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{path}: field {name!r}: prefix must be a list of prefix names")
    return tuple(value)


def load_fields(directory: Path | None = None) -> dict[str, FieldDef]:
    """Field definitions by name, in file order."""
    return _load_fields((directory or SHIPPED_SCHEMAS) / "fields.toml")


@dataclass(frozen=True)
class FacetDef:
    """A facet readers see: its public name, the index field it counts, its heading."""

    name: str
    field: str
    label: str


@lru_cache(maxsize=8)
def _load_facets(path: Path) -> dict[str, FacetDef]:
    fields = _load_fields(path)
    facets = {}
    for name, spec in _tables(path, "facet").items():
        if set(spec) != {"field", "label"} or not all(isinstance(v, str) for v in spec.values()):
            raise ConfigError(f"{path}: [facet.{name}] needs field and label (text), only those")
        target = fields.get(spec["field"])
        if target is None or not target.facet:
            raise ConfigError(
                f"{path}: [facet.{name}] counts {spec['field']!r}, which is not a "
                f"field with facet = true"
            )
        facets[name] = FacetDef(name, spec["field"], spec["label"])
    return facets


def load_facets(directory: Path | None = None) -> dict[str, FacetDef]:
    """The facets readers see, by public name, in the order the results page shows them."""
    return _load_facets((directory or SHIPPED_SCHEMAS) / "fields.toml")


@lru_cache(maxsize=8)
def _load_sorts(path: Path) -> dict[str, str]:
    sorts = {}
    for name, spec in _tables(path, "sort").items():
        if set(spec) != {"label"} or not isinstance(spec["label"], str):
            raise ConfigError(f"{path}: [sort.{name}] needs a label (text), only that")
        sorts[name] = spec["label"]
    if "relevance" not in sorts:
        raise ConfigError(f"{path}: [sort.relevance] is missing (the default order)")
    return sorts


def load_sorts(directory: Path | None = None) -> dict[str, str]:
    """Result orders by name -> the sort menu's label, in the menu's order."""
    return _load_sorts((directory or SHIPPED_SCHEMAS) / "fields.toml")


def _tables(path: Path, kind: str) -> dict[str, dict]:
    raw = read_toml(path).get(kind)
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(f"{path}: needs [{kind}.NAME] tables")
    return raw


@lru_cache(maxsize=8)
def _load_boosts(path: Path) -> dict[str, Any]:
    return read_toml(path)


def load_boosts(directory: Path | None = None) -> dict[str, Any]:
    """The parsed boosts.toml (see that file for what each key means)."""
    return _load_boosts((directory or SHIPPED_SYNONYMS) / "boosts.toml")


@dataclass(frozen=True)
class Ranking:
    """boosts.toml, resolved against the fields that exist (one reading for every engine);
    `prefixes` (search prefix -> the text fields it searches) come from the fields' schema."""

    weights: dict[str, float]  # text field -> weight
    exact_fields: frozenset[str]  # text fields with an unstemmed twin
    prefixes: dict[str, tuple[str, ...]]
    config: dict[str, Any]

    @classmethod
    def build(cls, fields: dict[str, FieldDef], boosts: dict[str, Any]) -> Ranking:
        text = {f.name: f for f in fields.values() if f.type == "text"}
        configured = boosts.get("fields", {})
        weights = {name: float(configured.get(name, f.boost)) for name, f in text.items()}
        prefixes: dict[str, tuple[str, ...]] = {}
        for name, f in text.items():
            for prefix in f.prefixes:
                prefixes[prefix] = (*prefixes.get(prefix, ()), name)
        exact = frozenset(name for name, f in text.items() if f.exact)
        return cls(weights, exact, prefixes, boosts)

    def get(self, section: str, key: str, default: Any) -> Any:
        return self.config.get(section, {}).get(key, default)
