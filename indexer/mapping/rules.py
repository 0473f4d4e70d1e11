"""Load the mapping rules (schemas/marc21.toml), check them, and compile them into a `Mapper`.

A rule is a table in a `[[rule]]` array, either

    field = "title"                    # the mapped-record key it fills (see TARGETS)
    from = ["245anp"]                  # specs (indexer.mapping.spec)
    separator = " "                    # joins a field's subfields (default one space)
    each_subfield = false              # true: one value per subfield instead
    steps = ["trim_punctuation", { step = "map", table = "languages" }]

or a macro for fields that need logic:

    fields = ["publisher", "place", "date"]   # or field = "..." for one output
    macro = "imprint"
    args = { ... }                            # optional, named arguments of the macro

Everything is checked when the rules load, so a typo fails at start-up with a RuleError naming
the file and the rule, never silently while indexing.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ConfigError, RuleError
from indexer.mapping.macros import MACROS
from indexer.mapping.spec import SpecError, compile_spec
from indexer.mapping.steps import REQUIRED, STEPS
from indexer.marc.record import MarcRecord
from indexer.tomlfile import TomlLines, at, read_toml_text

# Every key of a mapped record and its shape: one (str or None), many (list), int (int or None).
# The document builder depends on these names.
TARGETS: dict[str, str] = {
    "control_number": "one",
    "title": "one",
    "subtitle": "one",
    "title_sort": "one",
    "title_parts": "many",
    "responsibility": "one",
    "title_alt": "many",
    "authors": "many",
    "subject_mesh": "many",
    "subject_lcsh": "many",
    "subject_other": "many",
    "subject_local": "many",
    "genre": "many",
    "publisher": "one",
    "place": "one",
    "date": "one",
    "year": "int",
    "edition": "one",
    "physical": "one",
    "pages": "int",
    "series": "many",
    "notes": "many",
    "bibliography": "many",
    "contents": "one",
    "summary": "one",
    "isbn": "many",
    "isbn_display": "many",
    "isbn_invalid": "many",
    "issn": "many",
    "oclc": "many",
    "lccn": "one",
    "class_nlm": "many",
    "class_lc": "many",
    "class_dewey": "many",
    "class_local": "many",
    "language_codes": "many",
    "languages": "many",
    "format": "one",
    "links": "many",
    "leader_status": "one",
    "record_type": "one",
    # --- full text (issue 20, part 2) ---
    "doi": "many",  # lower case, no resolver prefix (indexer.mapping.article_ids)
    "pmid": "many",
    "coverage": "many",  # KBART coverage spans of an e-journal (indexer.sources.kbart_map)
}

_SPEC_RULE_KEYS = {"field", "from", "separator", "each_subfield", "steps", "help"}
_MACRO_RULE_KEYS = {"field", "fields", "macro", "args", "help"}
Apply = Callable[[MarcRecord, dict], None]


# The rules shipped in the checkout; a deployment's own (LANTERN_SCHEMAS_DIR) are passed in.
SHIPPED_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _did_you_mean(name: str, known) -> str:
    name = str(name)
    close = difflib.get_close_matches(name, list(known), n=1)
    if not close and len(name) >= 3:  # an abbreviation: "sep" for "separator"
        close = [k for k in known if k.startswith(name)][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


class Mapper:
    """Compiled rules. `map(record)` returns a new dict with every key of TARGETS."""

    def __init__(self, rules: list[tuple[frozenset[str] | None, Apply]], source: Path) -> None:
        # Each rule comes with the tags it reads (None: it always runs, e.g. a leader spec or a
        # macro), so a rule whose tags are all absent costs one set check on the hot path.
        self._rules = rules
        self.source = source
        self._template = {k: None for k in TARGETS}
        self._many = [k for k, shape in TARGETS.items() if shape == "many"]

    def __len__(self) -> int:
        return len(self._rules)

    def map(self, record: MarcRecord) -> dict:
        out = self._template.copy()
        for key in self._many:
            out[key] = []
        present = {f.tag for f in record.fields}
        for tags, apply in self._rules:
            if tags is None or not tags.isdisjoint(present):
                apply(record, out)
        return out


def load_maps(maps_dir: Path) -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {}
    for path in sorted(maps_dir.glob("*.toml")):
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"{path}: cannot read code table: {exc}") from exc
        bad = [k for k, v in table.items() if not isinstance(v, str)]
        if bad:
            raise RuleError(f"{path}: code table values must be strings (see {bad[:3]})")
        maps[path.stem] = table
    return maps


def load_rules(path: str | Path | None = None, schemas_dir: str | Path | None = None) -> Mapper:
    """Load, check and compile the rules in `path` (default: <schemas>/marc21.toml).

    Code tables come from <schemas>/maps/ and the format table from <schemas>/formats.toml,
    where <schemas> is `schemas_dir` (the setting LANTERN_SCHEMAS_DIR), else the shipped schemas/.
    """
    schemas = Path(schemas_dir) if schemas_dir is not None else SHIPPED_SCHEMAS
    rules_path = Path(path) if path is not None else schemas / "marc21.toml"
    try:
        text, data = read_toml_text(rules_path, "rules file")
    except ConfigError as exc:
        raise RuleError(str(exc)) from exc
    lines = TomlLines(text)
    unknown_top = set(data) - {"rule"}
    if unknown_top:
        where = at(rules_path, lines.line_of(sorted(unknown_top)[0]))
        raise RuleError(f"{where}: unknown top-level key(s) {sorted(unknown_top)}")
    maps = load_maps(schemas / "maps")
    compiled = []
    for i, raw in enumerate(data.get("rule", []), start=1):
        name = raw.get("field") or raw.get("fields") or raw.get("macro") or "?"
        where = f"{at(rules_path, lines.line_of('rule', i))}: rule {i} ({name})"
        if not isinstance(raw, dict):
            raise RuleError(f"{where}: a rule must be a table")
        if "macro" in raw:
            compiled.append(_compile_macro_rule(raw, where, maps, schemas))
        else:
            compiled.append(_compile_spec_rule(raw, where, maps))
    if not compiled:
        raise RuleError(f"{rules_path}: no [[rule]] tables")
    return Mapper(compiled, rules_path)


def _check_keys(raw: dict, allowed: set[str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise RuleError(f"{where}: unknown key {key!r}{_did_you_mean(key, allowed)}")


def _check_target(name, where: str) -> str:
    if not isinstance(name, str) or name not in TARGETS:
        raise RuleError(f"{where}: unknown target field {name!r}{_did_you_mean(name, TARGETS)}")
    return name


def _compile_steps(raw_steps, where: str, maps) -> list:
    if not isinstance(raw_steps, list):
        raise RuleError(f"{where}: steps must be a list")
    steps = []
    for raw in raw_steps:
        if isinstance(raw, str):
            name, args = raw, {}
        elif isinstance(raw, dict) and isinstance(raw.get("step"), str):
            name, args = raw["step"], {k: v for k, v in raw.items() if k != "step"}
        else:
            raise RuleError(f"{where}: a step is a name or {{ step = name, ... }}, not {raw!r}")
        definition = STEPS.get(name)
        if definition is None:
            raise RuleError(f"{where}: unknown step {name!r}{_did_you_mean(name, STEPS)}")
        for arg in args:
            if arg not in definition.args:
                hint = _did_you_mean(arg, definition.args)
                raise RuleError(f"{where}: step {name!r} has no argument {arg!r}{hint}")
        full = {**definition.args, **args}
        missing = [a for a, v in full.items() if v is REQUIRED]
        if missing:
            raise RuleError(f"{where}: step {name!r} needs argument(s) {missing}")
        if name == "map" and full["table"] not in maps:
            table = full["table"]
            raise RuleError(f"{where}: unknown map {table!r}{_did_you_mean(table, maps)}")
        try:
            steps.append(definition.factory(maps, **full))
        except (TypeError, ValueError) as exc:
            raise RuleError(f"{where}: step {name!r}: {exc}") from exc
    return steps


def _compile_spec_rule(raw: dict, where: str, maps) -> Apply:
    _check_keys(raw, _SPEC_RULE_KEYS, where)
    target = _check_target(raw.get("field"), where)
    sources = raw.get("from")
    if isinstance(sources, str):
        sources = [sources]
    if not sources or not all(isinstance(s, str) for s in sources):
        raise RuleError(f"{where}: needs `from`, a list of specs")
    separator = raw.get("separator", " ")
    each = raw.get("each_subfield", False)
    if not isinstance(separator, str) or not isinstance(each, bool):
        raise RuleError(f"{where}: separator must be a string and each_subfield true or false")
    try:
        specs = [compile_spec(s, separator=separator, each_subfield=each) for s in sources]
    except SpecError as exc:
        raise RuleError(f"{where}: {exc}") from exc
    steps = _compile_steps(raw.get("steps", []), where, maps)
    tags = None if any(not s.tags for s in specs) else frozenset(t for s in specs for t in s.tags)
    return tags, _spec_applier(target, TARGETS[target], [s.extract for s in specs], steps)


def _spec_applier(target: str, shape: str, extractors, steps) -> Apply:
    only = extractors[0] if len(extractors) == 1 else None

    def apply(record: MarcRecord, out: dict) -> None:
        if only is not None:
            values = only(record)
        else:
            values = []
            for extract in extractors:
                values += extract(record)
        for step in steps:
            if not values:
                return
            values = step(values)
        if not values:
            return
        if shape == "many":
            out[target].extend(values)
        elif out[target] is None:  # an earlier rule for the same field wins
            if shape == "one":
                out[target] = values[0]
            else:
                value = values[0].strip()
                out[target] = int(value) if value.isdigit() else None

    return apply


def _compile_macro_rule(raw: dict, where: str, maps, schemas: Path) -> Apply:
    _check_keys(raw, _MACRO_RULE_KEYS, where)
    name = raw["macro"]
    definition = MACROS.get(name)
    if definition is None:
        raise RuleError(f"{where}: unknown macro {name!r}{_did_you_mean(name, MACROS)}")
    if ("field" in raw) == ("fields" in raw):
        raise RuleError(f"{where}: a macro rule needs exactly one of `field` or `fields`")
    targets = [raw["field"]] if "field" in raw else raw["fields"]
    if not isinstance(targets, list) or not targets:
        raise RuleError(f"{where}: `fields` must be a non-empty list")
    for target in targets:
        _check_target(target, where)
        if target not in definition.outputs:
            raise RuleError(
                f"{where}: macro {name!r} does not produce {target!r}; "
                f"it produces {list(definition.outputs)}"
            )
    args = raw.get("args", {})
    if not isinstance(args, dict):
        raise RuleError(f"{where}: args must be a table")
    for arg in args:
        if arg not in definition.args:
            hint = _did_you_mean(arg, definition.args)
            raise RuleError(f"{where}: macro {name!r} has no argument {arg!r}{hint}")
    try:
        fn = definition.factory({**definition.args, **args}, maps, schemas)
    except RuleError as exc:
        raise RuleError(f"{where}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"{where}: macro {name!r}: {exc!r}") from exc
    reads = definition.reads
    if callable(reads):
        reads = frozenset(reads({**definition.args, **args}))
    return reads, _macro_applier(fn, tuple(targets))


def _macro_applier(fn, targets: tuple[str, ...]) -> Apply:
    def apply(record: MarcRecord, out: dict) -> None:
        produced = fn(record)
        for target in targets:
            out[target] = produced[target]

    return apply
