"""`lantern searches`: what readers search for, from the search log (top, zero, suggested) and
its purge. The same reports as the staff console's page, as a table, JSON or CSV."""

from __future__ import annotations

import json
import sys

import click

from indexer.errors import IndexerError
from lantern.exits import EXIT_USAGE, fail


@click.group()
def searches() -> None:
    """What readers search for: the search log's reports, and its purge."""


def _report_command(kind: str, summary: str):
    @searches.command(kind, help=summary)
    @click.option("--since", help="Only searches on or after this date (YYYY-MM-DD, UTC)")
    @click.option("--scope", help="Only searches made in this library's or region's view")
    @click.option("--limit", default=20, show_default=True, help="Rows per week")
    @click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON")
    @click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV")
    @click.pass_obj
    def command(settings, since, scope, limit, as_json, as_csv):
        from indexer.searchlog.reports import COLUMNS, parse_since, report, write_csv

        if as_json and as_csv:
            fail("choose --json or --csv, not both", EXIT_USAGE)
        try:
            rows = report(
                settings.search_log_path,
                kind,
                since=parse_since(since),
                scope=scope,
                limit=limit,
            )
        except IndexerError as exc:
            fail(str(exc), EXIT_USAGE)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        elif as_csv:
            write_csv(kind, rows, sys.stdout)
        elif not rows:
            click.echo("No searches logged" + (f" since {since}" if since else "") + ".")
        else:
            _table(COLUMNS[kind], rows)

    return command


def _table(columns: tuple[str, ...], rows: list[dict]) -> None:
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [min(50, max(len(c), *(len(r[i]) for r in cells))) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in cells:
        click.echo("  ".join(v[:w].ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


top = _report_command("top", "The most frequent searches of each week.")
zero = _report_command("zero", "Searches that found nothing, by week.")
suggested = _report_command(
    "suggested", 'Searches readers made by taking a "did you mean" suggestion, by week.'
)


@searches.command()
@click.pass_obj
def purge(settings):
    """Delete the entries older than LANTERN_SEARCH_LOG_DAYS (all of them when it is 0)."""
    from indexer.searchlog import store

    if not settings.search_log_path.exists():
        click.echo("No search log yet: nothing to purge.")
        return
    try:
        conn = store.connect(settings.search_log_path)
        try:
            removed = store.purge(conn, settings.search_log_days)
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - sqlite3's errors: a full disk, a locked file
        fail(f"could not purge {settings.search_log_path}: {exc}")
    days = settings.search_log_days
    click.echo(
        f"{removed:,} searches removed "
        + (f"(older than {days} days)." if days > 0 else "(the search log is off: all of them).")
    )


COMMANDS = [searches]
