"""The parallel half of a load: files -> batches -> parsed and mapped records, in pool processes.

The main process splits a file into batches (raw ISO 2709 bytes, MARCXML records already read,
or KBART rows) and a pool parses and maps them. What comes back per record is an `Outcome`: the
mapped fields and holdings serialised once (with their hash, so unchanged records cost nothing
further) and the blocking keys the matcher finds candidates by.
"""

from __future__ import annotations

import gc
import hashlib
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from indexer.dedup import blocking_keys
from indexer.errors import RecordError
from indexer.holdings import extract_holdings, load_profile
from indexer.libraries import Library
from indexer.mapping import load_rules
from indexer.mapping.controls import may_hold_controls, without_controls
from indexer.sources import (
    Position,
    ReadResult,
    detect_format,
    iter_raw_records,
    parse_raw,
    read_records,
)
from indexer.sources import classify as classify_record
from indexer.union.rebuild import set_build_context

BATCH_SIZE = 500


@dataclass(slots=True)
class Outcome:
    """What became of one record position in a file."""

    index: int
    offset: int | None
    line: int | None
    kind: str  # "loaded" | "deleted" | "skipped" | "rejected" | "mapping_failed"
    control_number: str | None = None
    problem: str | None = None
    warnings: tuple[str, ...] = ()
    content_hash: str | None = None
    data: bytes | None = None  # orjson {"mapped": ..., "holdings": ...}
    match_keys: tuple[str, ...] = ()
    trace: str | None = None  # "mapping_failed": the traceback of our code's exception


_WORKER: dict = {}


def init_worker(
    library: Library | None, schemas_dir: str | None, encoding: str | None, build_context=None
) -> None:
    """Set up a mapping process: the rules and holdings profiles of `schemas_dir` (the setting
    LANTERN_SCHEMAS_DIR; None: the shipped ones), and optionally the library mapped first."""
    if build_context is not None:
        set_build_context(build_context)
    _WORKER["schemas_dir"] = Path(schemas_dir) if schemas_dir else None
    _WORKER["mapper"] = load_rules(schemas_dir=_WORKER["schemas_dir"])
    _WORKER["profiles"] = {}
    if library is not None:
        use_library(library, encoding)
    # Rules, code tables and caches live as long as the process: keep the cyclic garbage
    # collector from walking them again and again (it cost about 10% of the mapping time).
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def use_library(library: Library, encoding: str | None) -> None:
    """Map the following batches as `library`'s records (its holdings profile, its encoding)."""
    profiles = _WORKER["profiles"]
    if library.holdings not in profiles:
        profiles[library.holdings] = load_profile(library.holdings, _WORKER["schemas_dir"])
    _WORKER["profile"] = profiles[library.holdings]
    _WORKER["library"] = library
    _WORKER["encoding"] = encoding


def loaded(
    index, offset, line, record_id: str, mapped: dict, holdings: list, warnings: tuple[str, ...]
) -> Outcome:
    try:
        data = orjson.dumps({"mapped": mapped, "holdings": holdings})
        clean = not may_hold_controls(data)
    except orjson.JSONEncodeError:  # a lone surrogate
        clean = False
    if not clean:  # the one place MARC and KBART records alike are cleaned
        mapped, holdings = without_controls(mapped), without_controls(holdings)
        data = orjson.dumps({"mapped": mapped, "holdings": holdings})
    digest = hashlib.blake2b(data, digest_size=12).hexdigest()
    return Outcome(
        index,
        offset,
        line,
        "loaded",
        record_id,
        None,
        warnings,
        digest,
        data,
        tuple(sorted(blocking_keys(mapped))),
    )


