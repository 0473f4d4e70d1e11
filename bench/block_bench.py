"""Big match blocks: a load where thousands of records share one blocking key.

    python -m bench.block_bench [--records 5000 20000]

Writes N binary MARC records that all carry the title "Annual report", the same year and no
author or identifier (one title key, one block; their page counts differ, so no two are
equal), loads them as one library, then loads a second library's 200 more of the same into the
same catalogue (a delta that re-decides the whole block). Each load runs `load_library` as
`lantern load` does. Appends the times to docs/benchmarks.md (section "Big match blocks").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from pymarc import Field, Record, Subfield

from bench.report import record_row
from bench.search_bench import machine

SECTION = "Big match blocks"
DELTA = 200


def write_reports(path: Path, prefix: str, count: int) -> None:
    with path.open("wb") as out:
        for n in range(count):
            record = Record(force_utf8=True)
            record.leader = record.leader[:5] + "nam a22" + record.leader[12:]
            record.add_field(Field(tag="001", data=f"{prefix}{n}"))
            record.add_field(Field(tag="008", data="190101s2019    enk           000 0 eng d"))
            record.add_field(
                Field(tag="245", indicators=["0", "0"], subfields=[Subfield("a", "Annual report")])
            )
            record.add_field(
                Field(tag="300", indicators=[" ", " "], subfields=[Subfield("a", f"{100 + n} p.")])
            )
            out.write(record.as_marc())


def timed_load(settings, code: str, path: Path) -> tuple[float, int]:
    from indexer.load.runner import load_library

    started = time.perf_counter()
    report = load_library(settings, code, [path], progress=False, log=lambda *a: None)
    return time.perf_counter() - started, report.documents_written


def run(records: int) -> dict:
    from indexer.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_reports(root / "a.mrc", "a", records)
        write_reports(root / "b.mrc", "b", DELTA)
        settings = load_settings(environ={}, data_dir=str(root / "data"))
        first, documents = timed_load(settings, "AAA", root / "a.mrc")
        second, rewritten = timed_load(settings, "BBB", root / "b.mrc")
    return {
        "records": records,
        "first_load_s": first,
        "documents": documents,
        "delta_records": DELTA,
        "delta_load_s": second,
        "delta_documents": rewritten,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    for records in args.records:
        result = run(records)
        print(result)
        if not args.no_record:
            record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
