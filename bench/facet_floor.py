"""The floor of counting a high-cardinality facet, beside what the engine's aggregation costs.

    python -m bench.facet_floor                        # the loaded 100k catalogue, author + subject
    python -m bench.facet_floor --matching 500000      # the floor also over that many documents

Floor: one pass over the matching documents' value ordinals into a flat counts array, then a
top-30 selection (numpy's bincount and argpartition on one core: C loops, no Python per value).
The ordinals are the catalogue's own (each facet value's documents read from the index), and
for --matching beyond the catalogue's size its documents are repeated with fresh ordinals (a
catalogue N times as big with N times the distinct values: the dearer case). Engine: the same
field counted the way a search counts it today (FacetCounter.count: Tantivy's terms aggregation,
its buckets turned into Python dicts, the recount keeping every value when segments cut the
lists short), and Tantivy's aggregation alone with small and with unlimited segment lists.

numpy is not a dependency of Lantern: the floor runs in a Python that has it (this one, else
`python3` on PATH); without one it says so and measures the engine only (a pure-Python loop is
no floor: it costs about 50 ns a value, the engine's own loops a few).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

SECTION = "Facet counting floor"
TOP = 30
REPEATS = 7


def best(run) -> float:
    """The fastest of REPEATS runs of `run`, in ms."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def numpy_floor(directory: str, matching: int, share: float) -> dict:
    """(Runs where numpy is.) ms to count `matching` documents' ordinals and pick the top 30:
    every document matching, and a `share` of them (a broad search)."""
    import numpy as np

    ords = np.fromfile(Path(directory) / "ords.u32", dtype=np.uint32)
    per_doc = np.fromfile(Path(directory) / "per_doc.u32", dtype=np.uint32)
    distinct = int(ords.max()) + 1 if len(ords) else 1
    tiles = max(1, -(-matching // len(per_doc)))
    ords = np.concatenate([ords + np.uint32(t * distinct) for t in range(tiles)])
    per_doc = np.tile(per_doc, tiles)
    size = distinct * tiles
    mask = np.random.default_rng(18).random(len(per_doc)) < share
    value_mask = np.repeat(mask, per_doc)

    def count(selected):
        counts = np.bincount(selected, minlength=size)
        top = np.argpartition(counts, -TOP)[-TOP:]
        return top[np.argsort(-counts[top], kind="stable")]

    return {
        "documents": int(len(per_doc)),
        "values": int(len(ords)),
        "distinct": size,
        "all_ms": best(lambda: count(ords)),
        "share": share,
        "share_documents": int(mask.sum()),
        "share_ms": best(lambda: count(ords[value_mask])),
    }


def field_ordinals(engine, field: str) -> tuple[array, array, int]:
    """Per document (in address order), the ordinals of its values of `field`, read from the
    index: each value's documents found with a term query. (per_doc counts, ordinals, docs)."""
    from tantivy import Query

    searcher = engine._searcher()
    terms = searcher.terms_with_prefix(field, "", limit=10_000_000)
    docs: dict[tuple[int, int], list[int]] = {}
    schema = engine._index.schema
    for ordinal, (term, doc_freq) in enumerate(_pairs(terms)):
        found = searcher.search(Query.term_query(schema, field, term), max(1, doc_freq))
        for _, address in found.hits:
            docs.setdefault((address.segment_ord, address.doc), []).append(ordinal)
    total = searcher.num_docs
    per_doc, ords = array("I"), array("I")
    for key in sorted(docs):
        per_doc.append(len(docs[key]))
        ords.extend(docs[key])
    per_doc.extend([0] * (total - len(docs)))  # documents without a value
    return per_doc, ords, total


def _pairs(terms) -> list[tuple[str, int]]:
    out = []
    for item in terms:
        if isinstance(item, tuple | list):
            out.append((str(item[0]), int(item[1])))
        else:
            out.append((str(item), 1_000_000))
    return out


def engine_cost(engine, query, field: str) -> dict:
    """ms to count `field` for `query` as a search does, and Tantivy's aggregation alone."""
    from indexer.engine.tantivy.topvalues import EVERY_VALUE, terms_spec

    searcher = engine._searcher()
    counter = engine._facet_counter

    small = terms_spec({field: TOP}, counter.segment_size)
    every = terms_spec({field: TOP}, EVERY_VALUE)
    top_only = terms_spec({field: TOP}, TOP)  # what one segment would need: its top 30 only
    return {
        "matching": searcher.search(query, 1).count,
        "segments": searcher.num_segments,
        "facet_counter_ms": best(
            lambda: counter.count(searcher, engine._schema, query, {field: TOP})
        ),
        "aggregate_segment_size_ms": best(lambda: searcher.aggregate(query, small)),
        "aggregate_every_value_ms": best(lambda: searcher.aggregate(query, every)),
        "aggregate_top_only_ms": best(lambda: searcher.aggregate(query, top_only)),
    }


def floor_in_numpy(per_doc: array, ords: array, matching: int, share: float) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "ords.u32").write_bytes(ords.tobytes())
        Path(tmp, "per_doc.u32").write_bytes(per_doc.tobytes())
        for python in (sys.executable, "python3"):
            command = [python, __file__, "--numpy-child", tmp, str(matching), str(share)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode == 0:
                return {**json.loads(done.stdout), "python": python}
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=12)
    parser.add_argument("--data-dir", help="Use this loaded data directory (read-only)")
    parser.add_argument("--libraries-file", help="Its libraries file (with --data-dir)")
    parser.add_argument("--fields", default="author_facet,subject_facet")
    parser.add_argument("--matching", type=int, default=500_000)
    parser.add_argument("--share", type=float, default=0.6, help="share a broad search matches")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    from tantivy import Query

    from bench.search_bench import load
    from opac.search.service import open_search_service

    settings = load(args.records, args.libraries, args.data_dir, args.libraries_file, 0)
    engine = open_search_service(settings).engine
    every_doc = Query.all_query()
    rows = []
    for field in args.fields.split(","):
        started = time.perf_counter()
        per_doc, ords, docs = field_ordinals(engine, field)
        took = time.perf_counter() - started
        distinct = max(ords, default=-1) + 1
        print(
            f"{field}: {docs:,} documents, {len(ords):,} values, {distinct:,} distinct "
            f"({took:.0f} s)"
        )
        cost = engine_cost(engine, every_doc, field)
        print("  engine, every document matching:", _rounded(cost))
        floors = [floor_in_numpy(per_doc, ords, n, args.share) for n in (docs, args.matching)]
        for floor in floors:
            print("  floor:", _rounded(floor) if floor else "no numpy: no floor measured")
        rows.append(_row(args.records, field, len(ords), distinct, cost, *floors))
    if not args.no_record:
        from bench.report import record_row
        from bench.search_bench import machine

        for row in rows:
            record_row(SECTION, machine(), row)
    return 0


def _row(records: int, field: str, values: int, distinct: int, cost: dict, here, bigger) -> dict:
    row = {"records": records, "field": field, "documents": cost["matching"], "values": values}
    row |= {"distinct": distinct, **{k: v for k, v in cost.items() if k != "matching"}}
    if here:
        row |= {"floor_ms": here["all_ms"], "ratio": cost["facet_counter_ms"] / here["all_ms"]}
    if bigger:
        row |= {
            "floor_500k_documents": bigger["documents"],
            "floor_500k_distinct": bigger["distinct"],
            "floor_500k_ms": bigger["all_ms"],
        }
    return row


def _rounded(d: dict) -> dict:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in d.items()}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--numpy-child"]:
        directory, matching, share = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        print(json.dumps(numpy_floor(directory, matching, share)))
        sys.exit(0)
    sys.exit(main())
