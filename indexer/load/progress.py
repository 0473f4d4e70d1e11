"""A progress line with records/s for long loads and exports (stderr, no dependencies)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws one line on a terminal; prints a line every `every` seconds elsewhere."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream: TextIO | None = None,
        enabled: bool = True,
        every: float | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.every = every if every is not None else (0.25 if self.tty else 10.0)
        self.count = 0
        self.started = time.perf_counter()
        self._last = 0.0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        self.count += n
        now = time.perf_counter()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._draw()

    def _draw(self, end: str = "") -> None:
        of = f"/{self.total:,}" if self.total else ""
        pct = f" {100 * self.count / self.total:5.1f}%" if self.total else ""
        text = f"{self.label}: {self.count:,}{of} records{pct}  {self.rate:,.0f} records/s"
        if self.tty:
            self.stream.write("\r" + text + "\x1b[K" + end)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw(end="\n" if self.tty else "")
