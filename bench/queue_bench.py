"""Queued-load benchmark: a generated consortium through Redis and Celery with 1, 2 and 4 map
workers on the embedded Tantivy engine, beside the in-process `lantern load` of the same files.

    python -m bench.queue_bench --records 100000 [--libraries 12] [--workers 1,2,4]

Needs Redis at LANTERN_REDIS_URL (default redis://127.0.0.1:6379/0). Each run gets a fresh data
directory, a fresh key prefix, one write worker (-Q write --pool solo) and one map worker with N
processes; the clock runs from the first `lantern load --queue` until every load is finished
(indexed and committed). The queued index must hold as many documents as the in-process one
(the shared loaded catalogue of bench.load_bench: `lantern load --each ...` of the same files).
Writes a row to docs/benchmarks.md (section "Queued load throughput").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.load_bench import ensure_catalogue, ensure_loaded, machine

ROOT = Path(__file__).resolve().parents[1]
SECTION = "Queued load throughput"


def fresh_settings(base: Path, libraries_toml: Path):
    from indexer.settings import load_settings

    base.mkdir(parents=True)
    shutil.copy(libraries_toml, base / "libraries.toml")
    return load_settings(data_dir=base)


def document_count(settings) -> int:
    from indexer.engine import open_engine

    engine = open_engine(settings)
    try:
        return engine.count()
    finally:
        engine.close()


def start_worker(env: dict, queue: str, processes: int, log: Path) -> subprocess.Popen:
    # The writer as the README runs it: solo (its big flushes build on every core).
    pool = ["--pool", "solo"] if queue == "write" else ["-c", str(processes)]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "indexer.queue.tasks",
            "worker",
            "-Q",
            queue,
            *pool,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    return proc


def queued(files: dict[str, Path], settings, processes: int, work: Path) -> float:
    import redis

    prefix = f"lantern-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "LANTERN_QUEUE_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
        "LANTERN_DATA_DIR": str(settings.data_dir),
    }
    client = redis.Redis.from_url(settings.redis_url)
    workers = [
        start_worker(env, "write", 1, work / f"write-{processes}.log"),
        start_worker(env, "map", processes, work / f"map-{processes}.log"),
    ]
    try:
        started = time.perf_counter()
        each = [arg for code, path in files.items() for arg in ("--each", code, str(path))]
        out = subprocess.run(
            [sys.executable, "-m", "lantern.cli", "load", "--queue", *each],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        load_ids = re.findall(r"Queued load (\S+):", out)
        if len(load_ids) != len(files):
            raise SystemExit(f"expected {len(files)} queued loads:\n{out}")
        while not all(client.hexists(f"{prefix}:load:{i}", "finished") for i in load_ids):
            if any(w.poll() is not None for w in workers):
                raise SystemExit(f"a worker died; logs in {work}")
            time.sleep(0.2)
        return time.perf_counter() - started
    finally:
        for w in workers:
            os.killpg(w.pid, signal.SIGTERM)
            w.wait(timeout=60)
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(key)


def run(records: int, libraries: int, seed: int, counts: list[int]) -> dict:
    catalogue = ensure_catalogue(records, libraries, seed)
    toml = catalogue / "libraries.toml"
    files = {p.stem: p for p in sorted(catalogue.glob("*.mrc"))}
    # The in-process figure: the shared loaded catalogue (`lantern load --each ...` of the same
    # files, made by bench.load_bench or the first benchmark that needed it), loaded once.
    data, _ = ensure_loaded(records, libraries, seed)
    seconds = json.loads((data.parent / "done.json").read_text())["seconds"]
    from indexer.settings import load_settings

    expected = document_count(load_settings(environ={}, data_dir=data, libraries=toml))
    result = {
        "records": records,
        "libraries": len(files),
        "cores": os.cpu_count(),
        "flush_records": load_settings().queue_flush_records,
        "in_process_rate": round(records / seconds),
    }
    print(f"in-process: {seconds:.1f} s, {records / seconds:,.0f} records/s", flush=True)
    with tempfile.TemporaryDirectory(prefix="lantern-queue-bench-") as tmp:
        work = Path(tmp)
        for n in counts:
            settings = fresh_settings(work / f"queue-{n}", toml)
            seconds = queued(files, settings, n, work)
            got = document_count(settings)
            if got != expected:
                raise SystemExit(f"{n} map workers: {got} documents, in-process {expected}")
            result[f"queue_{n}_rate"] = round(records / seconds)
            print(
                f"{n} map worker(s): {seconds:.1f} s, {records / seconds:,.0f} records/s",
                flush=True,
            )
            shutil.rmtree(work / f"queue-{n}", ignore_errors=True)
        if "queue_1_rate" in result and f"queue_{max(counts)}_rate" in result:
            result["scaling"] = round(
                result[f"queue_{max(counts)}_rate"] / result["queue_1_rate"], 2
            )
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--libraries", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", default="1,2,4", help="map worker processes to try")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = ap.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    result = run(args.records, args.libraries, args.seed, counts)
    print(result)
    if not args.no_write:
        from bench.report import record_row

        record_row(SECTION, machine(), result)


if __name__ == "__main__":
    main()
