"""Search latency: the JSON search endpoint over HTTP beside the raw engine, same queries.

    python -m bench.search_bench                     # 100k records (quick)
    python -m bench.search_bench --records 1000000   # the real figure
    python -m bench.search_bench --data-dir DIR --libraries-file TOML   # a catalogue loaded already
    python -m bench.search_bench --search-log off    # the server keeps no search log (compare)

Generates (once) and loads a sample consortium with lantern.sample, then runs a realistic mix
of queries (one word, several words, a phrase, fielded, ISBN, with facets selected), every one
counting all the OPAC's facets, through:
  engine   SearchService.request() -> engine.search() in this process (no HTTP, no JSON)
  api 1    GET /api/v1/search, one client, keep-alive
  api 16   the same with 16 concurrent clients (requests/s and latency under load)
The server is the OPAC's production server (opac/server.py: gunicorn, one worker process per
core; `--server werkzeug` for the threaded development server) in its own process. Results go
to docs/benchmarks.md through bench/report.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.report import record_row

SECTION = "Search latency"
OUT = Path(__file__).resolve().parent / "out"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def load(
    records: int,
    libraries: int,
    data_dir: str | None = None,
    libraries_toml: str | None = None,
    facet_cache: int = 0,
):
    """The generated consortium, loaded once and shared with the other benchmarks (or a data
    directory loaded already, opened read-only)."""
    from indexer.settings import load_settings

    if data_dir is None:
        from bench.load_bench import ensure_loaded

        data_dir, libraries_toml = ensure_loaded(records, libraries, 1)
    # Nothing answered ahead (bench.warm_bench measures that): every search is searched.
    return load_settings(
        environ={},
        data_dir=data_dir,
        libraries=libraries_toml,
        facet_cache=facet_cache,
        warm_searches=0,
    )


def query_mix(service, count: int, seed: int = 7, avoid: frozenset = frozenset()) -> list[dict]:
    """Query-string dicts built from records in the index, so every kind finds something.
    A query in `avoid` (asked in an earlier phase: the engine keeps facet counts per index
    version, so asking it again would be answered from them) is drawn again."""
    from opac.search.service import SearchParams

    rng = random.Random(seed)
    sample = service.search(SearchParams(q="", size=100, page=rng.randint(1, 5)))["results"]
    sample += service.search(SearchParams(q="", size=100, sort="title"))["results"]
    for _ in range(count // 100):  # enough records that a search seldom comes twice
        sample += service.search(SearchParams(q="", size=100, page=rng.randint(6, 100)))["results"]
    words = [w for r in sample for w in r["title"].lower().split() if len(w) > 4 and w.isalpha()]
    libraries = list(service.consortium.libraries)
    out: list[dict] = []
    kinds = ["word", "words", "phrase", "title", "author", "isbn", "facets"]
    for i in range(count):
        for attempt in range(50):
            q = _one_query(
                rng, kinds[i % len(kinds)] if attempt < 49 else "words", sample, words, libraries
            )
            if query_key(q) not in avoid:
                break
        out.append(q)
    return out


def query_key(query: dict) -> str:
    return repr({k: v for k, v in query.items() if k != "kind"})


def _keys(queries: list[dict]) -> frozenset:
    return frozenset(query_key(q) for q in queries)


def _one_query(rng, kind: str, sample: list, words: list, libraries: list) -> dict:
    r = rng.choice(sample)
    if kind == "word":
        q = {"q": rng.choice(words)}
    elif kind == "words":
        q = {"q": " ".join(rng.sample(words, 2))}
    elif kind == "phrase":
        q = {"q": '"' + " ".join(r["title"].split()[:2]) + '"'}
    elif kind == "title":
        q = {"q": r["title"]}
    elif kind == "author":
        q = {"q": f"author:{(r['authors'] or ['smith'])[0].split(',')[0]}"}
    elif kind == "isbn":
        q = {"q": (r["isbn"] or ["9780000000002"])[0]}
    else:
        q = {"q": rng.choice(words), "filter": [f"library:{rng.choice(libraries)}", "format:Book"]}
    return {**q, "kind": kind}


def params_of(query: dict):
    from werkzeug.datastructures import MultiDict

    from opac.search.params import parse_search_args

    args = MultiDict(
        [
            (k, v)
            for k, vs in query.items()
            if k != "kind"
            for v in (vs if isinstance(vs, list) else [vs])
        ]
    )
    return parse_search_args(args)


def time_engine(service, queries: list[dict]) -> list[float]:
    times = []
    for query in queries:
        params = params_of(query)
        request = service.request(params, 1, params.size)
        started = time.perf_counter()
        service.engine.search(request)
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_tantivy(service, queries: list[dict]) -> list[float] | None:
    """CPU ms per search of the Tantivy calls alone (for every attempt the search makes,
    ranking the page, loading its documents and counting every facet pass; no Python of ours,
    no highlighting, no HTTP, no JSON): what the engine itself costs, so `cores * 1000 / mean`
    is the most searches a second this machine could answer."""
    if service.engine.name != "tantivy":
        return None
    from bench.tantivy_work import tantivy_work

    cpu = []
    for query in queries:
        params = params_of(query)
        seconds, _ = tantivy_work(service.engine, service.request(params, 1, params.size))
        cpu.append(seconds * 1000)
    return cpu


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU so far of a process and all its descendants (the server's workers)."""
    from bench.load_bench import tree_sample

    seen: dict[int, float] = {}
    tree_sample(pid, seen)
    return sum(seen.values())


