"""Where the embedded index lives: `DATA_DIR/index`, a link to one of `DATA_DIR/indexes/*`.

A rebuild writes a new directory beside the live one and swaps the link in one atomic rename,
so searches keep answering throughout and a failed rebuild leaves the live index untouched.
Readers notice the new target on their next search and open it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

KEEP = 2  # index directories kept: the live one and the one before (readers may still use it)


def new_index_dir(data_dir: Path) -> Path:
    path = data_dir / "indexes" / time.strftime("i%Y%m%dT%H%M%S")
    n = 0
    while path.exists():
        n += 1
        path = path.with_name(f"{path.name.split('_')[0]}_{n}")
    return path


def ensure_live_index(data_dir: Path) -> Path:
    """The live index path, creating an empty index directory and its link when there is none."""
    live = data_dir / "index"
    if not live.exists() and not live.is_symlink():
        target = new_index_dir(data_dir)
        target.mkdir(parents=True)
        live.parent.mkdir(parents=True, exist_ok=True)
        live.symlink_to(target.relative_to(data_dir))
    return live


def swap_live_index(data_dir: Path, new_dir: Path) -> None:
    """Point DATA_DIR/index at `new_dir` atomically, then prune old index directories."""
    live = data_dir / "index"
    if live.exists() and not live.is_symlink():
        # An index from before links were used: move it aside first (a brief gap for readers).
        os.replace(live, new_index_dir(data_dir).with_name("legacy"))
    temp = data_dir / f".index-swap-{os.getpid()}"
    temp.unlink(missing_ok=True)
    temp.symlink_to(new_dir.relative_to(data_dir))
    os.replace(temp, live)
    prune(data_dir, keep_also=new_dir)


def prune(data_dir: Path, keep_also: Path | None = None) -> None:
    folder = data_dir / "indexes"
    if not folder.exists():
        return
    live = (data_dir / "index").resolve()
    dirs = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    keep = {live, keep_also.resolve() if keep_also else live, *[p.resolve() for p in dirs[-KEEP:]]}
    for path in dirs:
        if path.resolve() not in keep:
            shutil.rmtree(path, ignore_errors=True)
