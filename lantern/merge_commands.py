"""`lantern merge`: librarians' merge decisions from the shell, as the staff console makes them
(written to DATA_DIR/merge-overrides.toml with who, when and why, and applied at once)."""

from __future__ import annotations

import getpass
import json

import click

from indexer.errors import IndexerError, RequestError
from lantern.exits import EXIT_USAGE, fail


@click.group()
def merge():
    """Fix merges: keep records apart, merge them, list the decisions, undo one."""


def _run(action, *args):
    from indexer.catalogue import merges

    try:
        change = getattr(merges, action)(*args)
    except RequestError as exc:
        fail(str(exc), EXIT_USAGE)
    except IndexerError as exc:
        fail(str(exc))
    groups = "; ".join(" + ".join(g) for g in change.groups)
    click.echo(f"{change.change}: {change.kind.replace('_', ' ')} {groups}")


REASON = click.option("--reason", "-r", required=True, help="Why (kept with the decision)")
KEYS = click.argument("keys", nargs=-1, required=True)


@merge.command("never")
@REASON
@KEYS
@click.pass_obj
def never(settings, reason, keys):
    """Keep these records apart (LIB:CONTROLNUMBER keys or document ids; every pair)."""
    _run("never_merge", settings, list(keys), reason, f"cli:{getpass.getuser()}")


@merge.command("always")
@REASON
@KEYS
@click.pass_obj
def always(settings, reason, keys):
    """Merge these records (keys or document ids) into one document."""
    _run("always_merge", settings, list(keys), reason, f"cli:{getpass.getuser()}")


@merge.command("split")
@REASON
@click.argument("key")
@click.pass_obj
def split(settings, reason, key):
    """Take one member record (LIB:CONTROLNUMBER) out of its document: not the same title."""
    _run("split_out", settings, key, reason, f"cli:{getpass.getuser()}")


@merge.command("undo")
@click.argument("change")
@click.pass_obj
def undo(settings, change):
    """Remove one decision (its id from `lantern merge list`) and rebuild what it touched."""
    _run("undo", settings, change, f"cli:{getpass.getuser()}")


@merge.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the decisions as JSON")
@click.pass_obj
def list_(settings, as_json):
    """The merge decisions, newest first."""
    from indexer.catalogue.merges import list_changes

    try:
        changes = list_changes(settings)
    except IndexerError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in changes], indent=2))
        return
    for c in changes:
        groups = "; ".join(" + ".join(g) for g in c.groups)
        click.echo(f"{c.change}  {c.at}  {c.by}  {c.kind.replace('_', ' ')}: {groups}")
        if c.reason:
            click.echo(f"    {c.reason}")


COMMANDS = [merge]
