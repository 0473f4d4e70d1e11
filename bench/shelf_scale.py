"""Shelf pages at ten times a loaded catalogue's size, without loading ten times the records.

    python -m bench.shelf_scale --records 100000 --times 10

Reads every document of the loaded catalogue (bench.load_bench's, `--records`), and writes
each `--times` times (ids suffixed) into a fresh Tantivy index holding what a shelf page reads:
the shelf terms (the copies' call numbers, so each class mark is `times` as crowded), the
library codes and the display record. Then times shelf pages through the OPAC's browse service,
as bench.shelf_bench does. A stand-in for a catalogue `times` as big when loading one is too
slow on the machine at hand; the figure to trust is bench.shelf_bench on a real load.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from bench.search_bench import load, machine, percentile
from bench.shelf_bench import shelf_rows, starts


def build(settings, times: int, target: Path):
    from indexer.engine import open_engine
    from indexer.engine.fields import load_fields
    from indexer.engine.tantivy.engine import TantivyEngine
    from indexer.shelf.terms import shelf_terms
    from opac.search.browse import shelf_places

    source = open_engine(settings)
    fields = {
        k: v
        for k, v in load_fields().items()
        if k in ("id", "library", "shelf", "display", "browse_block")
    }
    engine = TantivyEngine(target, writer=True, fields=fields, heap_size=200_000_000, threads=1)
    after, written = None, 0
    while batch := source.scan(after, 2000):
        after = batch[-1]["id"]
        docs = []
        for display in batch:
            places = shelf_places(display)
            for n in range(times):
                doc_id = f"{display['id']}.{n}"
                docs.append(
                    {
                        "id": doc_id,
                        "library": display.get("libraries") or [],
                        "shelf": shelf_terms(doc_id, places),
                        "display": {**display, "id": doc_id},
                    }
                )
        engine.upsert(docs, new=True)
        written += len(docs)
    engine.commit()
    engine.close()
    return written, fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=30)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args(argv)
    from indexer.engine.tantivy.engine import TantivyEngine
    from indexer.libraries import load_consortium
    from opac.search.browse import Browser

    settings = load(args.records, args.libraries)
    with tempfile.TemporaryDirectory(prefix="shelf-scale-") as tmp:
        started = time.perf_counter()
        written, fields = build(settings, args.times, Path(tmp) / "index")
        built = time.perf_counter() - started
        engine = TantivyEngine(Path(tmp) / "index", fields=fields)
        browse = Browser(engine)
        libraries = sorted(load_consortium(settings.libraries).libraries)
        pages = starts(random.Random(7), libraries, args.pages)
        for lib, scheme in sorted({(lib or "", scheme) for lib, scheme, _ in pages}):
            browse.shelf(scheme, library=lib or None)  # each shelf's block list, once
        rows = shelf_rows(browse, pages)
        print(f"Machine: {machine()}; {written:,} documents, built in {built:.0f} s")
        print(f"({args.times} x the {args.records:,}-record catalogue's documents)")
        print("| documents | page | pages | p50 ms | p95 ms | p99 ms | CPU p50 | CPU p95 | load |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, times in rows.items():
            wall, cpu = [t[0] for t in times], [t[1] for t in times]
            cells = [percentile(wall, 50), percentile(wall, 95), percentile(wall, 99)]
            cells += [percentile(cpu, 50), percentile(cpu, 95), os.getloadavg()[0]]
            figures = " | ".join(f"{c:.2f}" for c in cells)
            print(f"| {written:,} | {name} | {len(times)} | {figures} |")
        engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
