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
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def ensure_catalogue(records: int, libraries: int, seed: int) -> Path:
    from lantern.sample.generate import generate_consortium

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


LOAD_ALL = """
import json, sys, time
from pathlib import Path
from indexer.load.runner import load_libraries
from indexer.settings import load_settings
if __name__ == "__main__":
    files, libraries, data = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
    settings = load_settings(environ={{}}, data_dir=data, libraries=libraries)
    t = time.perf_counter()
    load_libraries(settings, [(code, [Path(path)]) for code, path in files.items()],
                   progress=False, log=lambda *a: None)
    print(json.dumps({{"seconds": time.perf_counter() - t}}))
"""


def ensure_loaded(records: int, libraries: int, seed: int) -> tuple[Path, Path]:
    """A loaded data directory of the generated consortium (cached; shared by the search,
    harvest and union benchmarks), and its libraries file."""
    generated = ensure_catalogue(records, libraries, seed)
    target = OUT / f"loaded-{records}-{libraries}-{seed}"
    data = target / "data"
    done = target / "done.json"
    if not done.exists():
        import shutil

        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        script = target / "load_catalogue.py"  # a file, so load worker processes can import it
        script.write_text(LOAD_ALL.format())
        files = json.loads((generated / "done.json").read_text())["files"]
        out = subprocess.run(
            [
                sys.executable,
                str(script),
                json.dumps(files),
                str(generated / "libraries.toml"),
                str(data),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        done.write_text(out.stdout.strip().splitlines()[-1])
    return data, generated / "libraries.toml"


def tree_sample(root: int, cpu_seen: dict[int, float]) -> float:
    """Resident memory of a process and all its descendants (pool workers included), in MB;
    also notes in `cpu_seen` the CPU seconds (user + system) each of them has used so far."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * page
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, {root}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier and p not in tree}
        tree |= frontier
    for p in tree:
        cpu_seen[p] = max(cpu_seen.get(p, 0.0), cpu.get(p, 0.0))
    return sum(rss.get(p, 0) for p in tree) / 2**20


def child(code: str, env: dict | None = None) -> dict:
    """Run `code` (which prints one JSON line) in a fresh Python; add the peak memory of its
    process tree, sampled every 0.2 s."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    peak = 0.0
    cpu_seen: dict[int, float] = {}
    while proc.poll() is None:
        peak = max(peak, tree_sample(proc.pid, cpu_seen))
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"benchmark child failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_tree_mb"] = round(peak)
    # CPU of every process of the tree, as last seen (up to 0.2 s of each is missed).
    result["cpu_seconds"] = sum(cpu_seen.values())
    return result


PYMARC_PARSE = """
import json, time, sys, resource
from pymarc import MARCReader
files = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {files!r}
n = 0
t = time.perf_counter()
c = time.process_time()
for path in files:
    with open(path, 'rb') as fh:
        for rec in MARCReader(fh, to_unicode=True, force_utf8=False, permissive=True):
            if rec is not None:
                n += 1
s = time.perf_counter() - t
print(json.dumps({{"records": n, "seconds": s, "parse_cpu_seconds": time.process_time() - c,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}}))
"""

LANTERN_LOAD = """
import json, time, resource, sqlite3
from pathlib import Path
from indexer.settings import load_settings
from indexer.load.runner import load_libraries
settings = load_settings(data_dir={data_dir!r}, libraries={libraries!r})
files = [(code, [Path(path)]) for code, path in {files!r}.items()]
t = time.perf_counter()
reports = []
if {together!r}:  # the region's first load: `lantern load --each CODE FILE ...`
    reports = load_libraries(settings, files, progress=False, log=lambda *a: None)
else:  # one `lantern load --library CODE FILE` after another
    for part in files:
        reports += load_libraries(settings, [part], progress=False, log=lambda *a: None)
s = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
db = sqlite3.connect({data_dir!r} + "/catalogue.sqlite")
documents = db.execute("SELECT count(*) FROM documents WHERE deleted = 0").fetchone()[0]
print(json.dumps({{"records": sum(r.loaded for r in reports),
                  "rejected": sum(len(r.rejected) for r in reports), "seconds": s,
                  "documents": documents, "peak_rss_mb": own}}))
"""


def run(
    records: int, libraries: int, seed: int, runs: int, merge: bool = True, together: bool = True
) -> dict:
    target = ensure_catalogue(records, libraries, seed)
    files = json.loads((target / "done.json").read_text())["files"]
    parse_rates, load_rates, rows = [], [], []
    for _ in range(runs):
        parse = child(PYMARC_PARSE.format(files=list(files.values())))
        parse_rates.append(parse["records"] / parse["seconds"])
        # A merged load becomes the shared loaded catalogue when there is none yet.
        shared = OUT / f"loaded-{records}-{libraries}-{seed}"
        keep = merge and together and not (shared / "done.json").exists()
        if keep:
            shutil.rmtree(shared, ignore_errors=True)
            (shared / "data").mkdir(parents=True)
        data_dir = str(shared / "data") if keep else tempfile.mkdtemp(prefix="lantern-bench-")
        try:
            load = child(
                LANTERN_LOAD.format(
                    data_dir=data_dir,
                    files=files,
                    libraries=str(target / "libraries.toml"),
                    together=together,
                ),
                env={"LANTERN_MERGE": "on" if merge else "off"},
            )
            if keep:
                (shared / "done.json").write_text(json.dumps({"seconds": load["seconds"]}))
        finally:
            if not keep:
                shutil.rmtree(data_dir, ignore_errors=True)
        load_rates.append(load["records"] / load["seconds"])
        rows.append({"parse": parse, "load": load})
    best = max(range(runs), key=lambda i: load_rates[i])
    return {
        "records": records,
        "libraries": libraries,
        "merge": "on" if merge else "off",
        "together": "in one run" if together else "one run each",
        "runs": runs,
        "pymarc_parse_rate": round(sorted(parse_rates)[len(parse_rates) // 2]),
        "load_rate": round(sorted(load_rates)[len(load_rates) // 2]),
        "load_seconds": round(rows[best]["load"]["seconds"], 1),
        "loaded": rows[best]["load"]["records"],
        "documents": rows[best]["load"]["documents"],
        "rejected": rows[best]["load"]["rejected"],
        "peak_rss_main_mb": rows[best]["load"]["peak_rss_mb"],
        "peak_rss_all_mb": rows[best]["load"]["peak_rss_tree_mb"],
        "pymarc_peak_rss_mb": rows[best]["parse"]["peak_rss_mb"],
        # CPU per record: pymarc's parse alone, and the whole load on every core (its
        # processes' CPU, imports and start-up included).
        "pymarc_cpu_us": round(
            rows[best]["parse"]["parse_cpu_seconds"] / rows[best]["parse"]["records"] * 1e6
        ),
        "load_cpu_us": round(
            rows[best]["load"]["cpu_seconds"] / max(1, rows[best]["load"]["records"]) * 1e6
        ),
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
    ap.add_argument(
        "--merge",
        choices=["on", "off"],
        default="on",
        help="merge the same title across libraries (off: one document per record)",
    )
    ap.add_argument(
        "--separately",
        action="store_true",
        help="one load per library (as daily deltas arrive) instead of one run of all",
    )
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    ap.add_argument(
        "--code",
        help="label of the code measured (a row of its own, e.g. to "
        "compare a change with the commit before it)",
    )
    args = ap.parse_args()
    result = run(
        args.records, args.libraries, args.seed, args.runs, args.merge == "on", not args.separately
    )
    result["ratio"] = round(result["load_rate"] / result["pymarc_parse_rate"], 2)
    if args.code:
        result["code"] = args.code
    print(json.dumps(result, indent=2))
    if not args.no_write:
        from bench.report import record_row

        record_row("Load throughput", machine(), result)


if __name__ == "__main__":
    main()
