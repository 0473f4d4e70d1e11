"""Generate a synthetic consortium of NHS libraries: a MARC file per library + libraries.toml.

    python -m lantern.sample.generate OUT --records 100000 --libraries 12 --seed 1

The output depends only on the arguments (not on the machine, the date or the number of worker
processes): records are made in fixed-size chunks, each from its own seeded random stream, and
written in chunk order. Titles are shared between libraries within a chunk.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import time
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter
from pathlib import Path

from indexer.marc.record import MarcRecord
from indexer.marc.writer import to_iso2709
from lantern.sample.consortium import LibraryProfile, build_libraries, libraries_toml
from lantern.sample.holdings import item_fields
from lantern.sample.longtail import SampleRandom
from lantern.sample.marc8 import encode_marc8
from lantern.sample.records import ItemTally, bibliographic_fields, cutter_for
from lantern.sample.titles import (
    Manifestation,
    ebook_edition,
    new_manifestation,
    new_work,
    next_edition,
)

CHUNK_RECORDS = 2000  # part of the output's definition: changing it changes every file
PARALLEL_FROM_RECORDS = 20_000  # below this, starting processes costs more than it saves
MAX_HOLDERS = 6
_TAG = attrgetter("tag")


@dataclass(frozen=True)
class GeneratedConsortium:
    """What `generate_consortium` wrote. `files` maps library code to its MARC file."""

    out_dir: Path
    libraries_toml: Path
    files: dict[str, Path]
    library_codes: tuple[str, ...]
    record_counts: dict[str, int]
    marc8_codes: tuple[str, ...]
    titles: int  # distinct manifestations
    shared_titles: int  # manifestations held by more than one library
    ebook_records: int
    items: int
    items_on_loan: int

    @property
    def total_records(self) -> int:
        return sum(self.record_counts.values())

    def summary(self) -> str:
        lines = [
            f"{self.total_records:,} records for {len(self.library_codes)} libraries in "
            f"{self.out_dir}",
            f"  titles: {self.titles:,} ({self.shared_titles:,} held by more than one library)",
            f"  e-book records: {self.ebook_records:,}; items: {self.items:,} "
            f"({self.items_on_loan:,} on loan)",
            f"  MARC-8 files: {', '.join(self.marc8_codes) or 'none'}",
        ]
        lines += [
            f"  {code}: {self.record_counts[code]:,} records -> {self.files[code].name}"
            for code in self.library_codes
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Settings:
    seed: int
    ebook_share: float
    shared_share: float
    libraries: tuple[LibraryProfile, ...]


@dataclass
class _ChunkResult:
    data: list[bytes]  # one run of records per library, in library order
    records: list[int]
    titles: int = 0
    shared_titles: int = 0
    ebook_records: int = 0
    tally: ItemTally = field(default_factory=ItemTally)


def _next_manifestation(
    rng: random.Random, number: int, ebook_share: float, recent: deque[Manifestation]
) -> Manifestation:
    if rng.random() < ebook_share:
        if recent and rng.random() < 0.5:
            return ebook_edition(rng, number, rng.choice(recent))
        return new_manifestation(rng, number, new_work(rng), ebook=True)
    made = None
    if recent and rng.random() < 0.08:
        made = next_edition(rng, number, rng.choice(recent))
    if made is None:
        made = new_manifestation(rng, number, new_work(rng), ebook=False)
    recent.append(made)
    return made


def _holders(
    rng: random.Random, settings: _Settings, cum_weights: list[float], limit: int
) -> list[int]:
    """Which libraries hold a title: usually one; `shared_share` of titles two or more, the
    bigger services more often."""
    count = len(settings.libraries)
    wanted = 1
    if count > 1 and rng.random() < settings.shared_share:
        wanted = 2
        while wanted < min(count, MAX_HOLDERS) and rng.random() < 0.4:
            wanted += 1
    wanted = min(wanted, limit)
    chosen: list[int] = []
    population = range(count)
    while len(chosen) < wanted:
        pick = rng.choices(population, cum_weights=cum_weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return sorted(chosen)


def _generate_chunk(job: tuple[_Settings, int, int, int]) -> _ChunkResult:
    """Records [first, first + count) of the run, from chunk `index`'s own random stream."""
    settings, index, first, count = job
    rng = SampleRandom(f"lantern-bench:{settings.seed}:{index}")
    libraries = settings.libraries
    encoders = [encode_marc8 if lib.marc8 else None for lib in libraries]  # None: UTF-8
    cum_weights = list(accumulate(lib.weight for lib in libraries))
    runs: list[list[bytes]] = [[] for _ in libraries]
    result = _ChunkResult(data=[], records=[0] * len(libraries))
    recent: deque[Manifestation] = deque(maxlen=64)
    seq = first  # record sequence: unique in the run, so 001s and barcodes are unique
    # Manifestation numbers come from the same range: every manifestation has >= 1 record.
    number = first
    while seq < first + count:
        manifestation = _next_manifestation(rng, number, settings.ebook_share, recent)
        number += 1
        holders = _holders(rng, settings, cum_weights, limit=first + count - seq)
        result.titles += 1
        result.shared_titles += len(holders) > 1
        for lib_index in holders:
            lib = libraries[lib_index]
            leader, fields = bibliographic_fields(rng, manifestation, lib, seq)
            if manifestation.ebook:
                result.ebook_records += 1
            else:
                fields += item_fields(
                    rng, manifestation, lib, seq, cutter_for(manifestation), result.tally
                )
            fields.sort(key=_TAG)  # stable: same-tag fields keep their order
            runs[lib_index].append(to_iso2709(MarcRecord(leader, fields), encoders[lib_index]))
            result.records[lib_index] += 1
            seq += 1
    result.data = [b"".join(run) for run in runs]
    return result


