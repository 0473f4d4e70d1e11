"""Every key of synonyms/boosts.toml: what it means in plain words, its unit and allowed range,
so the console labels each field and a check refuses a weight out of range or a key the engines
would silently ignore (a typo such as `[feilds]`).

`fields.NAME` is the weight of any text field of schemas/fields.toml; `availability.VALUE` a
value of the availability field; `highlight.fields` lists text fields. The search prefixes
(title:, author:, ...) are part of the schema (`prefix` in schemas/fields.toml), not of this file.

The engines read the file through `BoostsFile`, with the very check a publish makes, so what the
console and `lantern check` accept is what the engines read, and a file they refuse never
reaches a search: the last good ranking stays (indexer/lastgood.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.engine.fields import FieldDef, Ranking
from indexer.errors import ConfigError
from indexer.lastgood import file_stamp, read_or_keep
from indexer.tomlfile import at, decode_error
from indexer.tuning.report import Report


@dataclass(frozen=True)
class Boost:
    key: str  # "section.name"; "fields.*" stands for every text field
    label: str
    low: float
    high: float
    unit: str
    whole: bool = False  # a whole number (words, years, characters)

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {_num(self.low)} to {_num(self.high)} ({self.unit})"


def _num(value: float) -> str:
    return f"{value:g}"


AVAILABILITY_VALUES = ("available", "online", "on_loan", "reference")

BOOSTS: dict[str, Boost] = {
    b.key: b
    for b in [
        # Not 0: a field of weight 0 makes records found only by it drop out of the results.
        Boost("fields.*", "Weight of a match in this field", 0.1, 100, "times the word's score"),
        Boost(
            "matching.tie_breaker",
            "How much a word's other field matches count beside its best one",
            0,
            1,
            "fraction: 0 only the best field, 1 every field fully",
        ),
        Boost(
            "matching.unstemmed",
            "Weight of the very word in a title, beside other forms of it",
            0,
            10,
            "times the stemmed match",
        ),
        Boost("title_ladder.exact", "Bonus when the whole query is the title", 0, 10000, "points"),
        Boost(
            "title_ladder.prefix", "Bonus when the title starts with the query", 0, 10000, "points"
        ),
        Boost(
            "title_ladder.min_chars",
            "Shortest query that gets the starts-with bonus",
            1,
            100,
            "characters",
            whole=True,
        ),
        Boost(
            "phrase.title",
            "Bonus when the words are close together in the title",
            0,
            1000,
            "points",
        ),
        Boost("phrase.slop", "Other words allowed between them", 0, 20, "words", whole=True),
        Boost(
            "identifier.boost",
            "Bonus for the record with the ISBN or ISSN typed",
            0,
            10000,
            "points",
        ),
        Boost("availability.*", "Bonus for records with this availability", 0, 100, "points"),
        Boost("recency.years", "What counts as recent", 0, 100, "years", whole=True),
        Boost("recency.boost", "Bonus for a recent record", 0, 100, "points"),
        Boost(
            "scope.prefer_library",
            "Bonus for the reader's own library's holdings",
            0,
            100000,
            "points",
        ),
        Boost(
            "highlight.max_chars",
            "Longest highlighted fragment",
            20,
            5000,
            "characters",
            whole=True,
        ),
        Boost(
            "facets.segment_size",
            "Facet values each index segment hands over",
            100,
            1000000,
            "values",
            whole=True,
        ),
    ]
}
LISTS = {"highlight.fields": "Fields whose matched words are marked"}
# Tables once read here and now read elsewhere: a file that still has one works, with a warning.
MOVED = {"prefixes": "search prefixes are now set in schemas/fields.toml (`prefix` of a field)"}


def boost_for(section: str, name: str) -> Boost | None:
    return BOOSTS.get(f"{section}.{name}") or BOOSTS.get(f"{section}.*")


def check_boosts(content: str | bytes, fields: dict[str, FieldDef]) -> Report:
    """Parse, check every key and weight, then build the Ranking as the engines do."""
    report = Report()
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1 if isinstance(content, bytes) else None
        report.error(line, f"is not UTF-8 text (byte {exc.start + 1})")
        return report
    except tomllib.TOMLDecodeError as exc:
        line, reason = decode_error(exc, text)
        report.error(line, f"is not valid TOML: {reason}")
        return report
    if not data:  # an empty or half-saved file would silently put every weight to its default
        report.error(None, "has no settings (empty, or saved before it was written?)")
        return report
    lines = _key_lines(text)
    text_fields = {n for n, f in fields.items() if f.type == "text"}
    for section, table in data.items():
        if section in MOVED:
            report.warn(lines.get(section), f"[{section}] is not read: {MOVED[section]}")
        elif not isinstance(table, dict):
            report.error(lines.get(section), f"{section!r} must be a [{section}] table")
        else:
            for name, value in table.items():
                line = lines.get(f"{section}.{name}")
                _check_key(section, name, value, text_fields, line, report)
    if report.ok:
        try:
            Ranking.build(fields, data)
        except (TypeError, ValueError, AttributeError) as exc:
            report.error(None, f"the search engines cannot read it: {exc}")
    return report


def read_ranking(path: Path, fields: dict[str, FieldDef]) -> Ranking:
    """boosts.toml as the engines' Ranking, checked as a publish checks it; ConfigError with
    `file:line: reason` for each error."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the boosts file: {exc.strerror or exc}") from exc
    report = check_boosts(content, fields)
    if not report.ok:
        raise ConfigError("\n".join(f"{at(path, p.line)}: {p.message}" for p in report.errors))
    return Ranking.build(fields, tomllib.loads(content.decode("utf-8")))


