"""`lantern check`: every configuration file of a deployment, read by the very loader that
loads, serves or publishes it, so the check accepts exactly what Lantern will accept. Nothing
is written and no index or service is needed, so it can run before a change is deployed (point
LANTERN_LIBRARIES, LANTERN_SCHEMAS_DIR and LANTERN_SYNONYMS_DIR at the files to try).

The files: the libraries file, the mapping rules (schemas/marc21.toml, with its code tables
and format table), each holdings profile (schemas/holdings/), the index fields
(schemas/fields.toml, which hold the search prefixes), boosts.toml, each synonym file and the
merge overrides. A loader stops at its first mistake; the synonym and boosts checks report every
line. Each problem reads `file:line: reason`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.catalogue.merges import overrides_path
from indexer.dedup import load_overrides
from indexer.engine.fields import load_facets, load_fields, load_sorts
from indexer.engine.synonyms import read_rules
from indexer.errors import ConfigError
from indexer.holdings import available_profiles, load_profile
from indexer.libraries import load_consortium
from indexer.mapping import load_rules
from indexer.tomlfile import at
from indexer.tuning.boosts import check_boosts
from indexer.tuning.files import BOOSTS_NAME
from indexer.tuning.report import Report


@dataclass
class Checked:
    """One file: what it is, what was found in it, and its problems as `file:line: reason`."""

    kind: str
    path: Path
    summary: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_all(settings) -> list[Checked]:
    schemas = Path(settings.schemas_dir)
    synonyms = Path(settings.synonyms_dir)
    return _once(
        [
            *(
                _loaded(
                    "holdings profile",
                    schemas / "holdings" / f"{name}.toml",
                    lambda name=name: load_profile(name, schemas),
                    lambda profile: profile.description or profile.name,
                )
                for name in available_profiles(schemas)
            ),
            _libraries(settings),
            _loaded(
                "mapping rules",
                schemas / "marc21.toml",
                lambda: load_rules(schemas_dir=schemas),
                lambda mapper: f"{len(mapper):,} rules",
            ),
            _loaded("index fields", schemas / "fields.toml", lambda: _fields(schemas), str),
            _reported("boosts", synonyms / BOOSTS_NAME, lambda data: _boosts(data, schemas)),
            *(
                _reported("synonym file", path, _synonyms)
                for path in sorted(synonyms.glob("*.txt"))
            ),
            _overrides(overrides_path(settings)),
        ]
    )


def _once(results: list[Checked]) -> list[Checked]:
    """A mistake in a file that others use (a holdings profile that `auto` or the libraries
    file names) is shown at that file; the others say they use it instead of repeating it."""
    for result in results:
        errors = []
        for error in result.errors:
            origin = next((r for r in results if error.startswith(f"{r.path}:")), result)
            if origin is not result and error in origin.errors:
                error = f"{result.path}: uses {origin.path}, which has errors"
            errors.append(error)
        result.errors = list(dict.fromkeys(errors))
    return results


def _loaded(kind: str, path: Path, load: Callable[[], Any], summary: Callable) -> Checked:
    try:
        value = load()
    except ConfigError as exc:
        return Checked(kind, path, errors=str(exc).splitlines())
    return Checked(kind, path, summary(value))


def _reported(kind: str, path: Path, check: Callable[[bytes], tuple[Report, str]]) -> Checked:
    try:
        content = path.read_bytes()
    except OSError as exc:
        return Checked(kind, path, errors=[f"{path}: cannot read it: {exc.strerror or exc}"])
    report, summary = check(content)
    return Checked(
        kind,
        path,
        summary,
        [f"{at(path, p.line)}: {p.message}" for p in report.errors],
        [f"{at(path, p.line)}: {p.message}" for p in report.warnings],
    )


def _libraries(settings) -> Checked:
    path = Path(settings.libraries)
    if not path.is_file():
        note = "no such file: every library loads with the auto holdings profile"
        return Checked("libraries file", path, note)
    return _loaded(
        "libraries file",
        path,
        lambda: load_consortium(path, settings.schemas_dir),
        lambda consortium: f"{len(consortium.libraries):,} libraries",
    )


def _fields(schemas: Path) -> str:
    fields = load_fields(schemas)
    return (
        f"{len(fields)} fields, {len(load_facets(schemas))} facets, "
        f"{len(load_sorts(schemas))} sort orders"
    )


def _boosts(content: bytes, schemas: Path) -> tuple[Report, str]:
    try:
        fields = load_fields(schemas)
    except ConfigError as exc:
        report = Report()
        report.error(None, f"cannot be checked while the index fields are wrong ({exc})")
        return report, ""
    report = check_boosts(content, fields)
    return report, "ranking settings"


def _synonyms(content: bytes) -> tuple[Report, str]:
    rules, report = read_rules(content)
    return report, f"{len(rules):,} rules"


def _overrides(path: Path) -> Checked:
    if not path.is_file():
        return Checked("merge overrides", path, "none yet")
    return _loaded(
        "merge overrides",
        path,
        lambda: load_overrides(path),
        lambda o: f"{len(o.never):,} never-merge and {len(o.always):,} always-merge pairs",
    )
