"""OAI-PMH harvest benchmark: a full ListRecords harvest in marc21 of a generated consortium.

    python -m bench.harvest_bench --records 100000 [--libraries 12] [--page-size 500]

Generates and loads the consortium once (cached under bench/out/), serves the OPAC in its own
process (werkzeug, threaded, as `lantern serve`), then harvests every page over HTTP with one
keep-alive client, as EBSCO's harvester would. Reports records/s, total time and the server's
resident memory (at start and peak). Target: >= 5,000 records/s. Writes the row to
docs/benchmarks.md (section "OAI harvest").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.load_bench import ensure_loaded

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")

SERVE = """
import sys
from werkzeug.serving import WSGIRequestHandler, make_server
from indexer.settings import load_settings
from opac import create_app
settings = load_settings(environ={{}}, data_dir=sys.argv[1], libraries=sys.argv[2],
                         base_url="https://hub.example.nhs.uk")
app = create_app(settings=settings, test_config={{"OAI_PAGE_SIZE": int(sys.argv[3])}})
class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass
server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
"""


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory in MB; RssAnon leaves out the index files the kernel maps in (page cache
    that tantivy reads through mmap and that the kernel can drop)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def harvest(url: str, server_pid: int) -> dict:
    import requests

    session = requests.Session()
    params = {"verb": "ListRecords", "metadataPrefix": "marc21"}
    records = pages = size = 0
    peak = rss_mb(server_pid)
    peak_anon = rss_mb(server_pid, "RssAnon")
    started = time.perf_counter()
    while True:
        response = session.get(url, params=params, timeout=600)
        response.raise_for_status()
        body = response.content
        size += len(body)
        pages += 1
        records += body.count(b"<record><header")
        peak = max(peak, rss_mb(server_pid))
        peak_anon = max(peak_anon, rss_mb(server_pid, "RssAnon"))
        found = TOKEN.search(body)
        if not found:
            break
        params = {"verb": "ListRecords", "resumptionToken": found.group(1).decode()}
    seconds = time.perf_counter() - started
    return {
        "documents": records,
        "pages": pages,
        "seconds": seconds,
        "mb": size / 2**20,
        "server_peak_rss_mb": peak,
        "server_peak_anon_mb": peak_anon,
    }


def run(records: int, libraries: int, seed: int, page_size: int) -> dict:
    data, libraries_toml = ensure_loaded(records, libraries, seed)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(), str(data), str(libraries_toml), str(page_size)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}/oai"
        import requests

        requests.get(url, params={"verb": "Identify"}, timeout=60).raise_for_status()
        start_rss = rss_mb(server.pid)
        result = harvest(url, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "records": records,
        "libraries": libraries,
        "documents": result["documents"],
        "page_size": page_size,
        "pages": result["pages"],
        "harvest_seconds": round(result["seconds"], 1),
        "rate": round(result["documents"] / result["seconds"]),
        "mb": round(result["mb"], 1),
        "server_start_rss_mb": round(start_rss),
        "server_peak_rss_mb": round(result["server_peak_rss_mb"]),
        "server_peak_anon_mb": round(result["server_peak_anon_mb"]),
    }


def main() -> None:
    from bench.load_bench import machine

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--libraries", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--page-size", type=int, default=500)
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = ap.parse_args()
    result = run(args.records, args.libraries, args.seed, args.page_size)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        from bench.report import record_row

        record_row("OAI harvest", machine(), result)


if __name__ == "__main__":
    main()
