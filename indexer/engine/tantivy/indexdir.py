"""Where the embedded index lives, and opening one index directory.

The index path (`DATA_DIR/index`) is a link to one of the directories in `indexes/` beside it.
A rebuild writes a new directory there and swaps the link in one atomic rename, so searches keep
answering throughout and a failed rebuild leaves the live index untouched. Readers notice the
new target on their next search and open it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import tantivy

from indexer.engine.fields import FieldDef
from indexer.engine.tantivy.failures import engine_errors
from indexer.engine.tantivy.schema import build_schema, register_analysers, schema_field_names
from indexer.errors import EngineUnavailableError, IndexSchemaError


def open_index(path: Path, fields: dict[str, FieldDef], highlighted: list[str]) -> tantivy.Index:
    """The index at `path`, created there (with `highlighted` text fields stored) if it has
    none; its analysers registered and its reader reloaded only when asked."""
    with engine_errors(f"open of {path}"):
        if (path / "meta.json").exists():
            # The index's own schema: an option that only shapes a new index (which text
            # fields are stored for highlighting) never makes one built before it unreadable.
            index = tantivy.Index.open(str(path))
        else:
            index = tantivy.Index(build_schema(fields, highlighted), str(path))
        register_analysers(index)
        index.config_reader(reload_policy="Manual")
    return index


def schema_on_disk(path: Path) -> dict[str, dict[str, Any]]:
    """The index's fields and their options, as Tantivy wrote them in meta.json."""
    meta = path / "meta.json"
    try:
        return {f["name"]: f.get("options") or {} for f in json.loads(meta.read_text())["schema"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EngineUnavailableError(f"cannot read {meta}: {exc}") from exc


def check_schema(path: Path, fields: dict[str, FieldDef]) -> None:
    """IndexSchemaError when the index at `path` has other fields than fields.toml defines."""
    if not (path / "meta.json").exists():
        return
    on_disk = set(schema_on_disk(path))
    expected = schema_field_names(fields)
    if on_disk != expected:
        raise IndexSchemaError(
            f"the index at {path} was built with other fields than schemas/fields.toml "
            f"defines now (missing {sorted(expected - on_disk)}, extra "
            f"{sorted(on_disk - expected)}); rebuild it from the catalogue store with "
            "`lantern reindex`"
        )


def link_target(path: Path) -> str:
    """What the index path points to now (one readlink, where realpath would stat every part
    of the path); the path itself when it is a directory of its own."""
    try:
        return os.readlink(path)
    except OSError:
        return str(path)


def new_index_dir(link: Path) -> Path:
    """A new directory for an index to replace the one `link` points to (not created)."""
    path = link.parent / "indexes" / time.strftime("i%Y%m%dT%H%M%S")
    n = 0
    while path.exists():
        n += 1
        path = path.with_name(f"{path.name.split('_')[0]}_{n}")
    return path


def ensure_live_index(link: Path) -> Path:
    """The live index path, creating an empty index directory and its link when there is none."""
    if not link.exists() and not link.is_symlink():
        target = new_index_dir(link)
        target.mkdir(parents=True)
        link.symlink_to(_relative(target, link))
    return link


def _relative(target: Path, link: Path) -> str:
    """Where `link` should point to reach `target`, relative to the link's folder, whichever of
    the two paths arrived relative (LANTERN_DATA_DIR=instance) and which absolute."""
    return os.path.relpath(os.path.abspath(target), os.path.abspath(link.parent))


def swap_live_index(link: Path, new_dir: Path) -> None:
    """Point `link` at `new_dir` atomically, then prune every index directory but the new one
    and the one it replaced."""
    if link.exists() and not link.is_symlink():
        # An index from before links were used: move it aside first (a brief gap for readers).
        replaced = new_index_dir(link).with_name("legacy")
        os.replace(link, replaced)
    else:
        replaced = link.resolve() if link.is_symlink() else None
    temp = link.parent / f".index-swap-{os.getpid()}"
    temp.unlink(missing_ok=True)
    temp.symlink_to(_relative(new_dir, link))
    os.replace(temp, link)
    prune(link, replaced)


def prune(link: Path, replaced: Path | None) -> None:
    """Delete the index directories that are neither live nor `replaced` (the index live until
    now, which readers may still have open). What is kept is decided by the link, never by
    modification times: a killed rebuild's unfinished directory is newer than the last good
    index, and must be the one that goes."""
    folder = link.parent / "indexes"
    if not folder.exists():
        return
    keep = {link.resolve(), *([replaced.resolve()] if replaced else [])}
    for path in folder.iterdir():
        if path.is_dir() and path.resolve() not in keep:
            shutil.rmtree(path, ignore_errors=True)