def _chunk_jobs(settings: _Settings, records: int) -> Iterator[tuple[_Settings, int, int, int]]:
    for index, first in enumerate(range(0, records, CHUNK_RECORDS)):
        yield settings, index, first, min(CHUNK_RECORDS, records - first)


def generate_consortium(
    out_dir: Path,
    records: int = 5000,
    libraries: int = 6,
    seed: int = 1,
    ebook_share: float = 0.10,
    shared_share: float = 0.40,
    marc8_libraries: int | Collection[str] = 1,
    workers: int | None = None,
) -> GeneratedConsortium:
    """Write `<CODE>.mrc` for each library and `libraries.toml` into `out_dir`.

    `records` is the total over all files. `marc8_libraries` is how many libraries export MARC-8
    (or their codes). `workers` defaults to every core for big runs; it never changes the output.
    """
    if records < 1:
        raise ValueError("records must be at least 1")
    for name, share in (("ebook_share", ebook_share), ("shared_share", shared_share)):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {share}")
    profiles = build_libraries(libraries, marc8_libraries)
    settings = _Settings(seed, ebook_share, shared_share, tuple(profiles))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if workers is None:
        workers = (os.cpu_count() or 1) if records >= PARALLEL_FROM_RECORDS else 1
    workers = max(1, min(workers, -(-records // CHUNK_RECORDS)))
    files = {lib.code: out_dir / f"{lib.code}.mrc" for lib in profiles}
    counts = [0] * len(profiles)
    totals = _ChunkResult(data=[], records=counts)
    handles = [files[lib.code].open("wb") for lib in profiles]
    try:
        jobs = _chunk_jobs(settings, records)
        if workers > 1:
            # Ctrl+C is the parent's: it terminates the pool (a worker killed by it would be
            # replaced, and its chunk waited for for ever)
            ignore_ctrl_c = (signal.SIGINT, signal.SIG_IGN)
            with multiprocessing.get_context().Pool(workers, signal.signal, ignore_ctrl_c) as pool:
                _collect(pool.imap(_generate_chunk, jobs), handles, totals)
        else:
            _collect(map(_generate_chunk, jobs), handles, totals)
    finally:
        for handle in handles:
            handle.close()
    toml_path = out_dir / "libraries.toml"
    toml_path.write_text(libraries_toml(profiles), encoding="utf-8")
    return GeneratedConsortium(
        out_dir=out_dir,
        libraries_toml=toml_path,
        files=files,
        library_codes=tuple(lib.code for lib in profiles),
        record_counts={lib.code: n for lib, n in zip(profiles, counts, strict=True)},
        marc8_codes=tuple(lib.code for lib in profiles if lib.marc8),
        titles=totals.titles,
        shared_titles=totals.shared_titles,
        ebook_records=totals.ebook_records,
        items=totals.tally.items,
        items_on_loan=totals.tally.on_loan,
    )


def _collect(results: Iterator[_ChunkResult], handles: list, totals: _ChunkResult) -> None:
    for result in results:  # in chunk order, whichever process made them
        for handle, data in zip(handles, result.data, strict=True):
            handle.write(data)
        for i, n in enumerate(result.records):
            totals.records[i] += n
        totals.titles += result.titles
        totals.shared_titles += result.shared_titles
        totals.ebook_records += result.ebook_records
        totals.tally.items += result.tally.items
        totals.tally.on_loan += result.tally.on_loan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lantern.sample.generate",
        description="Generate a synthetic NHS library consortium (MARC files + libraries.toml).",
    )
    parser.add_argument("out", type=Path, help="directory to write into (created if missing)")
    parser.add_argument("--records", type=int, default=5000, help="total records (default 5000)")
    parser.add_argument("--libraries", type=int, default=6, help="number of libraries (default 6)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--ebook-share",
        type=float,
        default=0.10,
        help="share of records that are e-books (default 0.10)",
    )
    parser.add_argument(
        "--shared-share",
        type=float,
        default=0.40,
        help="share of titles held by more than one library (default 0.40)",
    )
    parser.add_argument(
        "--marc8-libraries",
        type=int,
        default=1,
        help="how many libraries export MARC-8 (default 1)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes to use (default: all cores for big runs)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generated = generate_consortium(
        args.out,
        records=args.records,
        libraries=args.libraries,
        seed=args.seed,
        ebook_share=args.ebook_share,
        shared_share=args.shared_share,
        marc8_libraries=args.marc8_libraries,
        workers=args.workers,
    )
    elapsed = time.perf_counter() - started
    size = sum(path.stat().st_size for path in generated.files.values())
    print(generated.summary())
    print(
        f"  {size / 1e6:,.1f} MB in {elapsed:.1f} s "
        f"({generated.total_records / elapsed:,.0f} records/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
