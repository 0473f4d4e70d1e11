"""Holdings profiles: how one ILS's item fields become holdings (`schemas/holdings/*.toml`).

A profile is data a librarian can read and edit (which subfield is the call number, which status
codes mean "lost"). This module loads a profile file, validates every key (a typo is a RuleError
naming the file and the key, not a silently empty column) and compiles it into tuples the
extraction hot path can walk without further lookups; compiled profiles are cached.
"""

from __future__ import annotations

import re
from collections import ChainMap
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError, RuleError
from indexer.tomlfile import TomlLines, at, read_toml_text

AUTO = "auto"

# Every availability a holding can have, most telling first: when several rules match one item
# (a Sirsi item "checked out" from a "withdrawn" home location), the higher rank wins.
STATUS_RANK = {
    "withdrawn": 6,
    "lost": 5,
    "missing": 4,
    "on_loan": 3,
    "reference": 2,
    "available": 1,
    "unknown": 0,
}
STATUSES = tuple(STATUS_RANK)
NON_PUBLIC_STATUSES = frozenset({"lost", "missing", "withdrawn"})

# Output keys a profile may fill from subfields; joined keys concatenate every matching value
# (a call number split over 852 $k $h $i $m), the others take the first value found.
HOLDING_KEYS = ("site", "location", "call_number", "item_id", "item_type", "volume", "note")
# Every holding dict has exactly these keys, in this order.
HOLDING_FIELDS = (
    "library",
    "site",
    "location",
    "call_number",
    "item_id",
    "item_type",
    "volume",
    "note",
    "status",
    "status_text",
    "due_date",
    "public",
)
JOINED_KEYS = frozenset({"call_number", "volume", "note"})

_SUBFIELD_CODES = re.compile(r"^[a-z0-9]+$")
_PROFILE_KEYS = {
    "name",
    "description",
    "tag",
    "default_status",
    "due_formats",
    "note_public_prefixes",
    "note_private_prefixes",
    "candidates",
}
_RULE_KINDS = ("map", "nonzero", "present", "pattern")
_RULE_KEYS = {"subfield", "text", "due_date", "due_format", "ignore_case", "status", *_RULE_KINDS}


# The profiles shipped in the checkout; a deployment's own schemas dir (the setting
# LANTERN_SCHEMAS_DIR) is passed in by whoever loads.
SHIPPED_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True, slots=True)
class StatusRule:
    """One way a subfield tells availability; `kind` is map, nonzero, present or pattern."""

    subfield: str
    kind: str
    status: str | None = None  # for nonzero / present / pattern
    table: dict[str, str] = field(default_factory=dict, hash=False)  # for map
    regex: re.Pattern[str] | None = None  # for pattern; a named group `due` is the due date
    text: str | None = None  # shown instead of the raw value (Koha's "1" means little)
    due_date: bool = False  # present: the value itself is the due date
    due_formats: tuple[str, ...] = ()
    ignore_case: bool = False

    def match(self, value: str) -> tuple[str, str | None] | None:
        """(status, due date ISO or None) when this rule recognises `value`, else None."""
        if self.kind == "map":
            status = self.table.get(value.casefold() if self.ignore_case else value)
            return (status, None) if status else None
        if self.kind == "nonzero":
            return (self.status, None) if value not in ("0", "") else None
        if self.kind == "present":
            due = parse_due_date(value, self.due_formats) if self.due_date else None
            return (self.status, due)
        found = self.regex.search(value)
        if found is None:
            return None
        raw_due = found.groupdict().get("due")
        return (self.status, parse_due_date(raw_due, self.due_formats) if raw_due else None)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """How one tag's fields become holding values and a status."""

    tags: tuple[str, ...]
    # (key, joined, alternatives): each alternative is a string of subfield codes.
    fields: tuple[tuple[str, bool, tuple[str, ...]], ...]
    rules: tuple[StatusRule, ...]
    requires: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()

    def looks_like_items(self, codes: set[str]) -> bool:
        """Local fields share tags (LoC notes in 952, Koha's biblionumber in 999)."""
        return self.requires <= codes and (not self.any_of or bool(self.any_of & codes))


@dataclass(frozen=True, slots=True)
class HoldingsProfile:
    name: str
    description: str
    source: Path
    holdings: FieldMap | None = None  # None only for the auto profile
    items: FieldMap | None = None  # 876/877 items that belong to a preceding 852
    default_status: str = "unknown"
    note_public_prefixes: tuple[str, ...] = ()
    note_private_prefixes: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # auto only: profiles to try, in order
    candidate_profiles: tuple[HoldingsProfile, ...] = field(default=(), repr=False)
    # [locations]: shelving location code (upper case) -> name, for libraries that name none
    locations: dict[str, str] = field(default_factory=dict, hash=False, repr=False)

    @property
    def is_auto(self) -> bool:
        return self.holdings is None


