"""The most asked searches after a commit, answered ahead of readers (opac/search/warming.py).

    python -m bench.warm_bench                         # 100k generated records
    python -m bench.warm_bench --records 1000000       # the issue's figure (a quiet machine)

A search log of `--searches` distinct searches is written into the data directory's
searchlog.sqlite (readers' searches as a library's log holds them: the catalogue's most
frequent words, pairs of words, and search_bench's narrow mix, asked in a Zipf curve, the
first most). Then, with the facet cache off (LANTERN_FACET_CACHE=0, so only the answers kept
ahead count): every logged search timed cold; a commit (nothing changed, a new version all the
same); the warming, timed (the seconds each commit costs one process); every logged search
timed again. Times of SearchService.search, one search at a time.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from dataclasses import replace

from bench.broad_bench import frequent, sample_texts
from bench.report import record_row
from bench.search_bench import load, machine, percentile, query_mix

SECTION = "Warming"


def logged_searches(service, count: int) -> list[str]:
    """`count` distinct searches: a third frequent words, a third pairs, the rest narrow."""
    words, pairs = frequent(sample_texts(service), count)
    narrow = [q["q"] for q in query_mix(service, count, seed=5) if "filter" not in q]
    picked = [w for w, _ in words.most_common(count // 3)] + pairs[: count // 3] + narrow
    return list(dict.fromkeys(q for q in picked if q.strip()))[:count]


def write_log(settings, searches: list[str]) -> int:
    """The searches into the search log, the n-th asked about 1000/n times (Zipf)."""
    from indexer.searchlog.store import LoggedSearch, connect, write

    now = datetime.datetime.now(datetime.UTC)
    rows = [
        LoggedSearch(now, q, "", (), 1, "", False, 10.0, "page")
        for rank, q in enumerate(searches, 1)
        for _ in range(max(1, 1000 // rank))
    ]
    conn = connect(settings.search_log_path)
    try:
        conn.execute("DELETE FROM searches")
        written = write(conn, rows)
        conn.commit()
    finally:
        conn.close()
    return written


def timed(service, searches: list[str]) -> list[float]:
    from opac.search.service import SearchParams

    out = []
    for q in searches:
        started = time.perf_counter()
        service.search(SearchParams(q=q))
        out.append((time.perf_counter() - started) * 1000)
    return out


def commit_nothing(settings) -> None:
    """A commit that changes no document: a new index version all the same."""
    from indexer.engine.tantivy.engine import TantivyEngine

    with TantivyEngine(settings.index_dir, writer=True, heap_size=50_000_000, threads=1) as w:
        w.delete(["no-such-document"])
        w.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=12)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--data-dir", help="Use this loaded data directory")
    parser.add_argument("--libraries-file", help="Its libraries file (with --data-dir)")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    from opac.search.service import open_search_service
    from opac.search.warming import warm_now

    settings = load(args.records, args.libraries, args.data_dir, args.libraries_file, 0)
    settings = replace(settings, warm_searches=args.searches)
    service = open_search_service(settings)
    searches = logged_searches(service, args.searches)
    write_log(settings, searches)
    commit_nothing(settings)
    cold = timed(service, searches)
    commit_nothing(settings)
    warming = warm_now(service, settings)
    if warming is None:
        print("nothing was answered ahead (warming off, or another process holds the lock)")
        return 1
    kept, seconds = warming
    warm = timed(service, searches)
    result = {
        "records": args.records,
        "documents": service.engine.count(),
        "searches": len(searches),
        "kept": kept,
        "warming_s": seconds,
        "cold_p50": percentile(cold, 50),
        "cold_p95": percentile(cold, 95),
        "warm_p50": percentile(warm, 50),
        "warm_p95": percentile(warm, 95),
        "warm_p99": percentile(warm, 99),
    }
    print({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})
    if not args.no_record:
        record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
