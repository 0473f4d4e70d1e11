"""What the tuning pages do with a draft besides publishing it: boosts.toml rebuilt from the
labelled number fields, a draft tried on a query (preview) and on a query set (evaluation), in
a temporary copy of the synonyms directory. Nothing here writes the live files."""

from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from indexer.relevance.judgements import JudgementStore
from indexer.tuning.boosts import BOOSTS, LISTS, boost_for, labelled
from indexer.tuning.files import BOOSTS_NAME, check_name

FIELD_PREFIX = "w."  # the name of a weight's number input: "w.fields.title"
_ASSIGNMENT = re.compile(r"^(\s*)([A-Za-z0-9_\-]+)(\s*=\s*)([^#\s][^#]*?)(\s*(#.*)?)$")


def boost_fields(text: str) -> tuple[list[dict], str | None]:
    """The labelled settings of a boosts.toml text for the form (or [] and why it cannot be
    read: then only the raw TOML can be edited)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], f"The fields cannot be shown: the TOML does not parse ({exc})."
    rows = []
    for key, label, value, allowed in labelled(data):
        section, _, name = key.partition(".")
        boost = boost_for(section, name)
        numeric = boost is not None and not isinstance(value, list | bool)
        rows.append(
            {
                "key": key,
                "input": FIELD_PREFIX + key,
                "id": "w-" + key.replace(".", "-").replace("_", "-"),
                # "Weight of a match in this field: title" for the settings of every field
                "label": f"{label}: {name}" if key not in BOOSTS and key not in LISTS else label,
                "value": _number(value) if numeric else ", ".join(map(str, value)),
                "allowed": allowed,
                "numeric": numeric,
                "low": boost.low if numeric else None,
                "high": boost.high if numeric else None,
                "step": "1" if numeric and boost.whole else "any",
            }
        )
    return rows, None


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def boosts_from_fields(text: str, form) -> tuple[str, dict[str, str]]:
    """`text` with each weight replaced by its number field's value, comments and layout kept;
    and the fields that are not numbers (input name -> message)."""
    errors: dict[str, str] = {}
    section, out = "", []
    for line in text.splitlines(keepends=True):
        bare = line.split("#", 1)[0].strip()
        if bare.startswith("[") and bare.endswith("]"):
            section = bare.strip("[] ")
        match = _ASSIGNMENT.match(line.rstrip("\n"))
        key = f"{section}.{match.group(2)}" if match and section else None
        given = form.get(FIELD_PREFIX + key) if key else None
        if match is None or given is None:
            out.append(line)
            continue
        try:
            number = float(given.strip())
        except ValueError:
            errors[FIELD_PREFIX + key] = f"{key}: {given[:40]!r} is not a number"
            out.append(line)
            continue
        if _is_number(match.group(4)) and float(match.group(4)) == number:
            out.append(line)  # unchanged: kept exactly as written
            continue
        boost = boost_for(section, match.group(2))
        value = str(int(number)) if boost and boost.whole and number.is_integer() else repr(number)
        newline = "\n" if line.endswith("\n") else ""
        start = "".join(match.group(1, 2, 3))
        out.append(f"{start}{value}{match.group(5)}{newline}")
    return "".join(out), errors


def _is_number(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


def draft_directory(settings, name: str, content: bytes, into: Path) -> Path:
    """A copy of the synonyms directory (synonym files and boosts.toml) with the draft as NAME."""
    for source in Path(settings.synonyms_dir).iterdir():
        if source.is_file() and (source.suffix == ".txt" or source.name == BOOSTS_NAME):
            shutil.copyfile(source, into / source.name)
    (into / check_name(name)).write_bytes(content)
    return into


def query_sets(settings) -> list[str]:
    return JudgementStore(settings.relevance_dir).names()


def evaluate(settings, name: str, content: bytes, set_name: str, max_drop: float = 0.01):
    """The live configuration and the draft scored on query set `set_name` (a Comparison)."""
    from opac.search.evaluation import evaluate_draft

    qset = JudgementStore(settings.relevance_dir).load(set_name)
    with tempfile.TemporaryDirectory(prefix="lantern-draft-") as temp:
        draft_dir = draft_directory(settings, name, content, Path(temp))
        return evaluate_draft(settings, qset, draft_dir, max_drop)
