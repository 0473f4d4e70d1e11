"""Turn a record's item fields into holding dicts with a profile (the indexing hot path)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from indexer.holdings.profile import (
    AUTO,
    HOLDING_FIELDS,
    NON_PUBLIC_STATUSES,
    STATUS_RANK,
    FieldMap,
    HoldingsProfile,
    load_profile,
)
from indexer.marc.record import Field, MarcRecord


class Library(Protocol):
    """What holdings need of a member library (`indexer.libraries.Library` is one): its code.
    A protocol, so that holdings import nothing from libraries (which checks profile names
    against holdings)."""

    code: str


_ITEM_INHERITS = ("site", "location", "call_number", "item_type", "volume", "note")
_EMPTY_HOLDING = dict.fromkeys(HOLDING_FIELDS)


def detect_profile(
    record: MarcRecord, candidates: tuple[str, ...] | None = None, schemas_dir: Path | None = None
) -> str | None:
    """The first candidate profile whose item tag is present and looks like items, or None.

    Candidates default to those of the `auto` profile file (in `schemas_dir`, default shipped).
    """
    if candidates is None:
        profiles = load_profile(AUTO, schemas_dir).candidate_profiles
    else:
        profiles = tuple(load_profile(name, schemas_dir) for name in candidates)
    found = _detect(record, profiles)
    return found.name if found is not None else None


def _detect(record: MarcRecord, profiles: tuple[HoldingsProfile, ...]) -> HoldingsProfile | None:
    for profile in profiles:
        fmap = profile.holdings
        for f in record.get_fields(*fmap.tags):
            if fmap.looks_like_items({c for c, _ in f.subfields}):
                return profile
    return None


def extract_holdings(record: MarcRecord, profile: HoldingsProfile, library: Library) -> list[dict]:
    """Holding dicts for every item (or holdings field) of `record`; [] when it has none."""
    if profile.is_auto:
        profile = _detect(record, profile.candidate_profiles)
        if profile is None:
            return []
    fmap = profile.holdings
    if profile.items is None:
        return [
            _holding(f, fmap, profile, library)
            for f in record.get_fields(*fmap.tags)
            if fmap.looks_like_items({c for c, _ in f.subfields})
        ]
    return _holdings_with_items(record, profile, library)


def _holdings_with_items(record: MarcRecord, profile: HoldingsProfile, library: Library) -> list:
    """852 + 876/877: each item inherits where it is shelved from its 852.

    The 852 is the one with the same $8 link number when both carry one, else the nearest
    preceding 852 (embedded holdings exports write items straight after their holdings field),
    else the first. An 852 with no items stands for itself.
    """
    fmap, imap = profile.holdings, profile.items
    # (link number, holding, its items), in record order
    bases: list[tuple[str | None, dict, list]] = []
    items: list[tuple[Field, str | None, int]] = []  # (field, link, number of 852s before it)
    for f in record.fields:
        if f.data is not None:
            continue
        if f.tag in fmap.tags:
            if fmap.looks_like_items({c for c, _ in f.subfields}):
                bases.append((_link_number(f), _holding(f, fmap, profile, library), []))
        elif f.tag in imap.tags and imap.looks_like_items({c for c, _ in f.subfields}):
            items.append((f, _link_number(f), len(bases)))

    out: list[dict] = []
    for f, link, before in items:
        item = _holding(f, imap, profile, library)
        if not bases:  # items with no 852 still say the library holds a copy
            out.append(item)
            continue
        linked = [b for b in bases if link and b[0] == link]
        target = linked[0] if linked else bases[max(before - 1, 0)]
        for key in _ITEM_INHERITS:
            if item[key] is None:
                item[key] = target[1][key]
        target[2].append(item)
    for _, base, its in bases:
        out.extend(its or [base])
    return out


def _link_number(f: Field) -> str | None:
    value = f.get("8")
    return value.split(".", 1)[0].strip() or None if value else None


def _holding(f: Field, fmap: FieldMap, profile: HoldingsProfile, library: Library) -> dict:
    by_code: dict[str, list[str]] = {}
    for code, value in f.subfields:
        value = value.strip()
        if value:
            by_code.setdefault(code, []).append(value)

    holding = _EMPTY_HOLDING.copy()
    holding["library"] = library.code
    for key, joined, alternatives in fmap.fields:
        value = None
        for codes in alternatives:
            if len(codes) == 1:
                values = by_code.get(codes, ())
            else:  # several codes keep record order ($k prefix before $h class part)
                values = [v.strip() for c, v in f.subfields if c in codes and v.strip()]
            if key == "note" and values:
                values = _public_notes(values, profile)
            if values:
                value = " ".join(values) if joined else values[0]
                break
        holding[key] = value

    status, status_text, due, rank = profile.default_status, None, None, -1
    for rule in fmap.rules:
        for value in by_code.get(rule.subfield, ()):
            found = rule.match(value)
            if found is not None and STATUS_RANK[found[0]] > rank:
                status, due = found
                rank = STATUS_RANK[status]
                status_text = rule.text or value
    holding["status"] = status
    holding["status_text"] = status_text
    holding["due_date"] = due if status == "on_loan" else None
    holding["public"] = status not in NON_PUBLIC_STATUSES
    return holding


def _public_notes(values: list[str], profile: HoldingsProfile) -> list[str]:
    """Drop staff notes and strip the prefix that marks a public one (Sirsi .PUBLIC./.STAFF.)."""
    if not profile.note_private_prefixes and not profile.note_public_prefixes:
        return values
    kept = []
    for value in values:
        if value.startswith(profile.note_private_prefixes):
            continue
        for prefix in profile.note_public_prefixes:
            if value.startswith(prefix):
                value = value[len(prefix) :].strip()
                break
        if value:
            kept.append(value)
    return kept
