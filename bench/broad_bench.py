"""Broad searches: the catalogue's most frequent words, and words that never occur together.

    python -m bench.broad_bench                        # 100k generated records
    python -m bench.broad_bench --records 1000000      # the issue's figure (a quiet machine)
    python -m bench.broad_bench --data-dir DIR --libraries-file TOML

The narrow mix of bench.search_bench seldom matches much of the catalogue; readers' everyday
searches ("nursing", "care", "management") do. Classes, each found from the loaded catalogue
itself (a sample of its documents' titles, subjects and notes):
  word       the most frequent single words
  two words  the most frequent pairs of neighbouring words
  apart      words that are frequent but never occur together (the "any of the words" fallback)
  narrow     bench.search_bench's mix, for comparison
For each: p50/p95/p99 of SearchService.search with every facet and the facet cache off
(LANTERN_FACET_CACHE=0), the hits, the same with no facets, "Tantivy alone" (bench.tantivy_work:
the engine's own CPU), and each facet's share of the time (all facets minus all but that one).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace

from bench.report import record_row
from bench.search_bench import load, machine, percentile, query_mix

SECTION = "Broad searches"
STOP = frozenset(
    "a an and are as at be by for from in into is it its of on or the their this to with "
    "your you new edition includes index bibliographical references written book".split()
)
_WORD = re.compile(r"[a-z]{3,}")
TEXT_KEYS = ("title", "subtitle", "subjects", "subject", "notes", "summary", "contents")


def _texts(display: dict) -> list[str]:
    """The title, subject and note strings of a document's display record."""
    out = []
    for key, value in display.items():
        if not any(key.startswith(k) for k in TEXT_KEYS):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                out += [v for v in item.values() if isinstance(v, str)]
    return out


