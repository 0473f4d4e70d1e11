"""`lantern load --library CODE --items FILE`: an item-status file applied as an availability-only
update (indexer.catalogue.items), for systems that push their changes instead of being asked.

The file is CSV with a header row: `item_id` (the barcode or item number, as the library's
holdings profile reads it), `status` (available, on_loan, reference, missing, lost, withdrawn) and
an optional ISO `due_date`; an optional `record_id` column names the record when the system
knows it. A bad row is reported with its line number and reason, and the rest are applied.
"""

from __future__ import annotations

import csv
import datetime
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer.catalogue.items import ItemChange, ItemsApplied, apply_item_changes
from indexer.errors import IndexerError

# The file's status words (and a few spellings systems use) -> the index's words.
STATUS_WORDS = {
    "available": "available",
    "on_loan": "on_loan",
    "on loan": "on_loan",
    "loaned": "on_loan",
    "checked_out": "on_loan",
    "reference": "reference",
    "not_for_loan": "reference",
    "missing": "missing",
    "lost": "lost",
    "withdrawn": "withdrawn",
}
REQUIRED_COLUMNS = ("item_id", "status")


class ItemFileError(IndexerError):
    """The item-status file cannot be read at all (missing, not CSV, no item_id/status header)."""


@dataclass
class RowProblem:
    line: int
    item_id: str
    reason: str


@dataclass
class ItemFile:
    changes: list[ItemChange] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    lines: dict[str, int] = field(default_factory=dict)  # item id -> line of its last row


def read_item_file(path: Path, library: str) -> ItemFile:
    """The changes of `path` for `library`, and the rows that could not be read (line, reason)."""
    out = ItemFile()
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise ItemFileError(
                    f"{path}: the header row must name {', '.join(REQUIRED_COLUMNS)} "
                    f"(missing {', '.join(missing)}; found {', '.join(header) or 'nothing'})"
                )
            reader.fieldnames = header
            for row in reader:
                out.rows += 1
                change = _change(row, library, reader.line_num, out.problems)
                if change is not None:
                    out.changes.append(change)
                    out.lines[change.item_id] = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ItemFileError(f"cannot read {path}: {exc}") from exc
    return out


def _change(row: dict, library: str, line: int, problems: list[RowProblem]) -> ItemChange | None:
    item_id = (row.get("item_id") or "").strip()
    raw_status = (row.get("status") or "").strip()
    raw_due = (row.get("due_date") or "").strip()
    if None in row:
        return _problem(problems, line, item_id, "more values than the header has columns")
    if not item_id:
        return _problem(problems, line, item_id, "no item_id")
    status = STATUS_WORDS.get(raw_status.casefold().replace("-", "_"))
    if status is None:
        return _problem(
            problems,
            line,
            item_id,
            f"status {raw_status!r} is not one of available, on_loan, reference, missing, "
            "lost, withdrawn",
        )
    due = None
    if raw_due and status == "on_loan":
        try:
            due = datetime.date.fromisoformat(raw_due[:10]).isoformat()
        except ValueError:
            return _problem(problems, line, item_id, f"due_date {raw_due!r} is not an ISO date")
    record_id = (row.get("record_id") or "").strip() or None
    return ItemChange(library, record_id, item_id, status, due)


def _problem(problems: list[RowProblem], line: int, item_id: str, reason: str) -> None:
    problems.append(RowProblem(line, item_id, reason))
    return None


def load_items(
    settings, library_code: str, path: Path, *, log=print
) -> tuple[ItemFile, ItemsApplied]:
    """Read `path`, apply its changes to `library_code`'s copies, write the JSON report to
    DATA_DIR/reports (items-CODE-*.json: not a load report, whose time would say every status
    of the library is that fresh), say what changed."""
    from indexer.catalogue.writer import CatalogueWriter

    started = time.perf_counter()
    with CatalogueWriter.open(settings) as writer:
        library, _ = writer.consortium.resolve(library_code)
        parsed = read_item_file(Path(path), library.code)
        applied = apply_item_changes(writer, parsed.changes)
    for change in applied.not_found:
        parsed.problems.append(
            RowProblem(
                parsed.lines.get(change.item_id, 0),
                change.item_id,
                f"no copy with this item id in {library.code}'s records",
            )
        )
    parsed.problems.sort(key=lambda p: p.line)
    seconds = time.perf_counter() - started
    report = item_report(library.code, path, parsed, applied, seconds)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = settings.reports_dir / f"items-{library.code}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    log(summary(report, out))
    return parsed, applied


def item_report(library, path, parsed: ItemFile, applied: ItemsApplied, seconds: float) -> dict:
    moves = Counter(f"{old} -> {change.status}" for change, old in applied.changed)
    return {
        "library": library,
        "file": str(path),
        "rows": parsed.rows,
        "copies_changed": len(applied.changed),
        "copies_unchanged": applied.unchanged,
        "changes": dict(moves.most_common()),
        "documents_rewritten": len(applied.documents) + applied.rebuilt,
        "rejected": [
            {"line": p.line, "item_id": p.item_id, "reason": p.reason} for p in parsed.problems
        ],
        "seconds": round(seconds, 3),
    }


def summary(report: dict, path: Path) -> str:
    lines = [
        f"{report['library']}: {report['rows']:,} item rows in {report['seconds']:.2f} s; "
        f"{report['copies_changed']:,} copies changed, {report['copies_unchanged']:,} already "
        f"so, {len(report['rejected']):,} rejected; "
        f"{report['documents_rewritten']:,} search documents rewritten.",
    ]
    lines += [f"  {move}: {n:,}" for move, n in report["changes"].items()]
    for p in report["rejected"][:20]:
        lines.append(f"  line {p['line']}: {p['item_id'] or '(no item id)'}: {p['reason']}")
    if len(report["rejected"]) > 20:
        lines.append(f"  ... {len(report['rejected']) - 20:,} more rejected rows (see the report)")
    lines.append(f"  Report: {path}")
    return "\n".join(lines)
