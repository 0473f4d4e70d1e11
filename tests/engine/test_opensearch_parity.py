"""The two engines find the same records in the same order: a few hundred readers' queries
over real records (2,000 University of Virginia records from the shared data), each asked of
Tantivy and of OpenSearch built from the same catalogue store by `lantern reindex`.

OpenSearch is the cluster at LANTERN_OPENSEARCH_URL where one is set, else osmem-server, an
in-memory fake whose analysers and scores are close to Lucene's but not Lucene's: matching
(the totals) must agree; the order of the first ten is compared and reported, with a floor.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter

import pytest

from indexer.engine import SearchRequest, open_engine
from indexer.load.reindex import reindex
from indexer.load.runner import load_library
from indexer.settings import load_settings
from tests.conftest import shared

pytestmark = [pytest.mark.slow, pytest.mark.osmem]
RECORDS = "solrmarc__uva_001_2000.mrc"


def readers_queries(titles: list[str]) -> list[str]:
    """About 300 queries of the kinds readers type, made from the catalogue's own titles:
    words, pairs of words, a prefix with a star, a word with a typo, quoted phrases."""
    words = [w for t in titles for w in re.findall(r"[a-z]{4,}", t.lower())]
    common = [w for w, _ in Counter(words).most_common(120)]
    pairs = Counter(
        f"{a} {b}"
        for t in titles
        for a, b in zip(t.lower().split(), t.lower().split()[1:], strict=False)
        if a.isalpha() and b.isalpha() and len(a) > 3 and len(b) > 3
    )
    queries = common[:100]
    queries += [p for p, _ in pairs.most_common(80)]
    queries += sorted({w[:4] + "*" for w in common})[:50]
    queries += [w[0] + w[2] + w[1] + w[3:] for w in common if len(w) >= 6][:40]
    queries += [f'"{p}"' for p, _ in pairs.most_common(30)]
    return list(dict.fromkeys(queries))


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    records = shared("marc", RECORDS)
    data = tmp_path_factory.mktemp("parity") / "instance"
    tantivy = load_settings(environ={}, data_dir=data)
    load_library(tantivy, "UVA", [records], workers=0, progress=False, log=lambda *a: None)
    server = None
    url = os.environ.get("LANTERN_OPENSEARCH_URL", "")
    if not url:
        osmem_server = pytest.importorskip("osmem_server")
        server = osmem_server.OsmemServer.start(japanese=False)
        url = server.url
    cluster = dataclasses.replace(
        tantivy, engine="opensearch", opensearch_url=url, opensearch_replicas=0
    )
    reindex(cluster, workers=0, log=lambda *a: None)
    with open_engine(tantivy) as left, open_engine(cluster) as right:
        yield left, right
    if server is not None:
        server.close()


def compare(engines) -> dict:
    left, right = engines
    titles = [d.get("title", "") for d in left.scan(None, 5000)]
    queries = readers_queries(titles)
    same_total, overlap, first_same, differ = 0, [], 0, []
    for text in queries:
        a = left.search(SearchRequest(text=text, limit=10))
        b = right.search(SearchRequest(text=text, limit=10))
        ids_a, ids_b = [h.id for h in a.hits], [h.id for h in b.hits]
        same_total += a.total == b.total
        if a.total != b.total:
            differ.append((text, a.total, b.total))
        if ids_a or ids_b:
            overlap.append(len(set(ids_a) & set(ids_b)) / max(len(ids_a), len(ids_b)))
            first_same += bool(ids_a and ids_b and ids_a[0] == ids_b[0])
    return {
        "queries": len(queries),
        "same_total": same_total,
        "top10_overlap": sum(overlap) / len(overlap),
        "same_first": first_same / len(overlap),
        "differ": differ,
    }


def test_both_engines_find_the_same_records_for_readers_queries(engines):
    figures = compare(engines)
    print(
        f"\nparity over {figures['queries']} queries: same total {figures['same_total']}, "
        f"top-10 overlap {figures['top10_overlap']:.3f}, same first hit "
        f"{figures['same_first']:.3f}; totals differ: {figures['differ'][:20]}"
    )
    # Measured on osmem-server 0.1.6: 296 of 300 totals the same, top-10 overlap 0.953, the
    # same first hit 0.859 (with cross_fields, AUTO fuzziness and capped prefixes: 288, 0.901,
    # 0.711). The totals that differ are the fake's: its stemmer ("general") and its
    # match_bool_prefix, which matches "criticism" for "cris*" where Lucene would not.
    assert figures["queries"] >= 250
    assert figures["same_total"] >= 0.98 * figures["queries"], figures["differ"]
    assert figures["top10_overlap"] >= 0.93
    assert figures["same_first"] >= 0.8