def map_record(record, position: Position, warnings: tuple[str, ...] = ()) -> Outcome:
    """Map one parsed record and its holdings."""
    index, offset, line = position.index, position.offset, position.line
    control = record.control_number
    kind, problem = classify_record(record)
    if kind != "ok":
        return Outcome(index, offset, line, "skipped", control, problem, warnings)
    record_id = control or "h" + _content_digest(record)
    if not control:
        warnings = (*warnings, "no 001 control number: id made from the record's content")
    if record.status == "d":
        return Outcome(index, offset, line, "deleted", record_id, "leader/05 d", warnings)
    try:
        mapped = _WORKER["mapper"].map(record)
        holdings = extract_holdings(record, _WORKER["profile"], _WORKER["library"])
    except RecordError as exc:
        return Outcome(index, offset, line, "rejected", control, str(exc), warnings)
    except Exception as exc:  # a bug in our code, not bad data: its own outcome (the rest of
        # the file still loads); the report prints one traceback, the load exits with status 5
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Outcome(
            index,
            offset,
            line,
            "mapping_failed",
            control,
            detail,
            warnings,
            trace="".join(traceback.format_exception(exc)),
        )
    return loaded(index, offset, line, record_id, mapped, holdings, warnings)


def _content_digest(record) -> str:
    text = "\x1e".join(f"{f.tag}{f.data or f.subfields}" for f in record.fields)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def map_raw_batch(batch: tuple[str, list[tuple[int, int, bytes]]]) -> list[Outcome]:
    """Parse and map raw ISO 2709 records (runs in a pool process)."""
    filename, raws = batch
    encoding = _WORKER["encoding"]
    # Each record is mapped as soon as it is parsed: a whole batch of parsed records alive at
    # once costs the workers more CPU (docs/benchmarks.md, "Design decisions").
    return [
        map_result(parse_raw(raw, Position(filename, index, offset), encoding))
        for index, offset, raw in raws
    ]


def map_read_batch(results: list) -> list[Outcome]:
    """Map records that a reader already parsed (MARCXML, or rejected/skipped positions)."""
    return [map_result(r) for r in results]


def map_result(r: ReadResult) -> Outcome:
    p = r.position
    if r.record is None or r.kind != "ok":
        kind = "skipped" if r.kind == "skipped" else "rejected"
        return Outcome(
            p.index, p.offset, p.line, kind, r.control_number, r.problem, tuple(r.warnings)
        )
    return map_record(r.record, p, tuple(r.warnings))


def map_kbart_batch(results: list) -> list[Outcome]:
    """KBART rows arrive already mapped: serialise them like MARC records (no holdings)."""
    out = []
    for r in results:
        p = r.position
        if r.mapped is None or r.kind != "ok":
            out.append(
                Outcome(
                    p.index,
                    p.offset,
                    p.line,
                    "rejected",
                    r.control_number,
                    r.problem,
                    tuple(r.warnings),
                )
            )
        else:
            out.append(
                loaded(p.index, p.offset, p.line, r.control_number, r.mapped, [], tuple(r.warnings))
            )
    return out


def _chunks(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _raw_records_then_problem(path: Path) -> Iterator:
    """Raw records of a binary file; a break the splitter cannot pass (a damaged gzip stream)
    ends the file with a file-level problem after every record before it."""
    try:
        yield from iter_raw_records(path)
    except RecordError as exc:
        yield ReadResult(Position(str(path), 0), None, None, str(exc), "rejected")


def batches(path: Path, encoding: str | None, source: str = "marc") -> Iterator[tuple]:
    """(function, batch) pairs for a file, in file order."""
    name = str(path)
    if source == "kbart":
        from indexer.sources.kbart import read_kbart

        for chunk in _chunks(read_kbart(path)):
            yield map_kbart_batch, chunk
    elif detect_format(path) == "iso2709":
        for chunk in _chunks(_raw_records_then_problem(path)):
            raws = [item for item in chunk if isinstance(item, tuple)]
            problems = [item for item in chunk if not isinstance(item, tuple)]
            if raws:
                yield map_raw_batch, (name, raws)
            if problems:
                yield map_read_batch, problems
    else:
        for chunk in _chunks(read_records(path, encoding=encoding)):
            yield map_read_batch, chunk


def call(item: tuple[Callable, object]) -> list[Outcome]:
    func, batch = item
    return func(batch)


def call_for(item: tuple[Library, str | None, tuple[Callable, object]]) -> list[Outcome]:
    """`call` for a batch of a given library (a load of several libraries shares one pool)."""
    library, encoding, inner = item
    use_library(library, encoding)
    return call(inner)
