"""Keeps docs/benchmarks.md: every benchmark stores its latest result per size in
docs/benchmarks.json, and the Markdown page is rendered from that file."""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "benchmarks.json"
PAGE = ROOT / "docs" / "benchmarks.md"

PEERS = {
    "Broad searches": (
        "`python -m bench.broad_bench --records N`: searches found from the loaded catalogue "
        "itself (3,000 of its documents' titles, subjects and notes): 'word' = its most frequent "
        "words, 'two words' = its most frequent pairs of neighbouring words, 'apart' = two "
        "frequent words no document has both of (the 'any of the words' fallback), 'narrow' = "
        "search_bench's mix. Times of SearchService.search (one page of 20, every facet, facet "
        "cache off: LANTERN_FACET_CACHE=0), one search at a time; 'no facets' = the same asking "
        "for none; 'Tantivy alone' = bench.tantivy_work, the engine's own CPU for every attempt "
        "(ranking, documents, every counting pass). A facet's share = (median with every facet "
        "- median with every facet but that one) / median with every facet; 'counted alone' = "
        "median with only that facet - median with none (less noisy on a busy machine). "
        "Targets (issue 18, 1M records): broad one-word p95 <= 150 ms; the fallback at most "
        "1.5x its broadest word. The 100k rows were measured on a quiet machine; the shares "
        "'without each facet' overlap (the counting passes run on threads beside the search), "
        "so 'counted alone' is the figure to read. Rows without a code: the 1M catalogue of "
        "12 libraries (602,487 documents) before issue 18's counting; 'before-18, same "
        "catalogue' and 'issue-18': the code before and after it on one catalogue of 30 "
        "libraries (601,936 documents), measured one after the other. Since issue 18 a search "
        "counts its facets with many values on threads of their own, so 'Tantivy alone' (CPU "
        "summed over the threads) can exceed the search's own time on two cores."
    ),
    "MeSH explode": (
        "`python -m bench.mesh_bench --records N [--vocabulary real|dense]`: the generated "
        "catalogue's MeSH headings made into a vocabulary in which three of them each have 500 "
        "narrower descriptors (25 children, 19 grandchildren each); 'real': each narrower "
        "descriptor is one of the catalogue's headings with the chance a MeSH descriptor is "
        "(distinct headings / 30,956), 'dense': all 500 are (a third of the generator's "
        'headings: the worst case). Times of SearchService.search for mesh:"X" and '
        'mesh:"X"+ (one page of 20, every facet, facet cache off), 20 rounds of each root, '
        "alternating; 'hits' = titles found unexploded/exploded for each root. Target (issue "
        "20, 1M records): exploded p95 at most 2x unexploded."
    ),
    "Shelf and A to Z browse": (
        "`python -m bench.shelf_bench --records N`: pages asked from random starting points "
        "(a random class mark of a random library, or of the consortium's shelf; the next page "
        "from there; two random letters for names) through the OPAC's browse service "
        "(opac.search.browse: the engine's terms and the titles' records, no HTML), one at a "
        "time, and the shelf page through the Flask app (HTML). CPU = the benchmark process's "
        "own CPU per page; load = the machine's load average during the run. Target (issue 20, "
        "1M records): a shelf-browse page under 50 ms p95. Design: docs/browse.md."
    ),
    "Item-status deltas (lantern load --items)": (
        "`python -m bench.items_bench --records N --libraries 30`: 1% of each library's records "
        "(the share bench.union_bench reloads) get every copy's status flipped, applied as one "
        "`lantern load --library CODE --items FILE` per library (indexer/catalogue/items.py: "
        "an availability-only update, no re-merging); then one returned book. Target (issue "
        "19): a 1% delta at 1M records in at most 15 s (a plain `lantern load` of the same "
        "share: 128.5 s, 2026-11-29), one returned book in under a second, search index and "
        "feed datestamps both updated. The table below: each library's first file, which also "
        "builds the library's item table."
    ),
    "Live availability": (
        "`python -m bench.live_bench`: the demo consortium (6 libraries); results pages of 20 "
        "titles each held by 5 libraries or more; five libraries' systems played by real HTTP "
        "servers (tests/availability/systems.py, Koha-style ilsdi.pl): two answer in 50 ms, two "
        "in 500 ms, one never; the sixth names no system. 'First byte': the results page "
        "(werkzeug, threaded, one client) with and without the systems named (the page never "
        "asks them). 'Live statuses in': until every library but the dead one has sent its "
        "line of /availability/now (one request per page, its lines streamed as each system "
        "answers). 'Requests per page per system': with the cache empty. Then 16 clients over "
        "the same pages for 'seconds': the cache's hit rate (answers shared for each library's "
        "ttl, 60 s) and how often the dead system was asked (its breaker: 3 failures in a row, "
        "then not asked for 30 s). Targets (issue 19): first byte unchanged within noise; live "
        "statuses in within the slowest healthy system's answer + 100 ms; a dead system one "
        "timeout per breaker period, not one per page."
    ),
    "Warming": (
        "`python -m bench.warm_bench --records N`: a search log of 1,000 distinct searches "
        "(the catalogue's most frequent words, pairs of words and search_bench's narrow mix, "
        "asked in a Zipf curve) in the data directory; every logged search timed through "
        "SearchService.search with the facet cache off, after a commit and before the most "
        "asked searches are answered ahead ('not warmed'), then after a second commit and the "
        "warming ('warmed'). 'Warming s per commit': opac/search/warming.py's warm_now, one "
        "OPAC process answering the blank search and the 999 most asked (the others wait for "
        "nothing: readers are served from the new version meanwhile). Target (issue 18, 1M "
        "records): the 1,000 most frequent searches at p95 <= 20 ms after each commit."
    ),
    "Facet counting floor": (
        "`python -m bench.facet_floor`: one facet counted over every document of the loaded "
        "catalogue. 'As a search counts it' = FacetCounter.count (before issue 18: Tantivy's "
        "terms aggregation with segment_size 10,000, then, because segments cut the lists "
        "short, the recount keeping every value; since: indexer/engine/tantivy/topvalues.py, "
        "short lists and a recount of only the values that could still reach the top); "
        "'segments' top 30 only' = the aggregation asking each segment for "
        "its 30 most frequent values (not exact over several segments; what one segment, whose "
        "counts are final, would cost); 'floor' = one pass over the same documents' value ordinals "
        "(read from the index) into a flat counts array plus a top-30 selection, numpy's "
        "bincount and argpartition on one core. 'floor:' = the same over the catalogue "
        "repeated to 500,000 documents, each copy with fresh ordinals (so as many more "
        "distinct values: the dearer case). numpy is no dependency of Lantern: the floor "
        "runs in a Python that has it. Tantivy (tantivy-py) reports one error bound for the "
        "whole aggregation, none per value, so a count it returns cannot be proved exact when "
        "the bound is not 0: hence the recount."
    ),
    "Catalogue cardinality": (
        "`python -m bench.cardinality --records N`: subject strings (every 6XX heading with its "
        "subdivisions, MeSH and LCSH, as the two subject facets hold them), authors (1XX/7XX "
        "names) and series (490/8XX) of each record mapped by schemas/marc21.toml. 'distinct' = "
        "distinct values per record; 'values' = values per record; 'once' = share of the "
        "distinct values found in one record only; 'top' = share of records carrying the most "
        "frequent value; 'curve' = distinct per record over the first 1k, 2k, 4k, 8k records "
        "(the real records shuffled). Real: every distinct bibliographic record in "
        "../shared/data/marc read with pymarc (a mix of many libraries' test sets, not one "
        "health consortium). Generated: one record per title (shared titles merge into one "
        "document, so per record is per document); 'rate' is the generator's records/s on one "
        "core. Before the long tail (lantern/sample/longtail.py, 2026-12-07), 10,000 generated "
        "titles gave 0.10 distinct subjects, 0.44 authors and 0.06 series per record (curve "
        "for subjects 0.65 0.43 0.25 0.13), 2.61 subjects per record, 0.1% of subjects used once."
    ),
    "Big match blocks": (
        "`python -m bench.block_bench`: N authorless 'Annual report' records of one year (one "
        "title key, so one block of candidates; page counts differ) loaded as one library, "
        "then 200 more from a second library into the same catalogue. Before 2026-11-29 the "
        "clustering compared every pair of a block and every member of two clusters: 68.1 s "
        "for the first load of 5,000 and 75.5 s for the second (measured with the same "
        "records through `lantern load`), growing with the square of the block."
    ),
    "OAI harvest": (
        "Full ListRecords harvest in marc21 (852 holdings, 856 links) over HTTP with one "
        "keep-alive client, server = werkzeug threaded (one process). Target: >= 5,000 "
        "records/s, so a 1M-record region harvests in minutes. Koha serves 50 records a page "
        "by default (OAI-PMH:MaxCount); validators ask for at least 100."
    ),
    "Deduplication precision and recall": (
        "Targets: precision >= 0.995, recall >= 0.97. The pool holds every bibliographic record in "
        "../shared/data/marc as distractors plus generated variants of sampled records (other "
        "library's cataloguing: new 001, ISBN-10/13, punctuation, subtitle, local fields) and "
        "negatives (other editions, other volumes, same title by another author, e-book of "
        "a print)."
    ),
    "Search latency": (
        "JSON search endpoint (HTTP, `lantern serve`: gunicorn with the column's worker "
        "processes, blank = 2; every facet counted) beside the raw engine for the same "
        "requests; times in ms. `python -m bench.search_bench --records N`: 700 searches timed "
        "in the engine and then through the API, 700 others for 16 clients, none asked in an "
        "earlier phase. Facet counts kept: LANTERN_FACET_CACHE (0 or blank: every search "
        "counted its facets; with a cache, the repeats within the generated mix, about half of "
        "it, reuse their counts). Targets at 1M records on 2 cores: p50 <= 10 ms and p95 <= 40 "
        "ms single client, >= 200 req/s with 16 clients at p95 <= 150 ms, OPAC overhead <= 1.5x"
        " the engine. Published peers: FOLIO about 336 ms average at 7M records; Stanford "
        "SearchWorks about 1.5 s; an uncached Elasticsearch terms facet about 285 ms (p50). "
        "'Tantivy alone' runs the 16 clients' searches again as bare Tantivy calls (for every "
        "attempt a search makes: ranking the page, loading its documents, the terms "
        "aggregations of each counting pass and their recount where segments cut the lists "
        "short; no query building, no highlighting, no HTTP, no kept counts) and times their "
        "CPU: the number of cores divided by it is the most searches a second the engine "
        "itself could answer on this machine, whatever the OPAC around it did. 'Machine "
        "speed' is pymarc's parse-only CPU per record over 6,000 generated records of 12 "
        "libraries, measured in the same run (the load table's yardstick): this machine's "
        "speed varies from day to day, and rows of different days compare only beside it. "
        "'Search log': the server logs every search (the default) or, in the rows marked off, "
        "keeps no log (`--search-log off`); the issue's bar is at most 3% fewer req/s with it."
    ),
    "Queued load throughput": (
        "`python -m bench.queue_bench`: the same generated files through Redis and Celery, "
        "one write worker (--pool solo) and one map worker with 1, 2 or 4 processes, on the same "
        "2-core machine as Redis; records/s from `lantern load --queue --each ...` until every "
        "load is indexed and committed; in-process = the one-run load of bench.load_bench. "
        "'Flush every': LANTERN_QUEUE_FLUSH_RECORDS (blank: 5,000, the default until "
        "2026-11-29). The writer holds the catalogue store's write lock while it builds a "
        "flush, so map workers wait for it and more of them help little; building flushes "
        "from a read snapshot would let the two overlap."
    ),
    "Load throughput": (
        "`python -m bench.load_bench --records N --libraries L [--merge off] [--separately]`. "
        "Libraries loaded 'in one run': `lantern load --each CODE FILE ...` (a region's first "
        "load: each document merged and indexed once, at the end); 'one run each': one "
        "`lantern load --library CODE FILE` after another (each run re-merges the titles it "
        "shares with the libraries already loaded). Published peers: SolrMarc about 115 "
        "records/s (JHU, 2010); traject 245-750 records/s "
        "(Princeton, 2025-26). Raw engine reference (engine-lab, same machine type): Tantivy "
        "indexes 19,000 prepared documents/s with one writer thread, 33,000/s with two. "
        "CPU per record: a load on N cores reaches 1.0x pymarc only if its CPU per record is at "
        "most N times pymarc's."
    ),
}