def _path(query: dict) -> str:
    pairs = [
        (k, v)
        for k, vs in query.items()
        if k != "kind"
        for v in (vs if isinstance(vs, list) else [vs])
    ]
    return "/api/v1/search?" + urlencode(pairs)


def _client(port: int, paths: list[str], times: list[float]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        times.append((time.perf_counter() - started) * 1000)
    conn.close()


def time_http(port: int, queries: list[dict], clients: int) -> tuple[list[float], float]:
    paths = [_path(q) for q in queries]
    shares = [paths[i::clients] for i in range(clients)]
    times: list[float] = []
    threads = [threading.Thread(target=_client, args=(port, share, times)) for share in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, len(times) / (time.perf_counter() - started)


def machine_yardstick(records: int = 6000) -> float:
    """pymarc's parse-only CPU µs per record over freshly generated records (the load table's
    yardstick): rows measured on a faster or slower day of the machine can be compared."""
    import tempfile

    from bench.load_bench import PYMARC_PARSE, child
    from lantern.sample.generate import generate_consortium

    with tempfile.TemporaryDirectory() as tmp:
        generated = generate_consortium(Path(tmp), records=records, libraries=12, seed=3, workers=1)
        parsed = child(PYMARC_PARSE.format(files=[str(p) for p in generated.files.values()]))
    return parsed["parse_cpu_seconds"] / parsed["records"] * 1e6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    settings,
    port: int,
    server: str = "gunicorn",
    workers: int | None = None,
    search_log: bool = True,
) -> subprocess.Popen:
    env = {
        **os.environ,
        "LANTERN_LIBRARIES": str(settings.libraries),
        "LANTERN_FACET_CACHE": str(settings.facet_cache),
        "LANTERN_WARM_SEARCHES": str(settings.warm_searches),
        # on: the default retention, as a deployment runs; off: 0 days, nothing logged
        "LANTERN_SEARCH_LOG_DAYS": str(settings.search_log_days) if search_log else "0",
    }
    command = [
        sys.executable,
        "-m",
        "opac.server",
        "--data-dir",
        str(settings.data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--server",
        server,
    ]
    if workers:
        command += ["--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            # Up and answering: each worker opened the index as it started.
            _client(port, ["/api/v1/search?q=&size=1"] * 2 * (workers or 4), [])
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the OPAC server did not start")


def search_log_entries(settings) -> int:
    """Searches in the data directory's search log (to show the server did log, or did not)."""
    from indexer.searchlog.store import count

    return count(settings.search_log_path)


def summary(times: list[float]) -> dict:
    return {
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "mean": statistics.fmean(times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records",
        type=int,
        default=100_000,
        help="Records to generate and load (with --data-dir: how many it holds)",
    )
    parser.add_argument("--libraries", type=int, default=12)
    parser.add_argument("--queries", type=int, default=700)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--data-dir", help="Use this loaded data directory (read-only)")
    parser.add_argument("--libraries-file", help="Its libraries file (with --data-dir)")
    parser.add_argument("--server", choices=["gunicorn", "werkzeug"], default="gunicorn")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn worker processes (default: opac.server's)",
    )
    parser.add_argument(
        "--facet-cache",
        type=int,
        default=0,
        help="LANTERN_FACET_CACHE for the engine and the server (default 0: "
        "every search counts its facets; the generated titles repeat "
        "more than readers' searches do)",
    )
    parser.add_argument(
        "--search-log",
        choices=["on", "off"],
        default="on",
        help="The server logs every search (LANTERN_SEARCH_LOG_DAYS as set, default 90; "
        "into DATA_DIR/searchlog.sqlite) or not (0): run both to measure what logging costs",
    )
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    parser.add_argument(
        "--code",
        help="label of the code measured (a row of its own, e.g. to "
        "compare a change with the commit before it)",
    )
    args = parser.parse_args(argv)

    from opac.search.service import open_search_service
    from opac.server import default_workers

    settings = load(
        args.records, args.libraries, args.data_dir, args.libraries_file, args.facet_cache
    )
    service = open_search_service(settings)
    # Three sets of searches, none asked in an earlier set: one warms the page cache, one is
    # timed in the engine and then through the API (the server's processes have not seen it),
    # one loads the server. Within a set a search can come twice, as in a catalogue's logs.
    warm = query_mix(service, 50, seed=1)
    queries = query_mix(service, args.queries, seed=7, avoid=_keys(warm))
    busy_queries = query_mix(service, args.queries, seed=8, avoid=_keys(warm + queries))
    time_engine(service, warm)
    engine_ms = time_engine(service, queries)
    port = free_port()
    logged_before = search_log_entries(settings)
    server = start_server(settings, port, args.server, args.workers, args.search_log == "on")
    try:
        time_http(port, warm, 1)
        single, _ = time_http(port, queries, 1)
        cpu_before = tree_cpu_seconds(server.pid)
        loaded, rate = time_http(port, busy_queries, args.clients)
        cpu_after = tree_cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    logged = search_log_entries(settings) - logged_before  # each worker writes at its exit
    server_cpu = (cpu_after - cpu_before) * 1000 / len(loaded)
    # The 16 clients' searches once more, in Tantivy alone (no kept counts: it counts them all).
    tantivy_cpu = time_tantivy(service, busy_queries)
    cores = os.cpu_count() or 1
    engine, api, busy = summary(engine_ms), summary(single), summary(loaded)
    result = {
        "records": args.records,
        "documents": service.engine.count(),
        "queries": len(queries),
        "facet_cache": args.facet_cache,
        "engine_p50": engine["p50"],
        "engine_p95": engine["p95"],
        "engine_p99": engine["p99"],
        "api_p50": api["p50"],
        "api_p95": api["p95"],
        "api_p99": api["p99"],
        "overhead": api["p50"] / engine["p50"] if engine["p50"] else 0.0,
        "server_workers": (args.workers or default_workers()) if args.server == "gunicorn" else 1,
        "clients": args.clients,
        "rps": rate,
        "busy_p50": busy["p50"],
        "busy_p95": busy["p95"],
        "busy_p99": busy["p99"],
        "server_cpu_ms": server_cpu,
        "tantivy_cpu_ms": statistics.fmean(tantivy_cpu) if tantivy_cpu else None,
        "tantivy_ceiling_rps": (
            cores * 1000 / statistics.fmean(tantivy_cpu) if tantivy_cpu else None
        ),
        "pymarc_cpu_us": machine_yardstick(),
        "search_log": args.search_log,
        "search_log_entries": logged,
        "code": args.code,
    }
    by_kind: dict[str, list[float]] = {}
    for query, ms in zip(queries, engine_ms, strict=True):
        by_kind.setdefault(query["kind"], []).append(ms)
    print(json.dumps(result, indent=1))
    print(
        "different searches:",
        {name: len(_keys(qs)) for name, qs in (("timed", queries), ("busy", busy_queries))},
    )
    print(
        "engine p50 by kind (ms):",
        {k: round(percentile(v, 50), 2) for k, v in sorted(by_kind.items())},
    )
    if not args.no_record:
        record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
