"""The format classifier: facts read from the record, a decision table read from formats.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import RuleError
from indexer.marc.record import MarcRecord

# 008 form of item sits at /29 for maps and visual materials, at /23 for everything else.
_FORM_AT_29 = set("efgkor")
_ONLINE_FORMS = set("oqs")
_LETTER_CONDITIONS = ("type", "level")
_FACT_CONDITIONS = ("online", "moving_image", "thesis", "conference")


@dataclass(frozen=True, slots=True)
class FormatRule:
    name: str
    type: frozenset[str] | None
    level: frozenset[str] | None
    facts: tuple[tuple[str, bool], ...]


def is_online(record: MarcRecord, f008: str) -> bool:
    rtype = record.record_type
    f007s = [f.data for f in record.get_fields("007") if f.data]
    if any(d.startswith("cr") for d in f007s):
        return True
    pos = 29 if rtype in _FORM_AT_29 else 23
    if len(f008) > pos and f008[pos] in _ONLINE_FORMS:
        return True
    for f in record.get_fields("338"):
        if any(v.strip().lower() == "online resource" for v in f.get_all("a")):
            return True
        if any(v.strip().lower() == "cr" for v in f.get_all("b")):
            return True
    if rtype == "a" and not f007s:
        return any(f.ind2 == "0" and f.get("u") for f in record.get_fields("856"))
    return False


def is_moving_image(record: MarcRecord, _f008: str) -> bool:
    if any(f.data and f.data[:1] in "vm" for f in record.get_fields("007")):
        return True
    for f in record.get_fields("336"):
        if any(v.strip().lower() == "two-dimensional moving image" for v in f.get_all("a")):
            return True
        if any(v.strip().lower() == "tdi" for v in f.get_all("b")):
            return True
    return False


def _is_book(record: MarcRecord) -> bool:
    return record.record_type in "at" and record.bib_level not in "sbi"


def is_thesis(record: MarcRecord, f008: str) -> bool:
    if record.first("502") is not None:
        return True
    return _is_book(record) and "m" in f008[24:28]


def is_conference(record: MarcRecord, f008: str) -> bool:
    if record.first("111") is not None or record.first("711") is not None:
        return True
    return _is_book(record) and len(f008) > 29 and f008[29] == "1"


_FACTS = {
    "online": is_online,
    "moving_image": is_moving_image,
    "thesis": is_thesis,
    "conference": is_conference,
}


class FormatClassifier:
    """`classify(record)` -> one format name; the rules come from formats.toml."""

    def __init__(self, rules: list[FormatRule]) -> None:
        self.rules = rules

    def classify(self, record: MarcRecord) -> str:
        rtype, level = record.record_type, record.bib_level
        f008 = record.control("008") or ""
        known: dict[str, bool] = {}  # each fact is computed at most once per record
        for rule in self.rules:
            if rule.type is not None and rtype not in rule.type:
                continue
            if rule.level is not None and level not in rule.level:
                continue
            for fact, wanted in rule.facts:
                if fact not in known:
                    known[fact] = _FACTS[fact](record, f008)
                if known[fact] != wanted:
                    break
            else:
                return rule.name
        return "Other"


def load_formats(path: Path) -> FormatClassifier:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: cannot read format rules: {exc}") from exc
    rules = []
    for i, raw in enumerate(data.get("format", []), start=1):
        where = f"{path}: format rule {i} ({raw.get('name', 'unnamed')})"
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise RuleError(f"{where}: needs a name")
        unknown = set(raw) - {"name", *_LETTER_CONDITIONS, *_FACT_CONDITIONS}
        if unknown:
            allowed = ", ".join((*_LETTER_CONDITIONS, *_FACT_CONDITIONS))
            raise RuleError(f"{where}: unknown condition {sorted(unknown)}; known: {allowed}")
        facts = []
        for fact in _FACT_CONDITIONS:
            if fact in raw:
                if not isinstance(raw[fact], bool):
                    raise RuleError(f"{where}: {fact} must be true or false")
                facts.append((fact, raw[fact]))
        letters = {}
        for key in _LETTER_CONDITIONS:
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise RuleError(f"{where}: {key} must be a string of letters")
            letters[key] = frozenset(value) if value else None
        rules.append(FormatRule(name, letters["type"], letters["level"], tuple(facts)))
    if not rules:
        raise RuleError(f"{path}: no [[format]] rules")
    return FormatClassifier(rules)
