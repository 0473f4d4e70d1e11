"""The starter relevance sets' scores on every loadable MARC file of ../shared/data/marc.

    python -m bench.relevance_starter [--known-items 200] [--data DIR]

Loads each file with `lantern load --each CODE FILE` into a throwaway data directory (one
library per source: the part of the file name before "__", so records of one project keep
their own control numbers), builds the starter sets with `lantern relevance starter` and
prints `lantern relevance eval`. Files that are not MARC at all (SQL, JSON, text) are passed
over, as `tests/test_load_all_shared.py` passes them over.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from indexer.sources import detect_format

SHARED_MARC = Path(__file__).resolve().parents[2] / "shared" / "data" / "marc"
NOT_MARC = (".sql", ".json", ".mrk", ".txt", ".md", ".tsv")


def each_pairs(folder: Path) -> list[str]:
    args: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(NOT_MARC):
            continue
        try:
            detect_format(path)
        except Exception:  # noqa: BLE001 - not MARC at all: the loader would report it
            continue
        code = re.sub(r"[^A-Z0-9]", "", path.name.split("__")[0].upper())[:16] or "MISC"
        args += ["--each", code, str(path)]
    return args


def lantern(data_dir: Path, *args: str) -> str:
    command = [sys.executable, "-m", "lantern.cli", "--data-dir", str(data_dir), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 3):  # 3: some records rejected, reported; the rest loaded
        sys.exit(f"{' '.join(command[:6])} ... failed:\n{done.stderr}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known-items", type=int, default=200)
    parser.add_argument("--data", type=Path, default=SHARED_MARC, help="Folder of MARC files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "instance"
        pairs = each_pairs(args.data)
        print(lantern(data_dir, "load", "--quiet", *pairs).strip().splitlines()[-1])
        print(lantern(data_dir, "relevance", "starter", "--known-items", str(args.known_items)))
        print(lantern(data_dir, "relevance", "eval"))


if __name__ == "__main__":
    main()
