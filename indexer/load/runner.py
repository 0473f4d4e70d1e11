"""Loading a library's files: read -> map -> store -> merged documents -> engine, on every core.

`indexer.load.pipeline` parses and maps in a pool of processes; this process keeps the single index
writer and the catalogue store, skips records whose content has not changed, and at the end
re-clusters around what changed (`indexer.union.rebuild`). Bad records are skipped and reported with
their position and reason; the rest of the file loads.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import RecordError
from indexer.libraries import Library
from indexer.libraries import library_code as library_code_of
from indexer.load.pipeline import batches, call_for, init_worker
from indexer.load.pool import build_runner, process_pool
from indexer.load.report import LoadReport, joint_report, plural, summary_text


def process_count(requested: int, paths: list[Path]) -> int:
    """Worker processes: the setting, or one per core; none for small loads (cheaper in-process)."""
    if requested:
        return max(1, requested)
    if sum(p.stat().st_size for p in paths) < 2_000_000:
        return 0
    return max(1, os.cpu_count() or 1)


@dataclass
class LoadPart:
    """One library's files within a load (a load may take several libraries at once)."""

    library: Library
    paths: list[Path]
    report: LoadReport


def run_load(
    paths: list[Path], library: Library, writer, report: LoadReport, **options
) -> LoadReport:
    """Load one library's `paths` through `writer` (a CatalogueWriter); see `run_loads`."""
    run_loads([LoadPart(library, list(paths), report)], writer, **options)
    return report


def run_loads(
    parts: list[LoadPart],
    writer,
    *,
    encoding: str | None = None,
    workers: int = 0,
    schemas_dir: str | None = None,
    progress=None,
    source: str = "marc",
    replace: bool = False,
):
    """Load every part's files through `writer`, fill in their reports, then merge once.

    One pool of processes parses and maps every file; the records that changed are then
    re-clustered together in one pass (`indexer.union.rebuild`), so loading a region's libraries in
    one command builds each document once instead of once per library that holds it.
    replace: each part's files are that library's whole catalogue; its records missing from
    them are withdrawn. Otherwise the load is a delta (leader/05 d deletes a record).
    Returns the `UnionChanges` of the merge.
    """
    started = time.perf_counter()
    processes = process_count(workers, [p for part in parts for p in part.paths])
    with process_pool(
        processes, init_worker, (None, schemas_dir, None, writer.build_context)
    ) as pool:
        if pool is not None:
            run = lambda items: pool.imap(call_for, items, chunksize=1)  # noqa: E731
        else:
            init_worker(None, schemas_dir, None)
            run = lambda items: map(call_for, items)  # noqa: E731
        for part in parts:
            part_started = time.perf_counter()
            _load_part(part, writer, run, encoding, source, replace, progress)
            part.report.seconds += time.perf_counter() - part_started
        merge_started = time.perf_counter()
        changes = writer.flush(build_runner(pool))
    merge_seconds = time.perf_counter() - merge_started
    for part in parts:
        part.report.documents_written += changes.written
        part.report.documents_removed += len(changes.removed)
        if len(parts) > 1:  # the merge is the run's, not one library's: said once, at the end
            part.report.merged_with = [p.library.code for p in parts if p is not part]
        else:
            part.report.seconds += merge_seconds
    changes.seconds = time.perf_counter() - started
    changes.merge_seconds = merge_seconds
    return changes


# Records stored between two commits of the store during a load (see CatalogueWriter.checkpoint).
CHECKPOINT_RECORDS = 100_000


def _load_part(part: LoadPart, writer, run, encoding, source, replace, progress) -> None:
    library, report = part.library, part.report
    encoding = encoding or (library.encoding if library.encoding != "auto" else None)
    seen: set[str] = set()
    for path in part.paths:
        report.files.append(str(path))
        items = ((library, encoding, item) for item in batches(path, encoding, source))
        try:
            for outcomes in run(items):
                absorb_outcomes(outcomes, path, library.code, writer, report, seen)
                if len(writer.dirty_keys) >= CHECKPOINT_RECORDS:
                    writer.checkpoint()
                if progress is not None:
                    progress.advance(len(outcomes))
        except (OSError, RecordError) as exc:
            report.failed_files.append({"file": str(path), "reason": str(exc)})
    if replace and not report.failed_files:
        missing = writer.store.library_keys(library.code) - seen
        report.withdrawn += writer.withdraw(missing)


