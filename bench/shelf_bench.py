"""Browse latency: a page of the shelf, of the authors and subjects A to Z, and a record page's
"near this on the shelf", on a loaded catalogue.

    python -m bench.shelf_bench                       # 100k records (quick)
    python -m bench.shelf_bench --records 1000000     # the real figure (issue 20: p95 < 50 ms)
    python -m bench.shelf_bench --data-dir DIR --libraries-file TOML   # loaded already

Generates (once) and loads the sample consortium with bench.load_bench (shared with the other
benchmarks; a catalogue loaded before the browse fields existed needs `lantern reindex`). Each
kind of page is asked `--pages` times from random starting points (a random class mark of a
random library, or of the consortium's shelf; the next page from there; two random letters
for names) through the OPAC's own browse service (opac.search.browse: the engine's terms and
the titles' records, no HTML), one at a time, and the same pages through the Flask app (HTML
rendered, no network). The first page of each shelf after a commit reads its block list
(about 1 ms to 30 ms): one page per shelf is asked before timing, and the coldest of those is
reported apart. Prints a Markdown table and writes bench/out/shelf_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.report import record_row
from bench.search_bench import OUT, load, machine, percentile

SECTION = "Shelf and A to Z browse"

CLASSES = ["QS", "QT", "QU", "QV", "QW", "QX", "QY", "QZ", "W", "WA", "WB", "WC", "WD", "WE"]
CLASSES += ["WF", "WG", "WH", "WI", "WJ", "WK", "WL", "WM", "WN", "WO", "WP", "WQ", "WR", "WS"]
CLASSES += ["WT", "WU", "WV", "WW", "WX", "WY", "WZ"]


def starts(rng: random.Random, libraries: list[str], count: int) -> list[tuple]:
    """(library or None, scheme, from) of `count` shelf pages."""
    out = []
    for _ in range(count):
        library = rng.choice(libraries + [None])
        if rng.random() < 0.8:
            out.append((library, "nlm", f"{rng.choice(CLASSES)} {rng.randint(1, 999)}"))
        else:
            out.append((library, "dewey", f"{rng.randint(1, 999):03d}.{rng.randint(0, 99)}"))
    return out


def timed(call, *args, **kwargs) -> tuple[tuple[float, float], object]:
    """((wall ms, this process's CPU ms), the answer): on a shared machine the CPU time is the
    cost of the page, the wall time also what others' work added."""
    started, cpu = time.perf_counter(), time.process_time()
    answer = call(*args, **kwargs)
    return ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000), answer


def summary(times: list[tuple[float, float]]) -> dict:
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    return {
        "p50": round(percentile(wall, 50), 2),
        "p95": round(percentile(wall, 95), 2),
        "p99": round(percentile(wall, 99), 2),
        "max": round(max(wall), 2),
        "cpu_p50": round(percentile(cpu, 50), 2),
        "cpu_p95": round(percentile(cpu, 95), 2),
    }


def shelf_rows(browse, shelf_pages: list[tuple]) -> dict[str, list[tuple[float, float]]]:
    """Times of each shelf page from its starting point, then of the page after each."""
    rows: dict[str, list[tuple[float, float]]] = {}
    handed = []
    for library, scheme, start in shelf_pages:
        ms, page = timed(browse.shelf, scheme, start, library=library)
        rows.setdefault("shelf page (service)", []).append(ms)
        handed.append((library, scheme, page.next))
    for library, scheme, after in handed:
        if after:
            ms, _ = timed(browse.shelf, scheme, library=library, after=after)
            rows.setdefault("next shelf page (service)", []).append(ms)
    return rows


def run(settings, pages: int, seed: int = 7) -> dict:
    from opac import create_app
    from opac.search.service import SearchParams, open_search_service

    service = open_search_service(settings)
    browse = service.browse
    libraries = sorted(service.consortium.libraries)
    rng = random.Random(seed)
    shelf_pages = starts(rng, libraries, pages)
    shelves = sorted({(lib or "", scheme) for lib, scheme, _ in shelf_pages})
    cold = [timed(browse.shelf, scheme, library=lib or None)[0][0] for lib, scheme in shelves]
    letters = ["".join(rng.choice(string.ascii_lowercase) for _ in range(2)) for _ in range(pages)]
    rows = shelf_rows(browse, shelf_pages)
    for kind in ("author", "subject"):
        for library in [None, *libraries]:  # each view's block list, read once per commit
            cold.append(timed(browse.headings, kind, library=library)[0][0])
        for n, start in enumerate(letters):
            library = libraries[n % len(libraries)] if n % 2 else None
            ms, _ = timed(browse.headings, kind, start, library=library)
            rows.setdefault(f"{kind}s A to Z page (service)", []).append(ms)
    found = service.search(SearchParams(q="", size=100))["results"]
    for hit in found:
        record = service.record(hit["id"])
        ms, _ = timed(browse.near, record)
        rows.setdefault("near this on the shelf, all its shelves (service)", []).append(ms)
    client = create_app(settings=settings).test_client()
    for library, scheme, start in shelf_pages:
        path = f"/library/{library}/browse/shelf" if library else "/browse/shelf"
        ms, answer = timed(client.get, path + "?" + urlencode({"scheme": scheme, "from": start}))
        assert answer.status_code == 200, (path, answer.status_code)
        rows.setdefault("shelf page, HTML through Flask", []).append(ms)
    return {
        "load": round(os.getloadavg()[0], 1),
        "documents": service.engine.count(),
        "cold_first_page_max": round(max(cold), 2),
        "rows": {name: {"pages": len(t), **summary(t)} for name, t in rows.items()},
    }


def table(records: int, result: dict) -> str:
    lines = [
        f"Machine: {machine()}",
        "",
        "| records | documents | page | pages | p50 ms | p95 ms | p99 ms | max ms "
        "| CPU p50 ms | CPU p95 ms | load average | date |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in result["rows"].items():
        lines.append(
            f"| {records:,} | {result['documents']:,} | {name} | {row['pages']} | {row['p50']} "
            f"| {row['p95']} | {row['p99']} | {row['max']} | {row['cpu_p50']} | {row['cpu_p95']} "
            f"| {result['load']} | {time.strftime('%Y-%m-%d')} |"
        )
    lines.append("")
    cold = result["cold_first_page_max"]
    lines.append(
        f"First page of each shelf or index after opening (block list read): max {cold} ms."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=30)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--data-dir", help="Use this loaded data directory (read-only)")
    parser.add_argument("--libraries-file", help="Its libraries file (with --data-dir)")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    settings = load(args.records, args.libraries, args.data_dir, args.libraries_file)
    result = run(settings, args.pages)
    text = table(args.records, result)
    print(text)
    out = Path(OUT) / "shelf_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"records": args.records, "machine": machine(), **result}, indent=2))
    if not args.no_record:
        for name, row in result["rows"].items():
            fields = {"records": args.records, "documents": result["documents"], "class": name}
            record_row(SECTION, machine(), {**fields, **row, "load": result["load"]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
