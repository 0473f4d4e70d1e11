"""`lantern check`: validate every configuration file a librarian edits before it is deployed
(indexer.configcheck). Problems print as `file:line: reason`; the status is 0 when there are
none, 1 when there are some (so a deploy script or CI job stops)."""

from __future__ import annotations

import click

from lantern.exits import fail


@click.command("check")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems")
@click.pass_obj
def check(settings, quiet):
    """Check the libraries file, mapping rules, holdings profiles, index fields, boosts,
    synonym files and merge overrides, as Lantern reads them."""
    from indexer.configcheck import check_all

    results = check_all(settings)
    for result in results:
        if not quiet and not result.errors:
            click.echo(f"ok     {result.kind}: {result.path} ({result.summary})")
        for problem in result.errors:
            click.echo(f"error  {problem}")
        for warning in result.warnings:
            click.echo(f"warn   {warning}")
    errors = sum(len(r.errors) for r in results)
    bad = sum(1 for r in results if r.errors)
    if errors:
        fail(f"{errors} error{'s' if errors != 1 else ''} in {bad} of {len(results)} files")
    warned = sum(len(r.warnings) for r in results)
    note = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    click.echo(f"lantern check: {len(results)} files, no errors{note}")


COMMANDS = [check]