# Measurements behind choices in the code, moved out of its comments (the code keeps the why).
DESIGN_NOTES = [
    "Load workers map each record as soon as it is parsed (`indexer/load/pipeline.py`): a "
    "whole batch of 500 parsed records alive at once (tens of thousands of objects) overflowed "
    "the processor's caches and was walked by the garbage collector; the workers used 23 s of "
    "CPU on 100,000 records instead of 18 s (2026-11-29).",
    "The OPAC server runs one worker process per core plus one (`opac/server.py`): the spare "
    "keeps the cores busy while a worker waits for the facet counts its search started on "
    "another thread. At 1M records and 16 clients on 2 cores: 145 searches/s with three "
    "workers against 136 with two, mean of 8 alternating runs (2026-11-29).",
    "The catalogue store reads without a memory map (`indexer/catalogue/store.py`): a map saved "
    "5% of a reindex, but a 1M-record load took 5% longer and its resident memory doubled to "
    "3.3 GB, the mapped file (2026-11-29).",
    "At most 4 words of a query search as wildcards (`indexer/engine/querylang.py`): each walks "
    "the term dictionary of every field it searches, about 0.1-0.25 s for a two-letter stem "
    "over 1M records; 40 wildcard words took 1.4 s at 1M, 0.5 s with the limit (2026-11-29).",
]

