"""MeSH explode: mesh:"X"+ beside mesh:"X", for headings with about 500 narrower descriptors.

    python -m bench.mesh_bench --records 100000            # the generated consortium (cached)
    python -m bench.mesh_bench --records 1000000 --no-record

The generated catalogue's MeSH headings are made into a vocabulary (NLM's descriptor file
layout, imported with `lantern mesh import`'s code): ROOTS of its headings each get NARROWER
descriptors below them, 25 children with 19 grandchildren each, as a branch of MeSH's C tree
has. `--vocabulary real` (the default): as in MeSH, where a catalogue uses a few thousand of
some 30,000 descriptors, each narrower descriptor is one of the catalogue's headings with the
chance (its distinct headings / MESH_DESCRIPTORS) and otherwise a descriptor no record has;
`--vocabulary dense`: every narrower descriptor is one of the catalogue's headings (the
generator has only about 1,600 distinct main headings, so a root then holds a third of them:
the worst case). Every other heading gets a tree number of its own. A copy of the loaded data
directory is reindexed so its headings are linked, then each root is searched as
SearchService.search does for a reader (one page of 20, every facet, facet cache off),
unexploded and exploded, one search at a time, alternating. The target (issue 20, 1M
records): exploded p95 at most 2x unexploded. An explode is one term per tree number of the
heading (mesh_tree holds every broader tree number), so its cost does not grow with the
number of narrower descriptors, only with the titles it finds, as a word's does.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sys
import time
from xml.sax.saxutils import escape

from bench.report import record_row
from bench.search_bench import OUT, load, machine, percentile

SECTION = "MeSH explode"
ROOTS = 3
NARROWER = 500
CHILDREN = 25  # each with (NARROWER - CHILDREN) / CHILDREN grandchildren
MESH_DESCRIPTORS = 30_956  # in NLM's MeSH 2025


def catalogue_headings(service) -> list[tuple[str, int]]:
    """Every MeSH main heading of the catalogue with the titles that have it, commonest first."""
    from indexer.engine import SearchRequest
    from indexer.mesh.linking import main_heading

    found = service.engine.search(
        SearchRequest(facets=("subject_mesh_facet",), facet_size=1_000_000, limit=0)
    )
    counts: dict[str, int] = {}
    for value in found.facets["subject_mesh_facet"]:
        name = main_heading(value.value)
        counts[name] = counts.get(name, 0) + value.count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def vocabulary(headings: list[str], dense: bool, seed: int = 20) -> tuple[str, list[str]]:
    """(a descriptor file of `headings`, the roots): ROOTS headings spread over the frequency
    ranks, each with NARROWER descriptors in a two-level branch (see the module's doc)."""
    rng = random.Random(seed)
    roots = [headings[i] for i in (5, len(headings) // 50, len(headings) // 10)][:ROOTS]
    rest = [h for h in headings if h not in roots]
    rng.shuffle(rest)
    trees: dict[str, list[str]] = {}
    grandchildren = (NARROWER - CHILDREN) // CHILDREN
    used = 1.0 if dense else min(1.0, len(headings) / MESH_DESCRIPTORS)
    for r, root in enumerate(roots):
        branch = f"C{r + 10:02d}.100"
        trees[root] = [branch]
        below = []
        for n in range(NARROWER):
            if rest and rng.random() < used:
                below.append(rest.pop())
            else:
                below.append(f"Descriptor no title has {r}-{n}")
        for c in range(CHILDREN):
            child = f"{branch}.{c + 100:03d}"
            trees[below[c]] = [child]
            start = CHILDREN + c * grandchildren
            for g, name in enumerate(below[start : start + grandchildren]):
                trees[name] = [f"{child}.{g + 100:03d}"]
    for n, name in enumerate(rest):
        trees[name] = [f"Z{n // 1000:02d}.{n % 1000:03d}"]
    records = []
    for n, (name, numbers) in enumerate(sorted(trees.items())):
        tree_xml = "".join(f"<TreeNumber>{t}</TreeNumber>" for t in numbers)
        records.append(
            f"<DescriptorRecord><DescriptorUI>D{900000 + n}</DescriptorUI><DescriptorName>"
            f"<String>{escape(name)}</String></DescriptorName><TreeNumberList>{tree_xml}"
            f"</TreeNumberList><ConceptList><Concept PreferredConceptYN='Y'><TermList><Term>"
            f"<String>{escape(name)}</String></Term></TermList></Concept></ConceptList>"
            "</DescriptorRecord>"
        )
    return "<DescriptorRecordSet>" + "".join(records) + "</DescriptorRecordSet>", roots


def prepared(settings, records: int, kind: str) -> tuple[object, list[str]]:
    """Settings of a copy of the loaded catalogue with the vocabulary imported and linked."""
    from indexer.load.reindex import reindex
    from indexer.mesh.importer import import_mesh
    from opac.search.service import open_search_service

    target = OUT / f"mesh-{records}-{kind}"
    done = target / "roots.txt"
    if not done.exists():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(settings.data_dir, target / "data", symlinks=True)
        copied = dataclasses.replace(settings, data_dir=target / "data")
        service = open_search_service(copied)
        names = [name for name, _ in catalogue_headings(service)]
        service.engine.close()
        text, roots = vocabulary(names, kind == "dense")
        (target / "desc.xml").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        import_mesh(target / "desc.xml", copied.mesh_path)
        reindex(copied, log=lambda *a: None)
        took = time.perf_counter() - started
        print(f"vocabulary of {len(names):,} headings imported and linked in {took:.0f} s")
        done.write_text("\n".join(roots))
    copied = dataclasses.replace(settings, data_dir=target / "data")
    return copied, done.read_text().splitlines()


def timed(service, query: str, explode: bool = False) -> tuple[float, int]:
    from opac.search.service import SearchParams

    started = time.perf_counter()
    found = service.search(SearchParams(q=query, explode=explode))
    return (time.perf_counter() - started) * 1000, found["total"]


def measure(service, roots: list[str], rounds: int) -> dict:
    """Each root searched `rounds` times each way, alternating: p50 and p95 of each, and the
    titles each finds (unexploded/exploded)."""
    plain: list[float] = []
    exploded: list[float] = []
    hits: dict[str, tuple[int, int]] = {}
    for root in roots:  # warm the page cache
        timed(service, f'mesh:"{root}"')
        timed(service, f'mesh:"{root}"+')
    for _ in range(rounds):
        for root in roots:
            ms, alone = timed(service, f'mesh:"{root}"')
            plain.append(ms)
            ms, under = timed(service, f'mesh:"{root}"+')
            exploded.append(ms)
            hits[root] = (alone, under)
    return {
        "roots": len(roots),
        "narrower": NARROWER,
        "searches": len(plain),
        "hits": " ".join(f"{a:,}/{u:,}" for a, u in hits.values()),
        "p50": percentile(plain, 50),
        "p95": percentile(plain, 95),
        "explode_p50": percentile(exploded, 50),
        "explode_p95": percentile(exploded, 95),
        "p95_ratio": percentile(exploded, 95) / percentile(plain, 95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--libraries", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20, help="searches of each root, each way")
    parser.add_argument("--vocabulary", choices=("real", "dense"), default="real")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    from opac.search.service import open_search_service

    settings, roots = prepared(load(args.records, args.libraries), args.records, args.vocabulary)
    service = open_search_service(settings)
    result = {
        "records": args.records,
        "documents": service.engine.count(),
        "class": f"{args.vocabulary} vocabulary",
        **measure(service, roots, args.rounds),
    }
    print({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})
    if not args.no_record:
        record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