def parse_due_date(value: str, formats: tuple[str, ...]) -> str | None:
    """The due date as an ISO date, or None when no format fits (the loan is still a loan)."""
    value = value.strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def available_profiles(schemas_dir: Path | None = None) -> tuple[str, ...]:
    """Names of every profile file in `schemas_dir`/holdings (default: the shipped ones)."""
    folder = (schemas_dir or SHIPPED_SCHEMAS) / "holdings"
    return tuple(sorted(p.stem for p in folder.glob("*.toml")))


# Compiled profiles by (schemas dir, name): the hot path must not touch the disk.
_CACHE: dict[tuple[Path, str], HoldingsProfile] = {}


def load_profile(name: str, schemas_dir: Path | None = None) -> HoldingsProfile:
    """The compiled profile `<schemas_dir>/holdings/<name>.toml` ("auto" allowed), cached;
    `schemas_dir` defaults to the shipped schemas/."""
    folder = Path(schemas_dir or SHIPPED_SCHEMAS)
    key = (folder, name)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise RuleError(f"holdings profile name {name!r} is not a plain name")
    path = folder / "holdings" / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(available_profiles(folder)) or "none"
        raise RuleError(f"{path}: no holdings profile {name!r} (known: {known})")
    profile = _compile(path)
    _CACHE[key] = profile
    return profile


def clear_profile_cache() -> None:
    """Forget compiled profiles (after editing a profile file in a long-running process)."""
    _CACHE.clear()


def _compile(path: Path) -> HoldingsProfile:
    try:
        text, data = read_toml_text(path, "holdings profile")
    except ConfigError as exc:
        raise RuleError(str(exc)) from exc
    check = _Checker(path, TomlLines(text))
    check.keys(data, {"profile", "detect", "fields", "status", "items", "locations"}, "")
    head = check.table(data, "profile", required=True)
    check.keys(head, _PROFILE_KEYS, "profile.")
    name = check.string(head, "name", "profile.", required=True)
    if name != path.stem:
        raise check.fail("profile.name", f"{name!r} must match the file name {path.stem!r}")
    description = check.string(head, "description", "profile.") or ""
    if name == AUTO:
        candidates = check.string_list(head, "candidates", "profile.")
        if not candidates:
            raise check.fail("profile.candidates", "must list the profiles auto may pick")
        for i, candidate in enumerate(candidates):
            if candidate == AUTO or not (path.parent / f"{candidate}.toml").is_file():
                raise check.fail(
                    f"profile.candidates[{i}]", f"no holdings profile {candidate!r} beside it"
                )
        picked = tuple(load_profile(c, path.parent.parent) for c in candidates)
        # auto's own names, then the first candidate's that names a code
        locations = dict(ChainMap(check.names(data, "locations"), *(c.locations for c in picked)))
        return HoldingsProfile(
            name,
            description,
            path,
            candidates=tuple(candidates),
            candidate_profiles=picked,
            locations=locations,
        )

    due_formats = tuple(check.string_list(head, "due_formats", "profile."))
    tag = check.tag(head, "tag", "profile.")
    holdings = check.field_map(data, (tag,), due_formats, "")
    items = None
    if "items" in data:
        items_table = check.table(data, "items", required=True)
        check.keys(items_table, {"tags", "detect", "fields", "status"}, "items.")
        tags = check.string_list(items_table, "tags", "items.")
        if not tags:
            raise check.fail("items.tags", "must name at least one tag")
        for i, t in enumerate(tags):
            check.tag({"t": t}, "t", f"items.tags[{i}]")
        items = check.field_map(items_table, tuple(tags), due_formats, "items.")
    default = check.string(head, "default_status", "profile.") or "unknown"
    check.status(default, "profile.default_status")
    return HoldingsProfile(
        name,
        description,
        path,
        holdings=holdings,
        items=items,
        default_status=default,
        note_public_prefixes=tuple(check.string_list(head, "note_public_prefixes", "profile.")),
        note_private_prefixes=tuple(check.string_list(head, "note_private_prefixes", "profile.")),
        locations=check.names(data, "locations"),
    )


