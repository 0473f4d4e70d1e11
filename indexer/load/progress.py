"""Progress of long loads and exports: a tqdm bar on a terminal (percentage and time remaining
when the total is known, records/s always); nothing at all in logs, which get the summary.

The total of a load is counted before it starts, by a scan much cheaper than the parse: record
terminators in binary MARC, `<record>` tags in MARCXML, lines of a KBART list. A gzipped file's
total is not known (the scan would cost a decompression): its bar counts without a percentage.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from indexer.sources.detect import GZIP_MAGIC, ISO2709, UnknownFormatError, detect_format

_CHUNK = 1 << 22
_XML_RECORD = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?record[\s>]")


class Progress:
    """A bar on a terminal; silent when `stream` is not one (a log file, cron's mail)."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream: TextIO | None = None,
        enabled: bool = True,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.count = 0
        self.started = time.perf_counter()
        self._bar: tqdm | None = None
        self._total = total

    @property
    def total(self) -> int | None:
        return self._total

    @total.setter
    def total(self, value: int | None) -> None:
        self._total = value
        if self._bar is not None:
            self._bar.total = value
            self._bar.refresh()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = tqdm(
                total=self._total,
                desc=self.label,
                unit=" records",
                file=self.stream,
                mininterval=0.25,
                leave=True,
            )
        self._bar.update(n)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def count_records(paths: Iterable[Path], source: str = "marc") -> int | None:
    """How many records the files hold, by a cheap scan; None when it cannot be known cheaply
    (a gzipped file, one that is not MARC)."""
    total = 0
    for path in paths:
        with open(path, "rb") as fh:
            if fh.read(2) == GZIP_MAGIC:
                return None
        if source == "kbart":
            total += max(0, _count(path, lambda chunk: chunk.count(b"\n")) - 1)
            continue
        try:
            iso = detect_format(path) == ISO2709
        except (UnknownFormatError, OSError):
            return None
        if iso:
            total += _count(path, lambda chunk: chunk.count(b"\x1d"))
        else:
            total += _count_xml_records(path)
    return total


def _count(path: Path, counter) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            n += counter(chunk)
    return n


def _count_xml_records(path: Path, overlap: int = 64) -> int:
    """`<record>` tags (any prefix); each chunk is read with the end of the one before, and a
    tag is counted in the chunk where it starts before that end."""
    n = 0
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            cut = max(0, len(data) - overlap)
            n += sum(1 for m in _XML_RECORD.finditer(data) if m.start() < cut)
            tail = data[cut:]
    return n + len(_XML_RECORD.findall(tail))
