"""The `lantern` commands that change the catalogue: load (in process or queued), status of
queued loads, delete, reindex."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from indexer.errors import IndexerError
from indexer.libraries import library_code as code_of
from indexer.load.report import plural
from lantern.exits import (
    EXIT_MAPPING_FAILED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_RUNNING,
    EXIT_USAGE,
    fail,
    fail_with,
)


@click.command()
@click.option("--library", "-l", "library_code", help="Member library code of the FILES")
@click.option(
    "--each",
    "pairs",
    multiple=True,
    nargs=2,
    type=(str, click.Path(exists=True, dir_okay=False, path_type=Path)),
    metavar="CODE FILE",
    help="Load FILE for library CODE; repeat to load several libraries in one run "
    "(each document is merged once, at the end)",
)
@click.option(
    "--encoding",
    type=click.Choice(["auto", "marc-8", "utf-8"]),
    default=None,
    help="Override leader/09 for exports that lie about their encoding",
)
@click.option("--workers", type=int, default=None, help="Parse/map processes (default: cores)")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the JSON load report (default DATA_DIR/reports/)",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress line")
@click.option(
    "--format",
    "source",
    type=click.Choice(["marc", "kbart"]),
    default="marc",
    show_default=True,
    help="marc: MARC21/MARCXML (detected from the content); kbart: KBART title list",
)
@click.option(
    "--replace",
    is_flag=True,
    help="The files are the library's whole catalogue: withdraw its records not in them",
)
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Enqueue batches for Celery workers (LANTERN_REDIS_URL) instead of loading here",
)
@click.option(
    "--items",
    "items_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An item-status CSV (item_id, status, optional due_date) of --library: only the "
    "copies' statuses change (see indexer/load/itemfile.py)",
)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def load(
    settings,
    library_code,
    pairs,
    encoding,
    workers,
    report_path,
    quiet,
    source,
    replace,
    queued,
    items_file,
    files,
):
    """Load MARC21 (binary, MARC-8 or UTF-8), MARCXML, KBART or gzip files for a library.

    Without --replace a load is a delta: new and changed records are indexed, unchanged ones
    cost nothing, and records with leader/05 'd' are deleted. With --queue the files are split
    into batches for `celery -A indexer.queue.tasks worker` processes; `lantern status` follows
    them.
    A region's first load is fastest as one run: `lantern load --each CODE FILE --each ...`.

    \b
    Exit status: 0 every record loaded (skipped authority and holdings records are fine),
    3 some records (or a whole file) were rejected (the load report says which and why),
    5 Lantern's own mapping code failed on some records (a bug, not bad data: the report
      holds the traceback; please report it); 5 wins over 3,
    1 the load failed, 2 a usage error, 9 the disk refused a write.
    """
    from indexer.load.runner import load_libraries

    if items_file is not None:
        sys.exit(load_item_statuses(settings, library_code, items_file, files or pairs))
    wanted = files_by_library(library_code, files, pairs)
    if queued:  # a file that cannot be read is rejected here, as in a load in this process
        metas = [
            enqueue(settings, c, paths, encoding, source, replace) for c, paths in wanted.items()
        ]
        sys.exit(EXIT_REJECTED if any(m["failed_files"] for m in metas) else EXIT_OK)
    try:
        reports = load_libraries(
            settings,
            list(wanted.items()),
            encoding=encoding,
            workers=workers,
            report_path=report_path,
            progress=not quiet,
            source=source,
            replace=replace,
        )
    except IndexerError as exc:
        fail_with(exc)
    sys.exit(load_status(reports))


def load_item_statuses(settings, library_code, items_file, others) -> int:
    """`load --items`: the exit status, 3 when some rows were rejected."""
    from indexer.load.itemfile import load_items

    if not library_code or others:
        fail("--items FILE takes one library's statuses: --library CODE --items FILE", EXIT_USAGE)
    try:
        parsed, _ = load_items(settings, library_code, items_file, log=click.echo)
    except IndexerError as exc:
        fail(str(exc))
    return EXIT_REJECTED if parsed.problems else EXIT_OK


def files_by_library(library_code, files, pairs) -> dict[str, list[Path]]:
    """The files to load by library: FILES of --library, and every --each CODE FILE."""
    if files and not library_code:
        fail(
            "say whose records the files are: --library CODE FILE... (or --each CODE FILE)",
            EXIT_USAGE,
        )
    if library_code and not files:
        fail(f"no files to load for {library_code}", EXIT_USAGE)
    wanted: dict[str, list[Path]] = {}
    try:  # `inc` and `INC` are one library
        if library_code:
            wanted[code_of(library_code)] = list(files)
        for code, path in pairs:
            wanted.setdefault(code_of(code), []).append(path)
    except IndexerError as exc:
        fail_with(exc)
    if not wanted:
        fail(
            "nothing to load: lantern load --library CODE FILE... (or --each CODE FILE)", EXIT_USAGE
        )
    return wanted


def load_status(reports) -> int:
    """The exit status of a load, by its worst outcome: our code failing, then bad data."""
    if any(r.mapping_failed for r in reports):
        return EXIT_MAPPING_FAILED
    return EXIT_REJECTED if any(r.rejected or r.failed_files for r in reports) else EXIT_OK


def enqueue(settings, library_code, files, encoding, source, replace) -> dict:
    from indexer.queue.plan import plan_load
    from indexer.queue.tasks import MAP_QUEUE, WRITE_QUEUE, enqueue_load
    from indexer.queue.work import open_registry

    meta = None
    try:
        registry = open_registry(settings.redis_url)
        meta = plan_load(
            settings,
            library_code,
            files,
            registry,
            source=source,
            encoding=encoding,
            replace=replace,
        )
        enqueue_load(meta, registry)
    except IndexerError as exc:
        fail_with(exc)
    except Exception as exc:  # Redis unreachable: say where we looked
        if type(exc).__module__.split(".")[0] not in ("redis", "kombu"):
            raise
        if meta is None:
            fail(f"cannot reach the queue at {settings.redis_url}: {exc}")
        fail(
            f"the queue at {settings.redis_url} stopped answering while load {meta['id']} "
            f"was being queued ({exc}); the write worker sends the rest of its batches when "
            f"it reconnects: lantern status {meta['id']} --wait"
        )
    click.echo(
        f"Queued load {meta['id']}: {meta['records']:,} records of {meta['library']} "
        f"in {meta['batches']:,} batches."
    )
    click.echo(
        f"  Workers parse and map in parallel (celery -A indexer.queue.tasks worker "
        f"-Q {MAP_QUEUE}); one worker writes the index (celery -A indexer.queue.tasks "
        f"worker -Q {WRITE_QUEUE} --pool solo)."
    )
    click.echo("  The index takes one writer at a time: the parallelism is in parsing and mapping.")
    for f in meta["failed_files"]:
        click.echo(f"  could not read {f['file']}: {f['reason']}")
    click.echo(f"  Progress: lantern status {meta['id']}")
    return meta


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the load's state as JSON")
@click.option("--wait", is_flag=True, help="Wait until the load is finished")
@click.option(
    "--timeout",
    type=float,
    default=None,
    help="With --wait: give up after this many seconds (exit status 4)",
)
@click.argument("load_id", required=False)
@click.pass_obj
def status(settings, as_json, wait, timeout, load_id):
    """Progress of queued loads (the recent ones, or LOAD_ID in detail with failed batches);
    without LOAD_ID also how the index has healed from live availability answers.

    Exit status with LOAD_ID: 0 finished, 3 finished with rejected records or failed batches,
    5 finished but our mapping code failed on some records, 4 still running."""
    from indexer.availability.heal import describe_healing, healing_counts
    from indexer.queue.work import open_registry
    from lantern.codes import queued_load_id

    if load_id is None and not as_json:
        click.echo(describe_healing(healing_counts(settings.data_dir / "catalogue.sqlite")))

    try:
        registry = open_registry(settings.redis_url)
        if load_id is None:
            click.echo(describe_recent(registry))
            return
        load_id = queued_load_id(load_id)
        progress = registry.progress(load_id)
        if wait:
            progress = wait_for(registry, progress, timeout)
    except KeyError as exc:
        fail(str(exc.args[0]), EXIT_USAGE)
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "redis":
            raise
        fail(f"cannot reach the queue at {settings.redis_url}: {exc}")
    if as_json:
        click.echo(json.dumps(progress.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(describe_load(progress))
    if progress.finished is None:
        sys.exit(EXIT_RUNNING)
    if progress.mapping_failed:
        sys.exit(EXIT_MAPPING_FAILED)
    sys.exit(EXIT_REJECTED if progress.rejected or progress.failed else EXIT_OK)


def wait_for(registry, progress, timeout: float | None):
    """The load's progress once it is finished, or once `timeout` seconds have passed; a
    restart of Redis meanwhile is waited out (said once), not an error."""
    import redis

    deadline = None if timeout is None else time.monotonic() + timeout
    unreachable = False
    while progress.finished is None and (deadline is None or time.monotonic() < deadline):
        time.sleep(1)
        try:
            progress = registry.progress(progress.load_id)
            unreachable = False
        except redis.ConnectionError as exc:
            if not unreachable:
                click.echo(f"the queue is unreachable ({exc}); still waiting", err=True)
            unreachable = True
    return progress


def describe_recent(registry) -> str:
    lines = []
    for load_id in registry.recent():
        p = registry.progress(load_id)
        lines.append(
            f"{load_id}  {p.state:<12} batches {p.done}/{p.batches} done, "
            f"{p.failed} failed; {p.loaded:,} loaded, {len(p.rejected):,} rejected"
        )
    return "\n".join(lines) or "No queued loads."


def describe_load(p) -> str:
    lines = [
        f"{p.load_id}: {p.meta['library']}, {p.state}",
        f"  batches: {p.batches:,} ({p.done:,} done, {p.failed:,} failed, {p.pending:,} pending)",
        f"  records: {p.loaded:,} loaded ({p.unchanged:,} unchanged), "
        f"{len(p.rejected):,} rejected, {p.withdrawn:,} withdrawn",
    ]
    for reason, n in p.skipped.most_common():
        lines.append(f"  skipped {n:,}: {reason}")
    if p.finished and "documents_written" in p.finished:
        lines.append(
            f"  indexed: {p.finished['documents_written']:,} documents written, "
            f"{p.finished['documents_removed']:,} removed"
        )
    elif p.pending == 0 and not p.finished:
        lines.append(
            "  waiting for the writer (celery -A indexer.queue.tasks worker -Q write --pool solo)"
        )
    for b in p.failed_batches:
        lines.append(
            f"  FAILED batch {b['batch']}: {Path(b['file']).name} records "
            f"{b['records']} ({b['where']}): {b['error']}"
        )
    for f in p.meta["failed_files"]:
        lines.append(f"  could not read {f['file']}: {f['reason']}")
    for r in p.rejected[:10]:
        where = f"byte {r['byte_offset']}" if r["byte_offset"] is not None else f"line {r['line']}"
        lines.append(
            f"  rejected {Path(r['file']).name} record {r['record']} {where}: {r['reason']}"
        )
    if len(p.rejected) > 10:
        lines.append(f"  ... {len(p.rejected) - 10:,} more rejected (--json lists them all)")
    if p.mapping_failed:
        lines.append(
            f"  MAPPING CODE FAILED on {len(p.mapping_failed):,} records (a bug, not "
            f"bad data: please report it); --json has them and the first traceback"
        )
    return "\n".join(lines)


@click.command()
@click.option("--library", "-l", "library_code", required=True, help="Member library code")
@click.argument("record_ids", nargs=-1, required=True)
@click.pass_obj
def delete(settings, library_code, record_ids):
    """Withdraw a library's records by control number (001).

    Exit status: 0 every record was withdrawn, 7 some were not found (the others are
    withdrawn), 2 the library is not known."""
    from indexer.load.runner import delete_records
    from lantern.codes import known_library

    try:
        code = known_library(settings, library_code)
        _, missing = delete_records(settings, code, list(record_ids), log=click.echo)
    except IndexerError as exc:
        fail_with(exc)
    if missing:
        fail(
            f"{code}: {plural(len(missing), 'record')} not found: {', '.join(missing[:20])}",
            EXIT_NOT_FOUND,
        )


@click.command()
@click.option("--workers", type=int, default=None, help="Processes that build documents")
@click.pass_obj
def reindex(settings, workers):
    """Rebuild the whole index from the catalogue store beside the live one, then swap it in."""
    from indexer.errors import NothingLoadedError
    from indexer.load.reindex import reindex as run_reindex

    try:
        if not (settings.data_dir / "catalogue.sqlite").exists():
            raise NothingLoadedError(f"no catalogue in {settings.data_dir} to rebuild from")
        run_reindex(settings, workers=workers)
    except IndexerError as exc:
        fail_with(exc)


COMMANDS = [load, status, delete, reindex]
