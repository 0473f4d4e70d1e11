"""`lantern collections`: the region's collections compared (titles, last copies, overlap)."""

from __future__ import annotations

import json

import click

from indexer.errors import IndexerError
from lantern.exits import EXIT_USAGE, fail


def _pairs(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for raw in values:
        name, sep, value = raw.partition(":")
        if not (sep and value):
            fail(f"--filter takes FACET:VALUE, not {raw!r}", EXIT_USAGE)
        pairs.append((name, value))
    return tuple(pairs)


@click.command()
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FACET:VALUE",
    help="Count only these titles (format:Book, year:2010-2019, subject:...); repeatable",
)
@click.option(
    "--csv",
    "as_csv",
    type=click.Choice(["libraries", "overlap"]),
    help="Print one table as CSV: each library's titles and last copies, or the overlap matrix",
)
@click.option(
    "--last-copies", "last_copies_of", metavar="CODE", help="List CODE's last copies as CSV"
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON")
@click.pass_obj
def collections(settings, filters, as_csv, last_copies_of, as_json):
    """Compare the member libraries' collections: titles each holds, its last copies (titles no
    other member holds) and the titles every pair holds in common, counted over the merged
    catalogue as the OPAC's facets count them."""
    from opac.collections.compare import (
        compare_collections,
        last_copies,
        last_copies_csv,
        libraries_csv,
        overlap_csv,
    )
    from opac.search.service import open_search_service

    pairs = _pairs(filters)
    try:
        service = open_search_service(settings)
        if last_copies_of:
            for line in last_copies_csv(last_copies(service, last_copies_of.upper(), pairs)):
                click.echo(line, nl=False)
            return
        comparison = compare_collections(service, pairs)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    except IndexerError as exc:
        fail(str(exc))
    if as_csv:
        click.echo(
            libraries_csv(comparison) if as_csv == "libraries" else overlap_csv(comparison),
            nl=False,
        )
    elif as_json:
        click.echo(json.dumps(_as_dict(comparison), indent=2))
    else:
        _print(comparison)


def _as_dict(comparison) -> dict:
    return {
        "filters": [f"{name}:{value}" for name, value in comparison.filters],
        "titles": comparison.total,
        "libraries": [
            {"code": r.code, "name": r.name, "titles": r.titles, "last_copies": r.last_copies}
            for r in comparison.libraries
        ],
        "overlap": [
            {"libraries": [a, b], "titles": n} for (a, b), n in sorted(comparison.overlap.items())
        ],
        "seconds": round(comparison.seconds, 3),
    }


def _print(comparison) -> None:
    click.echo(
        f"{comparison.total:,} titles in {len(comparison.libraries)} libraries "
        f"(counted in {comparison.seconds:.2f} s)"
    )
    click.echo(f"{'library':<10} {'titles':>10} {'last copies':>12}  name")
    for r in comparison.libraries:
        click.echo(f"{r.code:<10} {r.titles:>10,} {r.last_copies:>12,}  {r.name}")
    top = sorted(comparison.overlap.items(), key=lambda item: -item[1])[:10]
    if top:
        click.echo("Most titles in common:")
        for (a, b), n in top:
            click.echo(f"  {a} and {b}: {n:,}")


COMMANDS = [collections]
