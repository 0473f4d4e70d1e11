"""What a load did, for people and for the JSON report: records loaded, skipped, rejected, and
those our own mapping code failed on (a bug to report, not bad data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


def record_outcomes(report) -> dict:
    """The records' outcomes as the JSON report gives them: shared by a load's report and a
    queued load's progress (`indexer.queue.registry.LoadProgress`)."""
    return {
        "skipped": dict(report.skipped),
        "rejected_count": len(report.rejected),
        "rejected": report.rejected,
        "mapping_failed_count": len(report.mapping_failed),
        "mapping_failed": report.mapping_failed,
        "mapping_traceback": report.mapping_traceback,
        "warnings": dict(report.warnings),
    }


@dataclass
class LoadReport:
    library: str
    library_known: bool
    files: list[str] = field(default_factory=list)
    loaded: int = 0
    skipped: Counter = field(default_factory=Counter)
    rejected: list[dict] = field(default_factory=list)
    # Records our mapping code raised on: a bug in Lantern or its rules, not in the records.
    mapping_failed: list[dict] = field(default_factory=list)
    mapping_traceback: str | None = None  # the first failure's, printed once
    warnings: Counter = field(default_factory=Counter)
    failed_files: list[dict] = field(default_factory=list)
    unchanged: int = 0
    repeated: int = 0  # records whose 001 came again later in the same load (the last one wins)
    withdrawn: int = 0
    documents_written: int = 0
    documents_removed: int = 0
    seconds: float = 0.0
    merged_with: list[str] = field(default_factory=list)  # libraries loaded in the same run

    @property
    def rate(self) -> float:
        return self.loaded / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "library": self.library,
            "library_known": self.library_known,
            "files": self.files,
            "loaded": self.loaded,
            **record_outcomes(self),
            "failed_files": self.failed_files,
            "unchanged": self.unchanged,
            "repeated": self.repeated,
            "withdrawn": self.withdrawn,
            "documents_written": self.documents_written,
            "documents_removed": self.documents_removed,
            "loaded_together_with": self.merged_with,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.rate, 1),
        }


def joint_report(reports: list[LoadReport], changes) -> dict:
    """The JSON report of a load of several libraries: each library's, then the merge's."""
    loaded = sum(r.loaded for r in reports)
    return {
        "libraries": [r.to_json() for r in reports],
        "loaded": loaded,
        "rejected_count": sum(len(r.rejected) for r in reports),
        "mapping_failed_count": sum(len(r.mapping_failed) for r in reports),
        "documents_written": changes.written,
        "documents_removed": len(changes.removed),
        "seconds": round(changes.seconds, 3),
        "merge_seconds": round(changes.merge_seconds, 3),
        "records_per_second": round(loaded / changes.seconds, 1) if changes.seconds else 0.0,
    }


def _where(r: dict) -> str:
    offset = r["byte_offset"]
    where = f"byte {offset}" if offset is not None else f"line {r['line']}"
    ctl = f" (001 {r['control_number']})" if r["control_number"] else ""
    return f"{Path(r['file']).name} record {r['record']} {where}{ctl}"


def plural(n: int, word: str) -> str:
    """`1 record`, `2 records`, `1,000 records` (the words the summaries count are regular)."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary_text(report: LoadReport, report_path: Path | None) -> str:
    """What a load of one library did; report_path: where its JSON report is (None: a load of
    several libraries, whose one report is named once, after them all)."""
    lines = [
        f"{report.library}: loaded {plural(report.loaded, 'record')} in {report.seconds:.1f} s "
        f"({report.rate:,.0f} records/s)"
    ]
    if report.unchanged:
        lines.append(f"  unchanged since the last load: {report.unchanged:,}")
    if report.repeated:
        lines.append(
            f"  repeated in the files (the same 001 again; the last copy is kept): "
            f"{report.repeated:,}"
        )
    if report.withdrawn:
        lines.append(f"  withdrawn: {report.withdrawn:,}")
    if not report.merged_with:
        lines.append(
            f"  search documents written: {report.documents_written:,}, "
            f"removed: {report.documents_removed:,}"
        )
    for reason, n in report.skipped.most_common():
        lines.append(f"  skipped {n:,}: {reason}")
    if report.rejected:
        lines.append(f"  rejected {plural(len(report.rejected), 'broken record')}, for example:")
        for r in report.rejected[:5]:
            lines.append(f"    {_where(r)}: {r['reason']}")
    lines += _mapping_failed_lines(report)
    for f in report.failed_files:
        lines.append(f"  could not read {f['file']}: {f['reason']}")
    for warning, n in report.warnings.most_common(5):
        lines.append(f"  warning ({plural(n, 'record')}): {warning}")
    if report_path is not None:
        lines.append(f"  report: {report_path}")
    return "\n".join(lines)


def _mapping_failed_lines(report: LoadReport) -> list[str]:
    if not report.mapping_failed:
        return []
    lines = [
        f"  MAPPING CODE FAILED on {plural(len(report.mapping_failed), 'record')} (a bug in "
        f"Lantern or its mapping rules, not bad data: please report it), for example:"
    ]
    for r in report.mapping_failed[:5]:
        lines.append(f"    {_where(r)}: {r['error']}")
    if report.mapping_traceback:
        lines.append("  the first failure's traceback:")
        lines += ["    " + line for line in report.mapping_traceback.rstrip().splitlines()]
    return lines
