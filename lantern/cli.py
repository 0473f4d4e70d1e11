"""The `lantern` command: search, serve, demo, export, settings here; the commands that change
the catalogue (load, status, delete, reindex) in `lantern.catalogue_commands`, the staff
console's accounts in `lantern.staff_commands`; exit statuses in `lantern.exits`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from indexer.errors import IndexerError
from indexer.settings import SETTINGS, env_name, load_settings
from lantern import (
    catalogue_commands,
    check_command,
    collections_commands,
    merge_commands,
    mesh_commands,
    relevance_commands,
    searchlog_commands,
    staff_commands,
    tuning_commands,
)
from lantern.exits import (
    EXIT_CANNOT_WRITE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    LanternGroup,
    fail,
    fail_with,
)


@click.group(cls=LanternGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Data directory (default ${env_name('data_dir')} or ./instance)",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Lantern: discovery index and OPAC for library consortia."""
    try:
        ctx.obj = load_settings(data_dir=data_dir)
    except IndexerError as exc:
        fail(str(exc), EXIT_USAGE)


for command in [
    *catalogue_commands.COMMANDS,
    *check_command.COMMANDS,
    *collections_commands.COMMANDS,
    *merge_commands.COMMANDS,
    *mesh_commands.COMMANDS,
    *relevance_commands.COMMANDS,
    *tuning_commands.COMMANDS,
    *staff_commands.COMMANDS,
    *searchlog_commands.COMMANDS,
]:
    main.add_command(command)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON API's search response")
@click.option("--size", default=10, show_default=True, help="Results to show")
@click.option("--scope", default=None, help="Library code: search as that library's view")
@click.option("--explain", is_flag=True, help="Under each result, why it scored what it did")
@click.argument("query", nargs=-1)
@click.pass_obj
def search(settings, as_json, size, scope, explain, query):
    """Search the index from the terminal."""
    from werkzeug.datastructures import MultiDict

    from indexer.engine.base import EXPLAIN
    from lantern.codes import known_library
    from opac.search.params import parse_search_args
    from opac.search.service import open_search_service

    # Read as the search endpoint reads its query string, so --json prints what it returns.
    args = MultiDict({"q": " ".join(query), "size": str(size), "scope": scope or ""})
    try:
        params = parse_search_args(args)
    except ValueError as exc:  # parameters the endpoint refuses too (a page size of 5000)
        fail(str(exc))
    try:
        service = open_search_service(settings)
        if scope:
            known_library(settings, scope)
        page = service.search(params)
        why = {}
        if explain and EXPLAIN not in service.engine.capabilities:
            fail(f"the {service.engine.name} engine does not explain scores")
        if explain:
            why = service.explain(params, [r["id"] for r in page["results"]])
    except IndexerError as exc:
        fail_with(exc)
    if as_json:
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    for notice in page["notices"]:
        click.echo(notice)
    click.echo(f"{page['total']:,} results")
    for n, r in enumerate(page["results"], 1):
        libs = ", ".join(sorted({h["library"] for h in r["holdings"]})) or "-"
        title = r["title"] + (f" : {r['subtitle']}" if r.get("subtitle") else "")
        click.echo(f"{n:>3}. {title}")
        click.echo(f"     {r['format']} {r.get('year') or ''}  [{libs}]  id {r['id']}")
        if r["id"] in why:
            click.echo(f"     score {why[r['id']].score:.1f}")
            for line in why[r["id"]].lines:
                click.echo(f"       - {line}")


@main.command()
@click.option("--host", default=None, help="Address to listen on")
@click.option("--port", type=int, default=None, help="Port to listen on")
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default: one per core, at least 2)"
)
@click.option(
    "--server",
    "server_kind",
    type=click.Choice(["gunicorn", "werkzeug"]),
    default="gunicorn",
    show_default=True,
    help="gunicorn worker processes, or werkzeug's threaded development server",
)
@click.pass_obj
def serve(settings, host, port, workers, server_kind):
    """Serve the OPAC."""
    run_server(
        settings, host or settings.host, port or settings.port, workers=workers, server=server_kind
    )


