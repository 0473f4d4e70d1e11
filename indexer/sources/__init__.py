"""Readers that turn member libraries' MARC files into `MarcRecord`s.

`read_records(path)` reads any supported file (ISO 2709 in UTF-8 or MARC-8, MARCXML, either one
gzip-compressed; the format is decided from the content) and yields one `ReadResult` per record
position: "ok", "skipped" (authority or holdings) or "rejected" (broken, with position and reason).
For parallel loading, `iter_raw_records` splits a binary file cheaply and `parse_raw` /
`parse_record` parse the raw bytes in another process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from indexer.sources.detect import (
    ISO2709,
    MARCXML,
    UnknownFormatError,
    detect_format,
    open_binary,
    sniff_format,
)
from indexer.sources.encoding import MARC8, UTF8
from indexer.sources.iso2709 import (
    iter_raw_records,
    parse_raw,
    parse_record,
    parse_record_with_warnings,
    read_iso2709,
    sniff_control_number,
)
from indexer.sources.marcxml import read_marcxml
from indexer.sources.results import (
    OK,
    REJECTED,
    SKIPPED,
    Position,
    ReadResult,
    classify,
    file_problem,
)

__all__ = [
    "ISO2709",
    "MARC8",
    "MARCXML",
    "OK",
    "REJECTED",
    "SKIPPED",
    "UTF8",
    "Position",
    "ReadResult",
    "UnknownFormatError",
    "classify",
    "detect_format",
    "iter_raw_records",
    "open_binary",
    "parse_raw",
    "parse_record",
    "parse_record_with_warnings",
    "read_iso2709",
    "read_marcxml",
    "read_records",
    "sniff_control_number",
    "sniff_format",
]


def read_records(
    path: str | Path, encoding: str | None = None, label: str | None = None
) -> Iterator[ReadResult]:
    """One ReadResult per record position in any supported MARC file, in file order.

    `encoding` ("utf-8", "marc-8" or None = leader/09 with repairs) applies to ISO 2709 only;
    `label` names the file in positions (default: the file name). Bad data never raises: a file
    that is not MARC at all gives one file-level "rejected" result (index 0). Only a file that
    cannot be opened raises (OSError).
    """
    name = label or Path(path).name
    try:
        file_format = detect_format(path)
    except UnknownFormatError as exc:
        yield file_problem(name, str(exc))
        return
    if file_format == ISO2709:
        yield from read_iso2709(path, encoding, name)
    else:
        yield from read_marcxml(path, name)