class BoostsFile:
    """boosts.toml as an engine reads it: read again on the first search after it changes,
    and, while it is broken, the last good ranking (the error logged once)."""

    def __init__(self, path: Path, fields: dict[str, FieldDef]) -> None:
        self.path, self.fields = Path(path), fields
        self._stamp = file_stamp(self.path)
        self.ranking = self._read()  # ConfigError when broken and never good in this process

    def _read(self) -> Ranking:
        return read_or_keep("boosts", self.path, lambda: read_ranking(self.path, self.fields))

    def changed(self) -> Ranking | None:
        """The ranking now, when the file changed since it was last read; else None (also when
        it changed into something broken: the last good ranking stays)."""
        stamp = file_stamp(self.path)
        if stamp == self._stamp or stamp is None:  # a file being replaced: wait for it
            return None
        self._stamp = stamp
        ranking = self._read()
        if ranking is self.ranking:
            return None
        self.ranking = ranking
        return ranking


def _check_key(section, name, value, text_fields, line, report) -> None:
    key = f"{section}.{name}"
    if key == "highlight.fields":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report.error(line, f"{key} must be a list of field names")
            return
        for unknown in [v for v in value if v not in text_fields]:
            report.error(line, f"{key} names {unknown!r}, which is not a text field")
        return
    boost = boost_for(section, name)
    if boost is None:
        report.error(line, f"{key} is not a setting the search engines read")
        return
    if section == "fields" and name not in text_fields:
        report.error(line, f"{key}: {name!r} is not a text field of schemas/fields.toml")
    elif section == "availability" and name not in AVAILABILITY_VALUES:
        report.error(line, f"{key}: availability is one of {', '.join(AVAILABILITY_VALUES)}")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        report.error(line, f"{key} must be {boost.describe()}, not {value!r}")
    elif boost.whole and not float(value).is_integer():
        report.error(line, f"{key} must be {boost.describe()}, not {value!r}")
    elif not boost.low <= value <= boost.high:
        report.error(line, f"{key} = {value!r} is out of range: {boost.describe()}")


def labelled(data: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
    """(key, plain-words label, value, allowed range) of every setting in a parsed boosts.toml,
    for a form that labels each field."""
    out = []
    for section, table in data.items():
        for name, value in (table if isinstance(table, dict) else {}).items():
            key = f"{section}.{name}"
            boost = boost_for(section, name)
            if boost is not None:
                out.append((key, boost.label, value, boost.describe()))
            elif key in LISTS or f"{section}.*" in LISTS:
                out.append((key, LISTS.get(key) or LISTS[f"{section}.*"], value, "text fields"))
    return out


def _key_lines(text: str) -> dict[str, int]:
    """section and section.key -> the line it is on (for naming lines in a report)."""
    lines, section = {}, ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[] ")
            lines.setdefault(section, number)
        elif "=" in line and section:
            lines.setdefault(f"{section}.{line.split('=', 1)[0].strip()}", number)
    return lines