def absorb_outcomes(
    outcomes: list, path: Path, library: str, writer, report: LoadReport, seen: set[str]
) -> None:
    loaded = []
    deleted = []
    repeated = 0
    for o in outcomes:
        for w in o.warnings:
            report.warnings[w] += 1
        if o.kind == "loaded":
            loaded.append(o)
            key = f"{library}:{o.control_number}"
            repeated += key in seen  # the same 001 earlier in this load: the later copy wins
            seen.add(key)
        elif o.kind == "deleted":
            deleted.append(f"{library}:{o.control_number}")
            report.skipped["deleted (leader/05 d)"] += 1
        elif o.kind == "skipped":
            report.skipped[o.problem or "skipped"] += 1
        elif o.kind == "mapping_failed":
            report.mapping_failed.append({**_position(path, o), "error": o.problem})
            if report.mapping_traceback is None:
                report.mapping_traceback = o.trace
        else:
            report.rejected.append({**_position(path, o), "reason": o.problem})
    report.loaded += len(loaded)
    report.repeated += repeated
    changed = writer.put(library, loaded)
    # Unchanged since the last load: a record repeated within the load is not one of them.
    report.unchanged += max(0, len(loaded) - changed - repeated)
    if deleted:
        report.withdrawn += writer.withdraw(deleted)


def _position(path: Path, o) -> dict:
    return {
        "file": str(path),
        "record": o.index,
        "byte_offset": o.offset,
        "line": o.line,
        "control_number": o.control_number,
    }


def load_library(
    settings,
    library_code: str,
    files: list[Path],
    *,
    encoding: str | None = None,
    workers: int | None = None,
    report_path: Path | None = None,
    progress: bool = True,
    log=print,
    source: str = "marc",
    replace: bool = False,
) -> LoadReport:
    """`lantern load --library CODE FILE...`: load one library's files, write the JSON report,
    say what happened."""
    return load_libraries(
        settings,
        [(library_code, files)],
        encoding=encoding,
        workers=workers,
        report_path=report_path,
        progress=progress,
        log=log,
        source=source,
        replace=replace,
    )[0]


def load_libraries(
    settings,
    files_by_library: list[tuple[str, list[Path]]],
    *,
    encoding: str | None = None,
    workers: int | None = None,
    report_path: Path | None = None,
    progress: bool = True,
    log=print,
    source: str = "marc",
    replace: bool = False,
) -> list[LoadReport]:
    """Load several libraries' files in one run (one merge at the end); a report for each."""
    from indexer.catalogue.writer import CatalogueWriter
    from indexer.load.progress import Progress, count_records

    with CatalogueWriter.open(settings) as writer:
        parts = []
        for code, files in files_by_library:
            library, known = writer.consortium.resolve(code)
            if not known:
                log(unknown_library_note(library.code, settings.libraries))
            parts.append(
                LoadPart(library, [Path(f) for f in files], LoadReport(library.code, known))
            )
        label = parts[0].library.code if len(parts) == 1 else f"{len(parts)} libraries"
        bar = Progress(f"Loading {label}", enabled=progress)
        if bar.enabled:  # on a terminal: a percentage and the time remaining
            bar.total = count_records([p for part in parts for p in part.paths], source)
        changes = run_loads(
            parts,
            writer,
            encoding=None if encoding == "auto" else encoding,
            workers=settings.workers if workers is None else workers,
            schemas_dir=str(settings.schemas_dir),
            progress=bar,
            source=source,
            replace=replace,
        )
        bar.finish()
    reports = [part.report for part in parts]
    stamp = time.strftime("%Y%m%dT%H%M%S")
    name = reports[0].library if len(reports) == 1 else "libraries"
    path = report_path or settings.reports_dir / f"load-{name}-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = reports[0].to_json() if len(reports) == 1 else joint_report(reports, changes)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    for report in reports:
        log(summary_text(report, path if len(reports) == 1 else None))
    if len(reports) > 1:
        loaded = sum(r.loaded for r in reports)
        log(
            f"All {len(reports)} libraries: {plural(loaded, 'record')} in "
            f"{changes.seconds:.1f} s ({loaded / changes.seconds if changes.seconds else 0:,.0f} "
            f"records/s, of which {changes.merge_seconds:.1f} s merging); search documents "
            f"written: {changes.written:,}, removed: {len(changes.removed):,}\n  report: {path}"
        )
    return reports


def unknown_library_note(code: str, libraries_file: Path) -> str:
    """What a load of a library missing from the libraries file says (the file may not exist)."""
    if not Path(libraries_file).is_file():
        return (
            f"There is no libraries file at {libraries_file} (LANTERN_LIBRARIES): loading "
            f"{code} with the 'auto' holdings profile."
        )
    return f"Library {code} is not in {libraries_file}: using the 'auto' holdings profile."


def delete_records(
    settings, library_code: str, record_ids: list[str], log=print
) -> tuple[int, list[str]]:
    """`lantern delete`: withdraw records of a library by control number; returns how many were
    withdrawn and the ids the library does not have."""
    from indexer.catalogue.writer import CatalogueWriter

    code = library_code_of(library_code)
    with CatalogueWriter.open(settings) as writer:
        keys = [f"{code}:{rid}" for rid in record_ids]
        present = set(writer.store.hashes(keys))
        missing = [k.split(":", 1)[1] for k in keys if k not in present]
        writer.withdraw(present)
        changes = writer.flush()
    log(
        f"{code}: withdrew {plural(len(present), 'record')}; "
        f"{plural(changes.written, 'document')} rewritten, {len(changes.removed):,} removed."
    )
    return len(present), missing