def run_server(
    settings, host: str, port: int, *, workers: int | None = None, server: str = "gunicorn"
) -> None:
    from opac.server import serve as serve_opac

    click.echo(f"Lantern OPAC on http://{host}:{port}/  (Ctrl+C stops)")
    try:
        serve_opac(settings, host, port, workers=workers, server=server)
    except IndexerError as exc:
        fail(str(exc))


@main.command()
@click.option("--records", default=3000, show_default=True, help="Records to generate")
@click.option(
    "--libraries",
    "library_count",
    default=6,
    show_default=True,
    help="Member libraries to generate",
)
@click.option("--host", default=None, help="Address to listen on")
@click.option("--port", type=int, default=None, help="Port to listen on")
@click.option("--no-serve", is_flag=True, help="Generate and load, then stop")
@click.pass_obj
def demo(settings, records, library_count, host, port, no_serve):
    """Generate a sample consortium, load it, and serve it."""
    from lantern.demo import load_demo

    try:
        started = time.perf_counter()
        settings = load_demo(settings, records=records, libraries=library_count)
        click.echo(
            f"Demo consortium ready in {time.perf_counter() - started:.1f} s "
            f"(data in {settings.data_dir})"
        )
    except IndexerError as exc:
        fail_with(exc)
    except KeyboardInterrupt:
        fail("interrupted (Ctrl+C): `lantern demo` starts the demo afresh", EXIT_INTERRUPTED)
    if not no_serve:
        run_server(settings, host or settings.host, port or settings.port)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["marc21", "marcxml", "jsonl"]),
    default="marc21",
    show_default=True,
    help="Binary MARC 21 (UTF-8), MARCXML or MARC-in-JSON lines",
)
@click.option("--library", "-l", "library_code", help="Only titles this library holds")
@click.option("--since", help="Only documents changed since this UTC date or date-time")
@click.option(
    "--deletes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the ids of documents deleted (since --since) to this file",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress line")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export(settings, fmt, library_code, since, deletes, quiet, out):
    """Export merged records with 852 holdings and 856 links for the Hub (EBSCO FTP route);
    the location lookup table is written beside OUT as OUT.locations.tsv."""
    from indexer.engine import open_engine
    from indexer.feed.export import export as run_export
    from indexer.feed.export import parse_since
    from indexer.libraries import load_consortium
    from indexer.load.progress import Progress
    from lantern.codes import known_library

    for path in (out, deletes):
        if path is not None and not path.absolute().parent.is_dir():
            fail(
                f"cannot write {path}: the folder {path.absolute().parent} does not exist",
                EXIT_CANNOT_WRITE,
            )
    try:
        if library_code:
            library_code = known_library(settings, library_code)
        bar = Progress("Exporting", enabled=not quiet)
        consortium = load_consortium(settings.libraries, settings.schemas_dir)
        report = run_export(
            settings,
            open_engine(settings),
            consortium,
            out,
            fmt,
            library=library_code,
            since=parse_since(since) if since else None,
            deletes=deletes,
            progress=bar,
        )
        bar.finish()
    except IndexerError as exc:
        fail_with(exc)
    click.echo(
        f"{report.records:,} records written to {report.path}"
        + (f"; {report.deleted:,} deleted ids in {deletes}" if deletes else "")
        + f"; locations in {report.locations_path}"
    )


@main.command("settings")
@click.pass_obj
def show_settings(settings):
    """List every setting, its environment variable, current value and meaning."""
    width = max(len(env_name(s.name)) for s in SETTINGS)
    for s in SETTINGS:
        value = getattr(settings, s.name)
        click.echo(f"{env_name(s.name):<{width}} {str(value):<40} {s.help}")


if __name__ == "__main__":
    main()