def sample_texts(service, documents: int = 3000) -> list[list[str]]:
    """Per sampled document, the word sequences of its titles, subjects and notes."""
    from opac.search.service import SearchParams

    out = []
    for page in range(1, documents // 100 + 1):
        request = service.request(SearchParams(q="", size=100), page, 100)
        request = replace(request, facets=(), highlight=False)
        for hit in service.engine.search(request).hits:
            out.append([_WORD.findall(t.lower()) for t in _texts(hit.display)])
    return out


def frequent(docs: list[list[list[str]]], count: int) -> tuple[Counter, list[str]]:
    """Sampled documents per word (every word), and the `count` neighbouring pairs found in
    the most of them."""
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for texts in docs:
        seen_words, seen_pairs = set(), set()
        for seq in texts:
            kept = [w for w in seq if w not in STOP]
            seen_words.update(kept)
            seen_pairs.update(f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a != b)
        words.update(seen_words)
        pairs.update(seen_pairs)
    return words, [p for p, _ in pairs.most_common(count)]


def apart(service, docs: list[list[list[str]]], words: Counter, count: int) -> list[str]:
    """Pairs of frequent words that no document has both of (the search falls back to any of
    the words): pairs never seen together in the sample, the most frequent first, each checked
    by searching the catalogue."""
    from opac.search.service import SearchParams

    common = [w for w, _ in words.most_common(300)]
    where: dict[str, int] = dict.fromkeys(common, 0)  # a bit per sampled document
    for i, texts in enumerate(docs):
        for word in {w for seq in texts for w in seq} & where.keys():
            where[word] |= 1 << i
    pairs = sorted(
        ((a, b) for i, a in enumerate(common) for b in common[i + 1 :] if not where[a] & where[b]),
        key=lambda ab: -min(words[ab[0]], words[ab[1]]),
    )
    found: list[str] = []
    used: Counter[str] = Counter()
    for first, second in pairs[: count * 40]:
        if used[first] >= 2 or used[second] >= 2:  # a variety of words, not one word's pairs
            continue
        used.update((first, second))
        out = service.search(SearchParams(q=f"{first} {second}", size=1, facets=()))
        if out["relaxed"]:
            found.append(f"{first} {second}")
            if len(found) == count:
                break
    return found


def classes(service, per_class: int) -> dict[str, list[str]]:
    docs = sample_texts(service)
    words, pairs = frequent(docs, per_class)
    narrow = [q["q"] for q in query_mix(service, per_class, seed=11) if "filter" not in q]
    return {
        "word": [w for w, _ in words.most_common(per_class)],
        "two words": pairs,
        "apart": apart(service, docs, words, per_class),
        "narrow": narrow,
    }


def timed(service, q: str, facets: tuple[str, ...]) -> tuple[float, int]:
    from opac.search.service import SearchParams

    started = time.perf_counter()
    out = service.search(SearchParams(q=q, facets=facets))
    return (time.perf_counter() - started) * 1000, out["total"]


def tantivy_ms(service, q: str) -> float:
    from bench.search_bench import params_of
    from bench.tantivy_work import tantivy_work

    params = params_of({"q": q})
    seconds, _ = tantivy_work(service.engine, service.request(params, 1, params.size))
    return seconds * 1000


def measure_class(service, queries: list[str], facets: tuple[str, ...]) -> dict:
    """Times for one class: every facet, none, Tantivy alone, and each facet's share."""
    every, hits = zip(*(timed(service, q, facets) for q in queries), strict=True)
    bare = [timed(service, q, ())[0] for q in queries]
    alone = [tantivy_ms(service, q) for q in queries]
    result = {
        "queries": len(queries),
        "hits_p50": percentile(list(hits), 50),
        "hits_max": max(hits),
        "p50": percentile(list(every), 50),
        "p95": percentile(list(every), 95),
        "p99": percentile(list(every), 99),
        "no_facets_p50": percentile(bare, 50),
        "tantivy_p50": percentile(alone, 50),
        "tantivy_p95": percentile(alone, 95),
    }
    return result | facet_shares(service, queries, facets, statistics.median(every))


def fallback_ratio(service, queries: list[str], facets: tuple[str, ...]) -> dict:
    """Each 'apart' search's time over its broadest word's searched alone (the target: at most
    1.5), medians of three runs each."""
    ratios = []
    for q in queries:
        both = statistics.median(timed(service, q, facets)[0] for _ in range(3))
        words = [(timed(service, w, facets), w) for w in q.split()]
        broadest = max(words, key=lambda found: found[0][1])[1]  # the word with most hits
        alone = statistics.median(timed(service, broadest, facets)[0] for _ in range(3))
        ratios.append(both / alone)
    return {"ratio_p50": percentile(ratios, 50), "ratio_max": max(ratios)}


def facet_shares(service, queries: list[str], facets: tuple[str, ...], median_all: float) -> dict:
    """Each facet's share of the time: (every facet - every facet but it) / every facet, and
    the ms it adds counted alone (only it - none), medians over the class's searches."""
    median_none = statistics.median(timed(service, q, ())[0] for q in queries)
    shares, alone = {}, {}
    for name in facets:
        others = tuple(f for f in facets if f != name)
        without = statistics.median(timed(service, q, others)[0] for q in queries)
        shares[name] = max(0.0, (median_all - without) / median_all) if median_all else 0.0
        only = statistics.median(timed(service, q, (name,))[0] for q in queries)
        alone[name] = max(0.0, only - median_none)
    by_share = sorted(facets, key=lambda n: -shares[n])
    return {
        "facet_shares": " ".join(f"{n} {shares[n]:.0%}" for n in by_share),
        "facet_alone_ms": " ".join(
            f"{n} {alone[n]:.0f}" for n in sorted(facets, key=alone.get)[::-1]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=12)
    parser.add_argument("--per-class", type=int, default=12, help="searches per class")
    parser.add_argument("--data-dir", help="Use this loaded data directory (read-only)")
    parser.add_argument("--libraries-file", help="Its libraries file (with --data-dir)")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    parser.add_argument("--code", help="label of the code measured (a row of its own)")
    args = parser.parse_args(argv)
    from opac.search.facets import FACETS
    from opac.search.service import open_search_service

    settings = load(args.records, args.libraries, args.data_dir, args.libraries_file, 0)
    service = open_search_service(settings)
    documents = service.engine.count()
    chosen = classes(service, args.per_class)
    facets = tuple(FACETS)
    for name, queries in chosen.items():
        print(f"{name}: {queries}")
        if not queries:
            continue
        for q in queries[:3]:  # warm the page cache with the class's first searches
            timed(service, q, facets)
        result = {
            "records": args.records,
            "documents": documents,
            "class": name,
            **measure_class(service, queries, facets),
            **(fallback_ratio(service, queries, facets) if name == "apart" else {}),
            "code": args.code,
        }
        print({k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()})
        if not args.no_record:
            record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