class _Checker:
    """Validation helpers that name the file and the key path in every error."""

    def __init__(self, path: Path, lines: TomlLines):
        self.path, self.lines = path, lines

    def fail(self, where: str, problem: str) -> RuleError:
        """`file:line: key.path: problem`, on the line of the key (items.tags[0]: of items.tags)."""
        line = self.lines.line_of(*re.sub(r"\[\d+\]", "", where).split("."))
        return RuleError(f"{at(self.path, line)}: {where}: {problem}")

    def keys(self, table: dict, allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                allowed_list = ", ".join(sorted(allowed))
                raise self.fail(f"{prefix}{key}", f"unknown key (allowed: {allowed_list})")

    def table(self, data: dict, key: str, required: bool = False) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def string(self, data: dict, key: str, prefix: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{prefix}{key}", "is required")
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(f"{prefix}{key}", "must be a non-empty string")
        return value

    def names(self, data: dict, key: str) -> dict[str, str]:
        """A table of CODE = "name" (codes compared in upper case)."""
        table = self.table(data, key)
        for code, name in table.items():
            if not code.strip() or not isinstance(name, str) or not name.strip():
                raise self.fail(f"{key}.{code}", 'must be CODE = "a name"')
        return {code.strip().upper(): name.strip() for code, name in table.items()}

    def string_list(self, data: dict, key: str, prefix: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{prefix}{key}", "must be a list of non-empty strings")
        return value

    def tag(self, data: dict, key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not re.fullmatch(r"\d{3}", value) or value < "010":
            raise self.fail(
                where if where.endswith("]") else f"{where}{key}",
                "must be a three-digit data field tag",
            )
        return value

    def status(self, value: Any, where: str) -> str:
        if value not in STATUS_RANK:
            raise self.fail(where, f"{value!r} is not a status (one of {', '.join(STATUSES)})")
        return value

    def codes(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not _SUBFIELD_CODES.fullmatch(value):
            raise self.fail(where, f"{value!r} is not a string of subfield codes (a-z, 0-9)")
        return value

    def field_map(
        self, data: dict, tags: tuple[str, ...], due_formats: tuple[str, ...], prefix: str
    ) -> FieldMap:
        detect = self.table(data, "detect")
        self.keys(detect, {"requires", "any_of"}, f"{prefix}detect.")
        requires = (
            self.codes(detect["requires"], f"{prefix}detect.requires")
            if "requires" in detect
            else ""
        )
        any_of = (
            self.codes(detect["any_of"], f"{prefix}detect.any_of") if "any_of" in detect else ""
        )
        spec = self.table(data, "fields")
        self.keys(spec, set(HOLDING_KEYS), f"{prefix}fields.")
        compiled = []
        for key in HOLDING_KEYS:
            if key not in spec:
                continue
            alternatives = spec[key] if isinstance(spec[key], list) else [spec[key]]
            if not alternatives:
                raise self.fail(f"{prefix}fields.{key}", "must name at least one subfield")
            alts = tuple(self.codes(a, f"{prefix}fields.{key}") for a in alternatives)
            compiled.append((key, key in JOINED_KEYS, alts))
        raw_rules = data.get("status", [])
        if not isinstance(raw_rules, list):
            raise self.fail(f"{prefix}status", "must be an array of tables ([[status]])")
        rules = tuple(
            self.rule(r, due_formats, f"{prefix}status[{i}]") for i, r in enumerate(raw_rules)
        )
        return FieldMap(tags, tuple(compiled), rules, frozenset(requires), frozenset(any_of))

    def rule(self, raw: Any, due_formats: tuple[str, ...], where: str) -> StatusRule:
        if not isinstance(raw, dict):
            raise self.fail(where, "must be a table")
        self.keys(raw, _RULE_KEYS, f"{where}.")
        subfield = raw.get("subfield")
        if (
            not isinstance(subfield, str)
            or not _SUBFIELD_CODES.fullmatch(subfield)
            or len(subfield) != 1
        ):
            raise self.fail(f"{where}.subfield", "must be one subfield code")
        kinds = [k for k in _RULE_KINDS if k in raw]
        if len(kinds) != 1:
            raise self.fail(where, f"needs exactly one of {', '.join(_RULE_KINDS)}")
        kind = kinds[0]
        ignore_case = bool(raw.get("ignore_case", False))
        text = self.string(raw, "text", f"{where}.")
        formats = due_formats
        if "due_format" in raw:
            formats = (self.string(raw, "due_format", f"{where}."),)
        if raw.get("due_date") and kind != "present":
            raise self.fail(f"{where}.due_date", "only applies to a `present` rule")
        if "status" in raw and kind != "pattern":
            raise self.fail(f"{where}.status", f"not used by a `{kind}` rule (give it as {kind} =)")
        common = dict(
            subfield=subfield, kind=kind, text=text, due_formats=formats, ignore_case=ignore_case
        )
        if kind == "map":
            table = raw["map"]
            if not isinstance(table, dict) or not table:
                raise self.fail(f"{where}.map", "must be a non-empty table of value = status")
            checked = {}
            for value, status in table.items():
                self.status(status, f"{where}.map.{value}")
                checked[value.casefold() if ignore_case else value] = status
            return StatusRule(table=checked, **common)
        if kind == "pattern":
            try:
                regex = re.compile(raw["pattern"], re.IGNORECASE if ignore_case else 0)
            except (re.error, TypeError) as exc:
                raise self.fail(f"{where}.pattern", f"not a regular expression: {exc}") from exc
            status = self.status(raw.get("status"), f"{where}.status")
            return StatusRule(status=status, regex=regex, **common)
        status = self.status(raw[kind], f"{where}.{kind}")
        return StatusRule(status=status, due_date=bool(raw.get("due_date", False)), **common)
