"""Live availability on a results page: what the member systems cost a reader and what a page
costs them.

    python -m bench.live_bench

The demo consortium (6 libraries); results pages of 20 titles each held by 5 libraries or more;
each library's system played by a real HTTP server on a real socket (tests/availability/
systems.py, a Koha-style ilsdi.pl): two answer in 50 ms, two in 500 ms, one never (a dead
system), one names no system. Over HTTP (werkzeug, threaded), one client:
  first byte   the results page's time to first byte, with the systems named and without
  complete     the time until the page's live statuses are all in (its one /availability/now)
  per page     the requests one page makes of each system (its cache empty)
Then 16 clients for 20 s over the same pages (answers shared for each library's ttl): the
cache's hit rate, and how often the dead system was asked (its breaker: 3 failures, then not
asked for 30 s; a page must not cost it one timeout each).
Targets (issue 19): first byte unchanged within noise; complete within the slowest healthy
system's answer + 100 ms; a dead system one timeout per breaker period, not one per page.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.report import record_row
from bench.search_bench import machine, percentile

SECTION = "Live availability"
DELAYS = (0.05, 0.05, 0.5, 0.5, None)  # None: never answers


def pages_of_shared_titles(service, count: int) -> list[list[str]]:
    """`count` pages of 20 document ids, each title held by 5 libraries or more."""
    shared = [
        doc["id"]
        for doc in service.engine.scan(None, 100_000)
        if len({h["library"] for h in doc.get("holdings") or []}) >= 5
    ]
    return [shared[i : i + 20] for i in range(0, 20 * count, 20) if len(shared[i : i + 20]) == 20]


def healthy_complete(url: str, dead: str) -> float:
    """Seconds until every library but `dead` has sent its line of /availability/now."""
    started = time.perf_counter()
    last = 0.0
    with urllib.request.urlopen(url, timeout=30) as response:
        for raw in response:
            if raw.strip() and json.loads(raw)["library"] != dead:
                last = time.perf_counter() - started
    return last


def timed_get(url: str) -> tuple[float, float]:
    """(seconds to the first byte, seconds to the last)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read(1)
        first = time.perf_counter() - started
        response.read()
    return first, time.perf_counter() - started


def serve(app) -> tuple[str, object]:
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}", httpd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=75.0, help="the 16 clients' run")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from indexer.settings import load_settings
    from lantern.demo import load_demo
    from opac import create_app
    from tests.availability.systems import System

    data = Path(tempfile.mkdtemp(prefix="lantern-live-bench-"))
    settings = load_settings(environ={}, data_dir=data / "inst")
    settings = load_demo(settings, records=args.records, libraries=6, log=lambda *a: None)
    plain = create_app(settings=settings)
    pages = pages_of_shared_titles(plain.extensions["lantern"], args.pages)
    codes = list(plain.extensions["lantern"].consortium.libraries)[: len(DELAYS)]
    modes = ["hang" if d is None else "slow" for d in DELAYS]
    systems = {code: System(mode) for code, mode in zip(codes, modes, strict=True)}
    for system, delay in zip(systems.values(), DELAYS, strict=True):
        system.delay = delay or 0
    text = settings.libraries.read_text()
    for code, system in systems.items():  # each library's table goes inside its own entry
        start = text.index(f'code = "{code}"')
        end = text.find("[[library]]", start)
        table = f'[library.availability]\nkind = "koha-ilsdi"\nurl = "{system.url}"\n\n'
        text = text + "\n" + table if end < 0 else text[:end] + table + text[end:]
    live_libraries = data / "libraries-live.toml"
    live_libraries.write_text(text)
    live = create_app(settings=dataclasses.replace(settings, libraries=live_libraries))
    base_plain, plain_server = serve(plain)
    base_live, live_server = serve(live)
    result = measure(args, pages, systems, base_plain, base_live)
    plain_server.shutdown()
    live_server.shutdown()
    for system in systems.values():
        system.close()
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()})
    if not args.no_record:
        record_row(SECTION, machine(), result)
    return 0


def measure(args, pages, systems, base_plain, base_live) -> dict:
    first_plain, first_live, complete, per_page = [], [], [], []
    dead = next(code for code, d in zip(systems, DELAYS, strict=True) if d is None)
    for n, ids in enumerate(pages):
        query = "&".join(f"id={i}" for i in ids)
        for _ in range(2):  # alternating, so the two first-byte figures see the same machine
            first_plain.append(timed_get(f"{base_plain}/search?q=&page={n + 1}")[0])
            first_live.append(timed_get(f"{base_live}/search?q=&page={n + 1}")[0])
        asked = {code: len(s.requests) for code, s in systems.items()}
        complete.append(healthy_complete(f"{base_live}/availability/now?{query}", dead))
        per_page.append(max(len(s.requests) - asked[c] for c, s in systems.items()))
    healthy_slowest = max(d for d in DELAYS if d is not None)
    dead_before = len(systems[dead].requests)
    asked_before = sum(len(s.requests) for s in systems.values())
    served = [0]
    stop = time.monotonic() + args.seconds

    def client(k: int) -> None:
        while time.monotonic() < stop:
            ids = pages[(k + served[0]) % len(pages)]
            timed_get(f"{base_live}/availability/now?" + "&".join(f"id={i}" for i in ids))
            served[0] += 1

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(client, range(16)))
    asked = sum(len(s.requests) for s in systems.values()) - asked_before
    wanted = served[0] * len(systems)  # each page wants every system once
    return {
        "records": args.records,
        "pages": len(pages),
        "first_byte_plain_p50_ms": 1000 * statistics.median(first_plain),
        "first_byte_live_p50_ms": 1000 * statistics.median(first_live),
        "complete_p50_ms": 1000 * percentile(complete, 50),
        "complete_p95_ms": 1000 * percentile(complete, 95),
        "target_ms": 1000 * (healthy_slowest + 0.1),
        "requests_per_page": max(per_page),
        "clients_pages": served[0],
        "cache_hit_rate": 1 - asked / wanted if wanted else 0.0,
        "dead_asked": len(systems[dead].requests) - dead_before,
        "seconds": args.seconds,
    }


if __name__ == "__main__":
    sys.exit(main())
