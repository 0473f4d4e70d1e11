"""Who holds each record, in the Hub feed of the shared real records: how many records of an
OAI-PMH marc21 harvest carry no 852 (issue 21, item 8).

    python -m bench.feed_holdings [--data-dir bench/out/feed-holdings]

Loads every MARC file in ../shared/data/marc (one library per source repository, holdings
profile `auto`) once, then harvests ListRecords marc21 through the app and prints the records
harvested and those without an 852.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "marc"
NOT_MARC = (".sql", ".json", ".mrk", ".txt", ".md", ".tsv")
OAI = "{http://www.openarchives.org/OAI/2.0/}"
MARC = "{http://www.loc.gov/MARC21/slim}"


def load_shared(data_dir: Path) -> None:
    from lantern.cli import main

    groups: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(SHARED.iterdir()):
        if not path.name.endswith(NOT_MARC) and "turbo" not in path.name:
            code = re.sub(r"[^A-Z0-9]", "", path.name.split("__")[0].upper())[:10]
            groups[code].append(path)
    lines = ["[consortium]", 'name = "Shared records"', 'code = "SH"']
    for code in groups:
        lines += ["", "[[library]]", f'code = "{code}"', f'name = "{code}"', 'holdings = "auto"']
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "libraries.toml").write_text("\n".join(lines) + "\n")
    args = ["--data-dir", str(data_dir), "load", "-q"]
    args += [a for code, files in groups.items() for f in files for a in ("--each", code, str(f))]
    CliRunner().invoke(main, args, catch_exceptions=False)


def count(data_dir: Path) -> tuple[int, int]:
    """(records harvested, records without an 852)."""
    from indexer.settings import load_settings
    from opac import create_app

    settings = load_settings(environ={}, data_dir=data_dir, base_url="https://hub.example")
    client = create_app(settings=settings, test_config={"TESTING": True}).test_client()
    total = without = 0
    args = {"verb": "ListRecords", "metadataPrefix": "marc21"}
    while True:
        doc = etree.fromstring(client.get("/oai", query_string=args).data)
        for record in doc.iter(f"{MARC}record"):
            total += 1
            without += not record.findall(f"{MARC}datafield[@tag='852']")
        token = doc.findtext(f".//{OAI}resumptionToken")
        if not token:
            return total, without
        args = {"verb": "ListRecords", "resumptionToken": token}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "feed-holdings")
    args = parser.parse_args()
    if not (args.data_dir / "catalogue.sqlite").exists():
        load_shared(args.data_dir)
    total, without = count(args.data_dir)
    print(f"records harvested: {total:,}; without an 852: {without:,}")


if __name__ == "__main__":
    main()
