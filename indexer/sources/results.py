"""What a reader says about each record position in a file: where it was, and what became of it.

Every reader yields one `ReadResult` per record position, in file order, so that a loader can count
and report every record (kept, skipped or rejected) without knowing which format it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.marc.record import NON_BIBLIOGRAPHIC_TYPES, MarcRecord

OK = "ok"
SKIPPED = "skipped"  # a well-formed record that is not a catalogue item (authority, holdings)
REJECTED = "rejected"  # broken data: the record (or the file) could not be read

# Index used for problems that concern the whole file rather than one record in it.
FILE_LEVEL_INDEX = 0


@dataclass(frozen=True, slots=True)
class Position:
    """Where a record was in its file. `index` is 1-based; 0 means the file as a whole."""

    file: str
    index: int
    offset: int | None = None  # byte offset in the (decompressed) file, for ISO 2709
    line: int | None = None  # line of the <record> start tag, for MARCXML

    def __str__(self) -> str:
        if self.index == FILE_LEVEL_INDEX:
            return self.file
        where = f"{self.file} record {self.index}"
        if self.offset is not None:
            return f"{where} (byte {self.offset})"
        if self.line is not None:
            return f"{where} (line {self.line})"
        return where


@dataclass(slots=True)
class ReadResult:
    """One record position in a file and what became of it.

    `kind` decides what the loader does: "ok" records are catalogue items; "skipped" records parsed
    but are authority or holdings records (`record` is still set, for holdings-aware callers);
    "rejected" positions are broken data (`record` is None) or, at index 0, a file-level problem.
    """

    position: Position
    record: MarcRecord | None
    control_number: str | None
    problem: str | None = None
    kind: str = OK
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        number = f" [001 {self.control_number}]" if self.control_number else ""
        reason = f": {self.problem}" if self.problem else ""
        return f"{self.position}{number} {self.kind}{reason}"


def classify(record: MarcRecord) -> tuple[str, str | None]:
    """("ok", None) for a catalogue item, ("skipped", reason) for authority/holdings records."""
    reason = NON_BIBLIOGRAPHIC_TYPES.get(record.record_type)
    if reason is not None:
        return SKIPPED, f"{reason} (leader/06 '{record.record_type}'), not a catalogue item"
    return OK, None


def result_for(
    position: Position, record: MarcRecord, warnings: tuple[str, ...] = ()
) -> ReadResult:
    """The result for a record that parsed: ok, or skipped when it is not a catalogue item."""
    kind, problem = classify(record)
    return ReadResult(position, record, _control_number(record), problem, kind, warnings)


def _control_number(record: MarcRecord) -> str | None:
    # Same answer as record.control_number, without building the record's tag index (which
    # would then travel with the record between processes).
    for f in record.fields:
        if f.tag == "001":
            return (f.data or "").strip() or None if f.data is not None else None
    return None


def rejected(position: Position, problem: str, control_number: str | None = None) -> ReadResult:
    return ReadResult(position, None, control_number, problem, REJECTED)


def file_problem(file: str, problem: str) -> ReadResult:
    """A problem with the whole file (not MARC, unreadable compression, XML with no records)."""
    return ReadResult(Position(file, FILE_LEVEL_INDEX), None, None, problem, REJECTED)