COLUMNS: dict = {
    "Broad searches": [
        ("records", "records"),
        ("documents", "documents"),
        ("class", "class"),
        ("queries", "searches"),
        ("hits_p50", "hits p50"),
        ("hits_max", "hits max"),
        ("p50", "p50 ms"),
        ("p95", "p95 ms"),
        ("p99", "p99 ms"),
        ("no_facets_p50", "no facets p50 ms"),
        ("tantivy_p50", "Tantivy alone p50 ms"),
        ("tantivy_p95", "Tantivy alone p95 ms"),
        ("facet_shares", "each facet's share of the time (p50)"),
        ("facet_alone_ms", "ms each facet adds counted alone (p50)"),
        ("ratio_p50", "apart / its broadest word p50"),
        ("ratio_max", "apart / its broadest word max"),
        ("code", "code"),
    ],
    "Item-status deltas (lantern load --items)": [
        ("records", "records"),
        ("libraries", "libraries (one file each)"),
        ("delta_records", "records changed"),
        ("delta_copies", "copies changed"),
        ("delta_documents", "documents rewritten"),
        ("delta_s", "seconds, all files"),
        ("slowest_library_s", "slowest file s"),
        ("feed_datestamps_moved", "feed datestamps moved"),
        ("lent_title_found_on_loan", "lent title found on loan"),
        ("one_book_visible_s", "one returned book: searchable s"),
        ("one_book_s", "writer released s"),
        ("one_book_cli_s", "as a fresh lantern process s"),
    ],
    "Live availability": [
        ("records", "records"),
        ("pages", "pages of 20 titles"),
        ("first_byte_plain_p50_ms", "first byte, no systems p50 ms"),
        ("first_byte_live_p50_ms", "first byte, systems named p50 ms"),
        ("complete_p50_ms", "live statuses in p50 ms"),
        ("complete_p95_ms", "live statuses in p95 ms"),
        ("target_ms", "target ms"),
        ("requests_per_page", "requests per page per system"),
        ("clients_pages", "pages, 16 clients"),
        ("cache_hit_rate", "cache hit rate"),
        ("dead_asked", "dead system asked"),
        ("seconds", "seconds"),
    ],
    "MeSH explode": [
        ("records", "records"),
        ("documents", "documents"),
        ("class", "vocabulary"),
        ("roots", "roots"),
        ("narrower", "narrower each"),
        ("searches", "searches each way"),
        ("hits", "hits alone/exploded per root"),
        ("p50", "p50 ms"),
        ("p95", "p95 ms"),
        ("explode_p50", "exploded p50 ms"),
        ("explode_p95", "exploded p95 ms"),
        ("p95_ratio", "p95 ratio"),
    ],
    "Shelf and A to Z browse": [
        ("records", "records"),
        ("documents", "documents"),
        ("class", "page"),
        ("pages", "pages"),
        ("p50", "p50 ms"),
        ("p95", "p95 ms"),
        ("p99", "p99 ms"),
        ("cpu_p50", "CPU p50 ms"),
        ("cpu_p95", "CPU p95 ms"),
        ("load", "load average"),
    ],
    "Warming": [
        ("records", "records"),
        ("documents", "documents"),
        ("searches", "logged searches"),
        ("kept", "answered ahead"),
        ("warming_s", "warming s per commit"),
        ("cold_p50", "not warmed p50 ms"),
        ("cold_p95", "not warmed p95 ms"),
        ("warm_p50", "warmed p50 ms"),
        ("warm_p95", "warmed p95 ms"),
        ("warm_p99", "warmed p99 ms"),
    ],
    "Facet counting floor": [
        ("records", "records"),
        ("field", "field"),
        ("documents", "documents"),
        ("values", "values"),
        ("distinct", "distinct values"),
        ("segments", "segments"),
        ("facet_counter_ms", "as a search counts it ms"),
        ("aggregate_segment_size_ms", "Tantivy aggregation ms"),
        ("aggregate_every_value_ms", "its recount, every value ms"),
        ("aggregate_top_only_ms", "aggregation, segments' top 30 only ms"),
        ("floor_ms", "floor ms"),
        ("ratio", "search / floor"),
        ("floor_500k_documents", "floor: documents"),
        ("floor_500k_distinct", "floor: distinct values"),
        ("floor_500k_ms", "floor: ms"),
    ],
    "Catalogue cardinality": [
        ("records", "records"),
        ("size", "count"),
        *[
            (f"{kind}_{stat}", f"{kind} {stat}")
            for kind in ("subjects", "authors", "series")
            for stat in ("distinct", "values", "once", "top", "curve")
        ],
        ("rate", "generator rec/s"),
    ],
    "Big match blocks": [
        ("records", "records in one block"),
        ("first_load_s", "first load s"),
        ("documents", "documents"),
        ("delta_records", "second library's records"),
        ("delta_load_s", "second load s"),
        ("delta_documents", "documents rewritten"),
    ],
    "OAI harvest": [
        ("records", "records generated"),
        ("documents", "documents harvested"),
        ("page_size", "page size"),
        ("pages", "pages"),
        ("rate", "records/s"),
        ("harvest_seconds", "harvest s"),
        ("mb", "MB sent"),
        ("server_start_rss_mb", "server RSS at start MB"),
        ("server_peak_rss_mb", "server peak RSS MB"),
        ("server_peak_anon_mb", "of which not file-backed MB"),
    ],
    "Deduplication precision and recall": [
        ("records", "labelled set"),
        ("pool", "records in the pool"),
        ("mapper", "mapping"),
        ("labelled_pairs", "duplicate pairs"),
        ("merged_pairs", "pairs merged"),
        ("precision", "precision"),
        ("recall", "recall"),
        ("ebooks_linked", "print/e-book linked"),
    ],
    "Search latency": [
        ("records", "records"),
        ("documents", "documents"),
        ("queries", "queries"),
        ("facet_cache", "facet counts kept"),
        ("engine_p50", "engine p50"),
        ("engine_p95", "engine p95"),
        ("engine_p99", "engine p99"),
        ("api_p50", "API p50"),
        ("api_p95", "API p95"),
        ("api_p99", "API p99"),
        ("overhead", "API / engine (p50)"),
        ("server_workers", "OPAC workers"),
        ("clients", "clients"),
        ("rps", "req/s"),
        ("busy_p50", "p50 under load"),
        ("busy_p95", "p95 under load"),
        ("busy_p99", "p99 under load"),
        ("server_cpu_ms", "server CPU ms per request under load"),
        ("tantivy_cpu_ms", "Tantivy alone: CPU ms per search"),
        ("tantivy_ceiling_rps", "Tantivy alone: most req/s on these cores"),
        ("pymarc_cpu_us", "machine speed: pymarc CPU µs/record"),
        ("search_log", "search log"),
        ("code", "code"),
    ],
    "Queued load throughput": [
        ("records", "records"),
        ("libraries", "libraries"),
        ("cores", "cores"),
        ("flush_records", "flush every (records)"),
        ("in_process_rate", "in-process rec/s"),
        ("queue_1_rate", "queue, 1 map worker rec/s"),
        ("queue_2_rate", "2 map workers rec/s"),
        ("queue_4_rate", "4 map workers rec/s"),
        ("scaling", "4 / 1 workers"),
    ],
    "Load throughput": [
        ("records", "records"),
        ("libraries", "libraries"),
        ("merge", "merging"),
        ("together", "libraries loaded"),
        ("documents", "documents"),
        ("pymarc_parse_rate", "pymarc parse-only rec/s (1 core)"),
        ("load_rate", "lantern load rec/s (end to end)"),
        ("ratio", "load / pymarc"),
        ("load_seconds", "load s"),
        ("pymarc_cpu_us", "pymarc CPU µs/record"),
        ("load_cpu_us", "load CPU µs/record (all processes)"),
        ("peak_rss_main_mb", "peak RSS main MB"),
        ("peak_rss_all_mb", "peak RSS all processes MB"),
        ("rejected", "rejected"),
        ("code", "code"),
    ],
}
COLUMNS[
    "Item-status deltas (lantern load --items): each library's first file (builds its item table)"
] = COLUMNS["Item-status deltas (lantern load --items)"]


