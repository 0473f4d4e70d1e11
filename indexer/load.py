"""Loading a library's files: read -> map -> store -> merged documents -> engine, on every core.

`indexer.pipeline` parses and maps in a pool of processes; this process keeps the single index
writer and the catalogue store, skips records whose content has not changed, and at the end
re-clusters around what changed (`indexer.union`). Bad records are skipped and reported with
their position and reason; the rest of the file loads.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import RecordError
from indexer.libraries import Library
from indexer.pipeline import batches, call, init_worker
from indexer.union import build_job


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
    unchanged: int = 0
    withdrawn: int = 0
    documents_written: int = 0
    documents_removed: int = 0
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
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "documents_written": self.documents_written,
            "documents_removed": self.documents_removed,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.rate, 1),
        }



def process_count(requested: int, paths: list[Path]) -> int:
    """Worker processes: the setting, or one per core; none for small loads (cheaper in-process)."""
    if requested:
        return max(1, requested)
    if sum(p.stat().st_size for p in paths) < 2_000_000:
        return 0
    return max(1, os.cpu_count() or 1)


def run_load(paths: list[Path], library: Library, writer, report: LoadReport, *,
             encoding: str | None = None, workers: int = 0, schemas_dir: str | None = None,
             progress=None, source: str = "marc", replace: bool = False) -> LoadReport:
    """Load `paths` for `library` through `writer` (a CatalogueWriter) and fill in `report`.

    replace: the files are the library's whole catalogue; its records missing from them are
    withdrawn. Otherwise the load is a delta (leader/05 d deletes a record).
    """
    started = time.perf_counter()
    encoding = encoding or (library.encoding if library.encoding != "auto" else None)
    processes = process_count(workers, paths)
    pool = None
    if processes:
        ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
        pool = ctx.Pool(processes, init_worker,
                        (library, schemas_dir, encoding, writer.build_context))
        run = lambda items: pool.imap(call, items, chunksize=1)  # noqa: E731
    else:
        init_worker(library, schemas_dir, encoding)
        run = lambda items: map(call, items)  # noqa: E731
    seen: set[str] = set()
    try:
        for path in paths:
            report.files.append(str(path))
            try:
                for outcomes in run(batches(path, encoding, source)):
                    absorb_outcomes(outcomes, path, library.code, writer, report, seen)
                    if progress is not None:
                        progress.advance(len(outcomes))
            except (OSError, RecordError) as exc:
                report.failed_files.append({"file": str(path), "reason": str(exc)})
        if replace and not report.failed_files:
            missing = writer.store.library_keys(library.code) - seen
            report.withdrawn += writer.withdraw(missing)
        build = (lambda jobs: pool.imap(build_job, jobs)) if pool is not None else None
        changes = writer.flush(build)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    report.documents_written += changes.written
    report.documents_removed += len(changes.removed)
    report.seconds += time.perf_counter() - started
    return report


def absorb_outcomes(outcomes: list, path: Path, library: str, writer, report: LoadReport,
            seen: set[str]) -> None:
    loaded = []
    deleted = []
    for o in outcomes:
        for w in o.warnings:
            report.warnings[w] += 1
        if o.kind == "loaded":
            loaded.append(o)
            seen.add(f"{library}:{o.control_number}")
        elif o.kind == "deleted":
            deleted.append(f"{library}:{o.control_number}")
            report.skipped["deleted (leader/05 d)"] += 1
        elif o.kind == "skipped":
            report.skipped[o.problem or "skipped"] += 1
        else:
            report.rejected.append({
                "file": str(path), "record": o.index, "byte_offset": o.offset, "line": o.line,
                "control_number": o.control_number, "reason": o.problem,
            })
    report.loaded += len(loaded)
    changed = writer.put(library, loaded)
    report.unchanged += len(loaded) - changed
    if deleted:
        report.withdrawn += writer.withdraw(deleted)


def load_library(settings, library_code: str, files: list[Path], *, encoding: str | None = None,
                 workers: int | None = None, report_path: Path | None = None,
                 progress: bool = True, log=print, source: str = "marc",
                 replace: bool = False) -> LoadReport:
    """`lantern load`: load one library's files, write the JSON report, say what happened."""
    from indexer.catalogue import CatalogueWriter
    from indexer.progress import Progress

    with CatalogueWriter.open(settings) as writer:
        library, known = writer.consortium.resolve(library_code)
        if not known:
            log(f"Library {library_code!r} is not in {settings.libraries}: "
                f"using the 'auto' holdings profile.")
        report = LoadReport(library.code, known)
        bar = Progress(f"Loading {library.code}", enabled=progress)
        run_load(files, library, writer, report, encoding=None if encoding == "auto" else encoding,
                 workers=settings.workers if workers is None else workers,
                 schemas_dir=str(settings.schemas_dir), progress=bar, source=source,
                 replace=replace)
        bar.finish()
    path = report_path or settings.reports_dir / (
        f"load-{library.code}-{time.strftime('%Y%m%dT%H%M%S')}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    log(summary_text(report, path))
    return report


def delete_records(settings, library_code: str, record_ids: list[str], log=print) -> int:
    """`lantern delete`: withdraw records of a library by control number."""
    from indexer.catalogue import CatalogueWriter

    with CatalogueWriter.open(settings) as writer:
        keys = [f"{library_code}:{rid}" for rid in record_ids]
        present = set(writer.store.hashes(keys))
        missing = [k.split(":", 1)[1] for k in keys if k not in present]
        writer.withdraw(present)
        changes = writer.flush()
    log(f"{library_code}: withdrew {len(present):,} records; {changes.written:,} documents "
        f"rewritten, {len(changes.removed):,} removed.")
    if missing:
        log(f"  not found: {', '.join(missing[:20])}")
    return len(present)


def summary_text(report: LoadReport, report_path: Path) -> str:
    lines = [f"{report.library}: loaded {report.loaded:,} records in {report.seconds:.1f} s "
             f"({report.rate:,.0f} records/s)"]
    if report.unchanged:
        lines.append(f"  unchanged since the last load: {report.unchanged:,}")
    if report.withdrawn:
        lines.append(f"  withdrawn: {report.withdrawn:,}")
    lines.append(f"  search documents written: {report.documents_written:,}, "
                 f"removed: {report.documents_removed:,}")
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
