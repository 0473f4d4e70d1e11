"""Exit statuses and the one way a command fails, shared by every `lantern` command.

`lantern load`: 0 every record loaded (skipped authority/holdings records are fine), 3 some
records were rejected (see the load report), 5 our mapping code failed on some records (a bug
to report; the report has its traceback), 1 the load failed, 2 a usage error; 4 a queued load
is still running (`lantern status`).

`lantern relevance eval --draft`: 6 the draft lowers mean nDCG@10 by more than --max-drop.
"""

from __future__ import annotations

import sys

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED, EXIT_RUNNING = 0, 1, 2, 3, 4
EXIT_MAPPING_FAILED = 5  # our own mapping code raised on some records: a bug, not bad data
EXIT_DRAFT_WORSE = 6  # a draft ranking configuration scores worse than allowed (a CI gate)


def fail(message: str, status: int = EXIT_FAILED) -> None:
    click.secho(f"lantern: {message}", fg="red", err=True)
    sys.exit(status)