def record_row(section: str, machine: str, result: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows = data.setdefault(section, {})
    key = str(result.get("records", "all"))
    if "merge" in result:
        key += f" merge {result['merge']}"
    if "together" in result:
        key += f" {result['together']}"
    if result.get("facet_cache"):
        key += f" facet cache {result['facet_cache']}"
    if result.get("search_log") == "off":  # the row to compare with: logging costs this much
        key += " search log off"
    for part in ("class", "field"):  # one row per search class, per facet field
        if result.get(part):
            key += f" {result[part]}"
    if result.get("code"):
        key += f" code {result['code']}"
    rows[key] = {
        **result,
        "machine": machine,
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    render(data)


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(data: dict) -> None:
    out = [
        "# Benchmarks",
        "",
        "Written by the scripts in `bench/` (do not edit by hand; rerun them). "
        "Each row is the latest run at that size.",
        "",
    ]
    for section, rows in data.items():
        cols = COLUMNS.get(section) or [(k, k) for k in next(iter(rows.values())) if k != "machine"]
        out += [f"## {section}", ""]
        machines = sorted({r["machine"] for r in rows.values()})
        out += [f"Machine: {m}" for m in machines] + [""]
        out.append("| " + " | ".join(label for _, label in cols) + " | date |")
        out.append("|" + "---:|" * len(cols) + "---|")
        for key in sorted(rows, key=lambda k: (len(k), k)):
            r = rows[key]
            out.append("| " + " | ".join(_fmt(r.get(k, "")) for k, _ in cols) + f" | {r['date']} |")
        if section in PEERS:
            out += ["", PEERS[section]]
        out.append("")
    out += [
        "## Design decisions, measured",
        "",
        "Choices in the code that a measurement settled; the code keeps the why in a line.",
        "",
        *[f"- {note}" for note in DESIGN_NOTES],
        "",
    ]
    PAGE.write_text("\n".join(out))
