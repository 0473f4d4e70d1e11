"""How many different subjects, authors and series a catalogue has: real records beside generated.

    python -m bench.cardinality                      # the shared real records and 50,000 generated
    python -m bench.cardinality --records 100000     # more generated records
    python -m bench.cardinality --no-record          # print only

Counts the values the way the index's facets see them: each record mapped by Lantern's rules
(schemas/marc21.toml), subjects = every heading with its subdivisions (MeSH, LCSH, other, local:
the two subject facets together), authors = every 1XX/7XX name, series = 490/8XX. Real records
are read with pymarc from ../shared/data/marc (bibliographic records only, each distinct record
once); generated ones from a consortium made by lantern.sample. The "how close" table goes to
docs/benchmarks.md through bench/report.py.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import io
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.report import record_row

SECTION = "Catalogue cardinality"
SHARED_MARC = Path(__file__).resolve().parents[2] / "shared" / "data" / "marc"
BIBLIOGRAPHIC = frozenset("acdefgijkmoprt")  # leader/06 of bibliographic records
KINDS = ("subjects", "authors", "series")
CURVE = (1000, 2000, 4000, 8000)


@dataclass(frozen=True)
class Cardinality:
    """One kind of value over a catalogue of `records` records."""

    records: int
    distinct: int
    values: int  # value occurrences (a value counts once per record)
    with_any: int  # records with at least one value
    once: int  # distinct values that occur in one record only
    top_records: int  # records carrying the most frequent value
    curve: tuple[tuple[int, float], ...]  # (first n records, distinct per record)

    @property
    def distinct_per_record(self) -> float:
        return self.distinct / self.records if self.records else 0.0

    @property
    def values_per_record(self) -> float:
        return self.values / self.records if self.records else 0.0

    @property
    def once_share(self) -> float:
        return self.once / self.distinct if self.distinct else 0.0

    @property
    def top_share(self) -> float:
        return self.top_records / self.records if self.records else 0.0


def record_values(mapped: dict) -> dict[str, list[str]]:
    """The subject, author and series values of one mapped record, each once."""
    subjects = (
        mapped["subject_mesh"]
        + mapped["subject_lcsh"]
        + mapped["subject_other"]
        + mapped["subject_local"]
    )
    authors = [a["name"] for a in mapped["authors"] if a.get("name")]
    return {
        "subjects": list(dict.fromkeys(subjects)),
        "authors": list(dict.fromkeys(authors)),
        "series": list(dict.fromkeys(mapped["series"])),
    }


def measure(per_record: list[dict[str, list[str]]]) -> dict[str, Cardinality]:
    """Cardinality of each kind over `per_record` (in that order, for the growth curve)."""
    out = {}
    for kind in KINDS:
        counts: Counter[str] = Counter()
        curve = []
        marks = {n for n in CURVE if n <= len(per_record)}
        with_any = 0
        for i, record in enumerate(per_record, start=1):
            counts.update(record[kind])
            with_any += bool(record[kind])
            if i in marks:
                curve.append((i, len(counts) / i))
        out[kind] = Cardinality(
            records=len(per_record),
            distinct=len(counts),
            values=sum(counts.values()),
            with_any=with_any,
            once=sum(1 for n in counts.values() if n == 1),
            top_records=max(counts.values(), default=0),
            curve=tuple(curve),
        )
    return out


def _pymarc_records(path: Path) -> Iterator:
    import pymarc

    if path.suffix == ".xml":
        try:
            yield from pymarc.parse_xml_to_array(str(path))
        except Exception:  # not MARCXML, or not well-formed: the manifest lists such files
            return
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        reader = pymarc.MARCReader(fh, permissive=True, to_unicode=True, utf8_handling="replace")
        try:
            yield from (r for r in reader if r is not None)
        except Exception:  # a broken tail: keep what was read
            return


def _lantern_record(record):
    from indexer.marc.record import Field, MarcRecord

    fields = []
    for f in record.fields:
        if f.is_control_field():
            fields.append(Field(f.tag, data=f.data))
        else:
            subs = [(s.code, s.value) for s in f.subfields]
            fields.append(Field(f.tag, f.indicator1 or " ", f.indicator2 or " ", subs))
    return MarcRecord(str(record.leader), fields)


def real_records(root: Path = SHARED_MARC) -> list:
    """Every distinct bibliographic record in the shared data (as Lantern records), in a
    fixed shuffled order: the files come grouped by source, a catalogue does not."""
    seen: set[bytes] = set()
    out = []
    for path in sorted(root.iterdir()):
        if path.suffix not in {".mrc", ".marc", ".dat", ".gz", ".xml"}:
            continue
        quiet = io.StringIO()  # pymarc prints its MARC-8 complaints
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            records = list(_pymarc_records(path))
        for record in records:
            leader = str(record.leader)
            if len(leader) < 7 or leader[6] not in BIBLIOGRAPHIC:
                continue
            body = "\x1e".join(str(f) for f in record.fields).encode("utf-8", "replace")
            digest = hashlib.blake2b(body, digest_size=16).digest()
            if digest not in seen:
                seen.add(digest)
                out.append(_lantern_record(record))
    random.Random(18).shuffle(out)
    return out


def generated_records(directory: Path) -> list:
    """The records of a generated consortium, library by library interleaved per record
    (the order they were made in does not matter here: a title's records share its values)."""
    from indexer.sources import read_records

    out = []
    for path in sorted(directory.glob("*.mrc")):
        out += [r.record for r in read_records(path) if r.record is not None]
    random.Random(18).shuffle(out)
    return out


def values_of(records: Iterable) -> list[dict[str, list[str]]]:
    from indexer.mapping.rules import load_rules

    mapper = load_rules()
    return [record_values(mapper.map(r)) for r in records]


def generate(records: int, seed: int = 1) -> tuple[Path, float, tempfile.TemporaryDirectory]:
    """A generated consortium of `records` records (12 libraries, as the benchmarks load),
    and the generator's speed in records/s on one process."""
    from lantern.sample.generate import generate_consortium

    tmp = tempfile.TemporaryDirectory(prefix="lantern-cardinality-")
    started = time.perf_counter()
    generate_consortium(Path(tmp.name), records=records, libraries=12, seed=seed, workers=1)
    return Path(tmp.name), records / (time.perf_counter() - started), tmp


def row(label: str, measured: dict[str, Cardinality]) -> dict:
    """One row of the report: per kind, distinct per record, values per record, share used
    once, top value's share of records, and distinct per record as the catalogue grows."""
    out: dict = {"records": label, "size": measured["subjects"].records}
    for kind, c in measured.items():
        out[f"{kind}_distinct"] = round(c.distinct_per_record, 3)
        out[f"{kind}_values"] = round(c.values_per_record, 2)
        out[f"{kind}_once"] = round(c.once_share, 3)
        out[f"{kind}_top"] = round(c.top_share, 4)
        out[f"{kind}_curve"] = " ".join(f"{v:.2f}" for _, v in c.curve)
    return out


def _print(label: str, measured: dict[str, Cardinality]) -> None:
    print(f"{label}:")
    for kind, c in measured.items():
        curve = ", ".join(f"{n:,}: {v:.3f}" for n, v in c.curve)
        print(
            f"  {kind:8} {c.distinct:>8,} distinct over {c.records:,} = "
            f"{c.distinct_per_record:.3f}/record; {c.values_per_record:.2f} values/record; "
            f"{c.once_share:.1%} used once; top value in {c.top_share:.2%} of records; "
            f"distinct/record at {curve}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="generated records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shared", type=Path, default=SHARED_MARC, help="real MARC folder")
    parser.add_argument("--no-record", action="store_true", help="Do not write docs/benchmarks")
    args = parser.parse_args(argv)
    from lantern.sample.generate import generate_consortium

    rows = []
    if args.shared.is_dir():
        real = measure(values_of(real_records(args.shared)))
        _print(f"real records in {args.shared}", real)
        rows.append(row("real (shared data)", real))
    else:
        print(f"no real records at {args.shared}: generated records only")
    with tempfile.TemporaryDirectory(prefix="lantern-cardinality-") as tmp:
        started = time.process_time()
        # One record per title (no title shared between libraries): each record is then one
        # document, as the real records nearly all are; shared titles merge into one document.
        generate_consortium(
            Path(tmp), records=args.records, libraries=12, seed=args.seed, workers=1,
            shared_share=0.0,
        )  # fmt: skip
        rate = args.records / (time.process_time() - started)
        generated = measure(values_of(generated_records(Path(tmp))))
    _print(f"{args.records:,} generated records (generator: {rate:,.0f} records/s CPU)", generated)
    rows.append({**row(f"generated {args.records:,}", generated), "rate": round(rate)})
    if not args.no_record:
        from bench.search_bench import machine

        for result in rows:
            record_row(SECTION, machine(), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
