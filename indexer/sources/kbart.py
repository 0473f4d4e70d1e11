"""KBART title lists (NISO RP-9-2014, tab-separated, header row) -> e-book and e-journal records.

    for result in read_kbart(path):     # one KbartResult per data row, in file order
        if result.kind == "ok":
            use(result.mapped)           # the same keys as a mapped MARC record (TARGETS)

Columns are found by their header names, never by position, so reordered lists and lists with
extra columns (ezPAARSE `pkb-*`, BACON `bestppn`, EZB `il_*`) read alike; Phase I's
`coverage_notes` is read as `notes`. Identifiers stay text and are checked (ISBN and ISSN check
digits). A row is kept when it has a title and either a usable http(s) link or a valid
identifier; a bad identifier on a kept row is dropped with a warning. Identifiers mangled by a
spreadsheet ("9.78E+12", a lost leading zero) reject the row: the whole file needs exporting again
as text, and loading it without ISBNs would split e-books from their MARC records.

Control numbers, stable across loads of the same file: `title_id`, else the online identifier
(ISBN-13 or ISSN), else "kbart." + a digest of title and URL. KBART repeats a serial's row for each
coverage gap or package, so the n-th repeat of a number in a file gets ".n" (n >= 2) appended.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import RecordError
from indexer.sources.detect import GZIP_ERRORS, UTF16_BOMS, open_binary
from indexer.sources.kbart_map import TITLE, map_kbart_cells, normalise_column
from indexer.sources.results import FILE_LEVEL_INDEX, OK, REJECTED, Position

LOCATORS = ("title_url", "online_identifier", "print_identifier")


@dataclass(frozen=True, slots=True)
class KbartRow:
    """One data row: where it was and its cells by (normalised) column name, values trimmed."""

    position: Position
    cells: dict[str, str]


@dataclass(slots=True)
class KbartResult:
    """One row position (or, at index 0, the whole file) and what became of it."""

    position: Position
    mapped: dict | None
    control_number: str | None
    problem: str | None = None
    kind: str = OK  # "ok" or "rejected"
    warnings: tuple[str, ...] = ()
    row: KbartRow | None = None  # the raw cells, for callers that want extra columns

    def __str__(self) -> str:
        number = f" [{self.control_number}]" if self.control_number else ""
        reason = f": {self.problem}" if self.problem else ""
        return f"{self.position}{number} {self.kind}{reason}"


def read_kbart(path: str | Path, label: str | None = None) -> Iterator[KbartResult]:
    """One KbartResult per data row of a KBART file (plain or gzip), in file order.

    Bad data never raises: a file that is not a KBART list gives one rejected result at index 0.
    Only a file that cannot be opened raises (OSError).
    """
    name = label or Path(path).name
    with open_binary(path) as stream:
        yield from _read_stream(stream, name)


def _read_stream(stream, name: str) -> Iterator[KbartResult]:
    header: _Header | None = None
    seen: dict[str, int] = {}
    row_number = 0
    try:
        for line_number, text, line_warning in _lines(stream):
            values = text.split("\t")
            if not any(v.strip() for v in values):
                continue  # blank line (or only tabs)
            if header is None:
                header = _Header([normalise_column(v) for v in values])
                if header.problem:
                    yield _file_problem(name, header.problem)
                    return
                continue
            row_number += 1
            position = Position(name, row_number, line=line_number)
            yield _read_row(position, header, values, line_warning, seen)
    except GZIP_ERRORS as exc:
        yield _file_problem(name, f"gzip data is damaged after row {row_number}: {exc}")
        return
    except UnicodeDecodeError as exc:
        yield _file_problem(name, f"text cannot be decoded after row {row_number}: {exc}")
        return
    if header is None:
        yield _file_problem(name, "empty file: no KBART header row")


class _Header:
    """The columns of a file: names in order, and the first position of each name."""

    def __init__(self, columns: list[str]) -> None:
        self.width = len(columns)
        names: dict[str, int] = {}
        for i, column in enumerate(columns):
            if column and column not in names:  # of two same-named columns, the first wins
                names[column] = i
        self.first = list(names.items())
        found = ", ".join(repr(c[:40]) for c in columns[:6])
        self.problem = None
        if columns[0].startswith(("pk\x03\x04", "ðï\x11à")):  # .xlsx / .xls, lower-cased
            self.problem = (
                "a spreadsheet workbook, not a KBART text file: save it as tab-separated text"
            )
        elif TITLE not in columns and any(TITLE in c for c in columns):
            self.problem = f"the header is not tab-separated (found {found})"
        elif TITLE not in columns:
            self.problem = (
                f"not a KBART title list: the header has no {TITLE} column (found {found})"
            )
        elif not any(c in columns for c in LOCATORS):
            self.problem = (
                f"not a usable KBART title list: the header has none of {', '.join(LOCATORS)} "
                f"(found {found})"
            )


def _lines(stream) -> Iterator[tuple[int, str, str | None]]:
    """(physical line number, text without line end, warning) for each line."""
    if stream.peek(2)[:2] in UTF16_BOMS:  # spreadsheet "Unicode text" export
        text_stream = io.TextIOWrapper(stream, encoding="utf-16", newline="")
        for number, text in enumerate(text_stream, start=1):
            yield number, text.rstrip("\r\n"), None
        return
    for number, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            yield number, text, "line is not UTF-8; read as Windows-1252"


def _file_problem(name: str, problem: str) -> KbartResult:
    return KbartResult(Position(name, FILE_LEVEL_INDEX), None, None, problem, REJECTED)


def _read_row(
    position: Position,
    header: _Header,
    values: list[str],
    line_warning: str | None,
    seen: dict[str, int],
) -> KbartResult:
    warnings = [line_warning] if line_warning else []
    width = header.width
    if len(values) < width:
        warnings.append(
            f"row has {len(values)} cells but the header has {width}; "
            "the missing cells are read as empty"
        )
        values = values + [""] * (width - len(values))
    elif len(values) > width and (extra := [v.strip() for v in values[width:] if v.strip()]):
        warnings.append(
            f"row has {len(values)} cells but the header has {width}; "
            f"extra cells ignored ({', '.join(repr(v[:30]) for v in extra[:3])})"
        )
    cells = {column: values[i].strip() for column, i in header.first}
    for column, value in cells.items():
        # A spreadsheet's tab-separated export quotes cells holding quotes: "The ""Lancet""".
        if value[:1] == '"' and value[-1:] == '"' and len(value) >= 2:
            cells[column] = value[1:-1].replace('""', '"').strip()
    row = KbartRow(position, cells)
    try:
        mapped, row_warnings = map_kbart_cells(cells)
    except RecordError as exc:
        number = cells.get("title_id") or None
        return KbartResult(position, None, number, str(exc), REJECTED, tuple(warnings), row)
    number = mapped["control_number"]
    count = seen.get(number, 0) + 1
    seen[number] = count
    if count > 1:
        number = mapped["control_number"] = f"{number}.{count}"
    return KbartResult(position, mapped, number, None, OK, (*warnings, *row_warnings), row)
