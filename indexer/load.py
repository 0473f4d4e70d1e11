"""Loading a library's files: read -> map -> document -> engine, on every core.

The main process splits files into batches (raw ISO 2709 bytes, or records already read from
MARCXML) and feeds the single index writer; a pool of processes parses and maps the batches. Bad
records are skipped and reported with their position and reason; the rest of the file loads.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.document import Member, build_document, record_doc_id
from indexer.engine import document_preparer
from indexer.errors import RecordError
from indexer.holdings import extract_holdings, load_profile
from indexer.libraries import Library
from indexer.mapping import load_rules
from indexer.sources import (
    Position,
    ReadResult,
    detect_format,
    iter_raw_records,
    parse_raw,
    read_records,
)
from indexer.sources import classify as classify_record

BATCH_SIZE = 500


@dataclass(slots=True)
class Outcome:
    """What became of one record position in a file."""

    index: int
    offset: int | None
    line: int | None
    kind: str  # "loaded" | "skipped" | "rejected"
    control_number: str | None = None
    problem: str | None = None
    warnings: tuple[str, ...] = ()
    doc_id: str | None = None
    prepared: object = None  # the document in the engine's own form (see write_prepared)


@dataclass
class LoadReport:
    library: str
    library_known: bool
    files: list[str] = field(default_factory=list)
    loaded: int = 0
    skipped: Counter = field(default_factory=Counter)
    rejected: list[dict] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    failed_files: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.loaded / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "library": self.library,
            "library_known": self.library_known,
            "files": self.files,
            "loaded": self.loaded,
            "skipped": dict(self.skipped),
            "rejected_count": len(self.rejected),
            "rejected": self.rejected,
            "warnings": dict(self.warnings),
            "failed_files": self.failed_files,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.rate, 1),
        }


# --- the worker side: parse + map, in pool processes (or in-process for small loads) -----------

_WORKER: dict = {}


def init_worker(library: Library, schemas_dir: str | None, encoding: str | None,
                engine_name: str) -> None:
    if schemas_dir:
        os.environ["LANTERN_SCHEMAS_DIR"] = schemas_dir
    _WORKER["prepare"] = document_preparer(engine_name)
    _WORKER["mapper"] = load_rules()
    _WORKER["profile"] = load_profile(library.holdings)
    _WORKER["library"] = library
    _WORKER["encoding"] = encoding
    # Rules, code tables and caches live as long as the process: keep the cyclic garbage
    # collector from walking them again and again (it cost about 10% of the mapping time).
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def map_record(record, position: Position, warnings: tuple[str, ...] = ()) -> Outcome:
    """Map one parsed record into a search document (as JSON text)."""
    index, offset, line = position.index, position.offset, position.line
    control = record.control_number
    kind, problem = classify_record(record)
    if kind != "ok":
        return Outcome(index, offset, line, "skipped", control, problem, warnings)
    library: Library = _WORKER["library"]
    try:
        mapped = _WORKER["mapper"].map(record)
        holdings = extract_holdings(record, _WORKER["profile"], library)
    except RecordError as exc:
        return Outcome(index, offset, line, "rejected", control, str(exc), warnings)
    except Exception as exc:  # a bug in our code: report loudly, keep the rest of the file
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Outcome(index, offset, line, "rejected", control,
                       f"internal error while mapping (please report): {detail}", warnings)
    record_id = control or "h" + _content_digest(record)
    if not control:
        warnings = (*warnings, "no 001 control number: id made from the record's content")
    if record.status == "d":
        return Outcome(index, offset, line, "deleted", record_id, "leader/05 d", warnings,
                       record_doc_id(library.code, record_id))
    doc = build_document([Member(library, record_id, mapped, holdings)])
    return Outcome(index, offset, line, "loaded", record_id, None, warnings, doc["id"],
                   _WORKER["prepare"](doc))


def _content_digest(record) -> str:
    import hashlib

    text = "\x1e".join(f"{f.tag}{f.data or f.subfields}" for f in record.fields)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def map_raw_batch(batch: tuple[str, list[tuple[int, int, bytes]]]) -> list[Outcome]:
    """Parse and map raw ISO 2709 records (runs in a pool process)."""
    filename, raws = batch
    encoding = _WORKER["encoding"]
    return map_read_batch([parse_raw(raw, Position(filename, index, offset), encoding)
                           for index, offset, raw in raws])


def map_read_batch(results: list) -> list[Outcome]:
    """Map records that a reader already parsed (MARCXML, or rejected/skipped positions)."""
    out = []
    for r in results:
        p = r.position
        if r.record is None or r.kind != "ok":
            kind = "skipped" if r.kind == "skipped" else "rejected"
            out.append(Outcome(p.index, p.offset, p.line, kind, r.control_number, r.problem,
                               tuple(r.warnings)))
        else:
            out.append(map_record(r.record, p, tuple(r.warnings)))
    return out


# --- the main side: batches in, documents to the engine ------------------------------------------

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


def _batches(path: Path, encoding: str | None) -> Iterator[tuple[Callable, object]]:
    """(function, batch) pairs for a file, in file order."""
    name = str(path)
    if detect_format(path) == "iso2709":
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


def _call(item: tuple[Callable, object]) -> list[Outcome]:
    func, batch = item
    return func(batch)


def process_count(requested: int, paths: Iterable[Path]) -> int:
    """Worker processes: the setting, or one per core; none for small loads (cheaper in-process)."""
    size = sum(p.stat().st_size for p in paths)
    if requested:
        return max(1, requested)
    if size < 2_000_000:
        return 0
    return max(1, os.cpu_count() or 1)


def run_load(paths: list[Path], library: Library, engine, report: LoadReport, *,
             encoding: str | None = None, workers: int = 0, schemas_dir: str | None = None,
             progress=None, fresh: bool = False) -> LoadReport:
    """Load `paths` for `library` into `engine` and fill in `report` (commits once at the end)."""
    started = time.perf_counter()
    encoding = encoding or (library.encoding if library.encoding != "auto" else None)
    processes = process_count(workers, paths)
    pool = None
    if processes:
        ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
        pool = ctx.Pool(processes, init_worker, (library, schemas_dir, encoding, engine.name))
        run = lambda items: pool.imap(_call, items, chunksize=1)  # noqa: E731
    else:
        init_worker(library, schemas_dir, encoding, engine.name)
        run = lambda items: map(_call, items)  # noqa: E731
    seen: set[str] = set()
    try:
        for path in paths:
            report.files.append(str(path))
            try:
                for outcomes in run(_batches(path, encoding)):
                    _absorb(outcomes, path, engine, report, seen, fresh)
                    if progress is not None:
                        progress.advance(len(outcomes))
            except (OSError, RecordError) as exc:
                report.failed_files.append({"file": str(path), "reason": str(exc)})
        engine.commit()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    report.seconds += time.perf_counter() - started
    return report


def _absorb(outcomes: list[Outcome], path: Path, engine, report: LoadReport, seen: set[str],
            fresh: bool) -> None:
    new_docs: list = []
    replace_docs: list = []
    deletes: list[str] = []
    for o in outcomes:
        for w in o.warnings:
            report.warnings[w] += 1
        if o.kind == "loaded":
            report.loaded += 1
            if fresh and o.doc_id not in seen:
                new_docs.append(o.prepared)
            else:
                replace_docs.append(o.prepared)
            seen.add(o.doc_id)
        elif o.kind == "deleted":
            deletes.append(o.doc_id)
            report.skipped["deleted (leader/05 d)"] += 1
        elif o.kind == "skipped":
            report.skipped[o.problem or "skipped"] += 1
        else:
            report.rejected.append({
                "file": str(path), "record": o.index, "byte_offset": o.offset, "line": o.line,
                "control_number": o.control_number, "reason": o.problem,
            })
    if new_docs:
        engine.write_prepared(new_docs, new=True)
    if replace_docs:
        engine.write_prepared(replace_docs)
    if deletes:
        engine.delete(deletes)


def load_library(settings, library_code: str, files: list[Path], *, encoding: str | None = None,
                 workers: int | None = None, report_path: Path | None = None,
                 progress: bool = True, log=print) -> LoadReport:
    """`lantern load`: load one library's files, write the JSON report, say what happened."""
    from indexer.engine import open_engine
    from indexer.libraries import load_consortium
    from indexer.progress import Progress

    consortium = load_consortium(settings.libraries)
    library, known = consortium.resolve(library_code)
    if not known:
        log(f"Library {library_code!r} is not in {settings.libraries}: "
            f"using the 'auto' holdings profile.")
    report = LoadReport(library.code, known)
    engine = open_engine(settings.engine, settings.engine_location, writer=True,
                         threads=settings.writer_threads,
                         heap_size=settings.writer_heap_mb * 1_000_000)
    bar = Progress(f"Loading {library.code}", enabled=progress)
    try:
        fresh = engine.count() == 0
        run_load(files, library, engine, report, encoding=None if encoding == "auto" else encoding,
                 workers=settings.workers if workers is None else workers,
                 schemas_dir=str(settings.schemas_dir), progress=bar, fresh=fresh)
    finally:
        engine.close()
    bar.finish()
    path = report_path or settings.reports_dir / (
        f"load-{library.code}-{time.strftime('%Y%m%dT%H%M%S')}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    log(summary_text(report, path))
    return report


def summary_text(report: LoadReport, report_path: Path) -> str:
    lines = [f"{report.library}: loaded {report.loaded:,} records in {report.seconds:.1f} s "
             f"({report.rate:,.0f} records/s)"]
    for reason, n in report.skipped.most_common():
        lines.append(f"  skipped {n:,}: {reason}")
    if report.rejected:
        lines.append(f"  rejected {len(report.rejected):,} broken records, for example:")
        for r in report.rejected[:5]:
            offset = r["byte_offset"]
            where = f"byte {offset}" if offset is not None else f"line {r['line']}"
            ctl = f" (001 {r['control_number']})" if r["control_number"] else ""
            name = Path(r["file"]).name
            lines.append(f"    {name} record {r['record']} {where}{ctl}: {r['reason']}")
    for f in report.failed_files:
        lines.append(f"  could not read {f['file']}: {f['reason']}")
    for warning, n in report.warnings.most_common(5):
        lines.append(f"  warning ({n:,} records): {warning}")
    lines.append(f"  report: {report_path}")
    return "\n".join(lines)
