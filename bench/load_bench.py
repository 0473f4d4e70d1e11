"""Load benchmark: end-to-end `lantern load` of generated binary MARC vs pymarc's parse-only rate.

    python -m bench.load_bench --records 100000 [--libraries 12] [--runs 1]

Generates the catalogue once (cached under bench/out/), measures pymarc's single-core parse-only
rate on the same files in a fresh process, then the end-to-end load (read, map, holdings, documents,
Tantivy commit) into a fresh data directory, each in its own process so peak memory is its own.
Appends a table row to docs/benchmarks.md (section "Load throughput").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def ensure_catalogue(records: int, libraries: int, seed: int) -> Path:
    from bench.generate import generate_consortium

    target = OUT / f"gen-{records}-{libraries}-{seed}"
    done = target / "done.json"
    if not done.exists():
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        generated = generate_consortium(target, records=records, libraries=libraries, seed=seed)
        files = {code: str(path) for code, path in generated.files.items()}
        done.write_text(
            json.dumps({"files": files, "seconds": round(time.perf_counter() - started, 1)})
        )
    return target


def child(code: str) -> dict:
    """Run `code` (which prints one JSON line) in a fresh Python; add its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if proc.returncode not in (0, 3):
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_rss_mb_children"] = round(max(after, before) / 1024)
    return result


PYMARC_PARSE = """
import json, time, sys, resource
from pymarc import MARCReader
files = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {files!r}
n = 0
t = time.perf_counter()
for path in files:
    with open(path, 'rb') as fh:
        for rec in MARCReader(fh, to_unicode=True, force_utf8=False, permissive=True):
            if rec is not None:
                n += 1
s = time.perf_counter() - t
print(json.dumps({{"records": n, "seconds": s,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}}))
"""

LANTERN_LOAD = """
import json, time, resource
from pathlib import Path
from indexer.settings import load_settings
from indexer.load import load_library
settings = load_settings(data_dir={data_dir!r}, libraries={libraries!r})
t = time.perf_counter()
loaded = rejected = 0
for code, path in {files!r}.items():
    r = load_library(settings, code, [Path(path)], progress=False, log=lambda *a: None)
    loaded += r.loaded
    rejected += len(r.rejected)
s = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({{"records": loaded, "rejected": rejected, "seconds": s,
                  "peak_rss_mb": own, "peak_rss_mb_worker": kids}}))
"""


def run(records: int, libraries: int, seed: int, runs: int) -> dict:
    target = ensure_catalogue(records, libraries, seed)
    files = json.loads((target / "done.json").read_text())["files"]
    parse_rates, load_rates, rows = [], [], []
    for _ in range(runs):
        parse = child(PYMARC_PARSE.format(files=list(files.values())))
        parse_rates.append(parse["records"] / parse["seconds"])
        data_dir = tempfile.mkdtemp(prefix="lantern-bench-")
        try:
            load = child(
                LANTERN_LOAD.format(
                    data_dir=data_dir, files=files, libraries=str(target / "libraries.toml")
                )
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        load_rates.append(load["records"] / load["seconds"])
        rows.append({"parse": parse, "load": load})
    best = max(range(runs), key=lambda i: load_rates[i])
    return {
        "records": records,
        "libraries": libraries,
        "runs": runs,
        "pymarc_parse_rate": round(sorted(parse_rates)[len(parse_rates) // 2]),
        "load_rate": round(sorted(load_rates)[len(load_rates) // 2]),
        "load_seconds": round(rows[best]["load"]["seconds"], 1),
        "loaded": rows[best]["load"]["records"],
        "rejected": rows[best]["load"]["rejected"],
        "peak_rss_main_mb": rows[best]["load"]["peak_rss_mb"],
        "peak_rss_worker_mb": rows[best]["load"]["peak_rss_mb_worker"],
        "pymarc_peak_rss_mb": rows[best]["parse"]["peak_rss_mb"],
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--libraries", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = ap.parse_args()
    result = run(args.records, args.libraries, args.seed, args.runs)
    result["ratio"] = round(result["load_rate"] / result["pymarc_parse_rate"], 2)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        from bench.report import record_row

        record_row("Load throughput", machine(), result)


if __name__ == "__main__":
    main()
