"""A queued load's batches, read back by byte or record range, are the in-process batches."""

from __future__ import annotations

import pytest

from indexer.libraries import Library
from indexer.load.pipeline import batches, call, init_worker
from indexer.queue.plan import plan_file
from indexer.queue.work import read_batch
from tests.conftest import shared

FILES = [
    ("marc", "solrmarc__uva_001_2000.mrc"),  # several batches
    ("marc", "dnb-marc21-rs__DUMP.mrc.gz"),  # gzip: ranges of the decompressed stream
    ("marc", "qa-catalogue__test.xml.gz"),  # MARCXML: record ranges
    ("malformed", "marc4j__bad_hathi_records.mrc"),  # broken records among good ones
    ("malformed", "marc4j__bad_too_long_plus_2.mrc"),  # lengths that lie
]


def summary(outcomes) -> list[tuple]:
    return [
        (o.index, o.offset, o.kind, o.control_number, o.problem, o.content_hash) for o in outcomes
    ]


@pytest.mark.parametrize("parts", FILES, ids=[name for _, name in FILES])
def test_ranges_read_back_the_same_records_in_the_same_batches(parts):
    path = shared(*parts)
    init_worker(Library(code="UVA", name="UVA"), None, None)
    expected = [summary(call(item)) for item in batches(path, None)]
    specs, problems = plan_file(path, "marc", None)
    got = [summary(read_batch(spec, {"source": "marc", "encoding": None})) for spec in specs]
    assert problems == []
    assert got == expected
    assert sum(len(b) for b in got) == sum(s["records"] for s in specs) > 0
