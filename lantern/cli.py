"""The `lantern` command: load, search, serve, demo, settings.

Exit statuses of `lantern load`: 0 every record loaded (skipped authority/holdings records are
fine), 3 some records were rejected (see the load report), 1 the load failed, 2 a usage error.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from indexer.errors import IndexerError
from indexer.settings import SETTINGS, env_name, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


def fail(message: str, status: int = EXIT_FAILED) -> None:
    click.secho(f"lantern: {message}", fg="red", err=True)
    sys.exit(status)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Data directory (default ${env_name('data_dir')} or ./instance)")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Lantern: discovery index and OPAC for library consortia."""
    try:
        ctx.obj = load_settings(data_dir=data_dir)
    except IndexerError as exc:
        fail(str(exc), EXIT_USAGE)


@main.command()
@click.option("--library", "-l", "library_code", required=True, help="Member library code")
@click.option("--encoding", type=click.Choice(["auto", "marc-8", "utf-8"]), default=None,
              help="Override leader/09 for exports that lie about their encoding")
@click.option("--workers", type=int, default=None, help="Parse/map processes (default: cores)")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the JSON load report (default DATA_DIR/reports/)")
@click.option("--quiet", "-q", is_flag=True, help="No progress line")
@click.option("--format", "source", type=click.Choice(["marc", "kbart"]), default="marc",
              show_default=True,
              help="marc: MARC21/MARCXML (detected from the content); kbart: KBART title list")
@click.option("--replace", is_flag=True,
              help="The files are the library's whole catalogue: withdraw its records not in them")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def load(settings, library_code, encoding, workers, report_path, quiet, source, replace, files):
    """Load MARC21 (binary, MARC-8 or UTF-8), MARCXML, KBART or gzip files for a library.

    Without --replace a load is a delta: new and changed records are indexed, unchanged ones
    cost nothing, and records with leader/05 'd' are deleted.
    """
    from indexer.load import load_library

    try:
        report = load_library(settings, library_code, list(files), encoding=encoding,
                              workers=workers, report_path=report_path, progress=not quiet,
                              source=source, replace=replace)
    except IndexerError as exc:
        fail(str(exc))
    sys.exit(EXIT_REJECTED if report.rejected or report.failed_files else EXIT_OK)


@main.command()
@click.option("--library", "-l", "library_code", required=True, help="Member library code")
@click.argument("record_ids", nargs=-1, required=True)
@click.pass_obj
def delete(settings, library_code, record_ids):
    """Withdraw a library's records by control number (001)."""
    from indexer.load import delete_records

    try:
        delete_records(settings, library_code, list(record_ids))
    except IndexerError as exc:
        fail(str(exc))


@main.command()
@click.option("--workers", type=int, default=None, help="Processes that build documents")
@click.pass_obj
def reindex(settings, workers):
    """Rebuild the whole index from the catalogue store beside the live one, then swap it in."""
    from indexer.reindex import reindex as run_reindex

    try:
        run_reindex(settings, workers=workers)
    except IndexerError as exc:
        fail(str(exc))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON API's search response")
@click.option("--size", default=10, show_default=True, help="Results to show")
@click.option("--scope", default=None, help="Library code: search as that library's view")
@click.argument("query", nargs=-1)
@click.pass_obj
def search(settings, as_json, size, scope, query):
    """Search the index from the terminal."""
    from opac.search.service import SearchParams, open_search_service

    try:
        service = open_search_service(settings)
        page = service.search(SearchParams(q=" ".join(query), size=size, scope=scope))
    except IndexerError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    click.echo(f"{page['total']:,} results")
    for n, r in enumerate(page["results"], 1):
        libs = ", ".join(sorted({h["library"] for h in r["holdings"]})) or "-"
        title = r["title"] + (f" : {r['subtitle']}" if r.get("subtitle") else "")
        click.echo(f"{n:>3}. {title}")
        click.echo(f"     {r['format']} {r.get('year') or ''}  [{libs}]  id {r['id']}")


@main.command()
@click.option("--host", default=None, help="Address to listen on")
@click.option("--port", type=int, default=None, help="Port to listen on")
@click.pass_obj
def serve(settings, host, port):
    """Serve the OPAC."""
    run_server(settings, host or settings.host, port or settings.port)


def run_server(settings, host: str, port: int) -> None:
    from opac import create_app

    app = create_app(settings=settings)
    click.echo(f"Lantern OPAC on http://{host}:{port}/  (Ctrl+C stops)")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command()
@click.option("--records", default=3000, show_default=True, help="Records to generate")
@click.option("--libraries", "library_count", default=6, show_default=True,
              help="Member libraries to generate")
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
        click.echo(f"Demo consortium ready in {time.perf_counter() - started:.1f} s "
                   f"(data in {settings.data_dir})")
    except IndexerError as exc:
        fail(str(exc))
    if not no_serve:
        run_server(settings, host or settings.host, port or settings.port)


@main.command("settings")
@click.pass_obj
def show_settings(settings):
    """List every setting, its environment variable, current value and meaning."""
    for s in SETTINGS:
        value = getattr(settings, s.name)
        click.echo(f"{env_name(s.name):<26} {str(value):<40} {s.help}")


if __name__ == "__main__":
    main()
