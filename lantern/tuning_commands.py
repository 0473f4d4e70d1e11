"""`lantern synonyms`: check, publish, history, diff, rollback and preview synonym files and
boosts.toml from the shell, as the staff console does (indexer.tuning). NAME is a file in
LANTERN_SYNONYMS_DIR (`health.txt`, `boosts.toml`); the user recorded is `cli:` + login name."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from indexer.errors import IndexerError, InvalidTuningError, StaleEditError, TuningError
from lantern.exits import EXIT_USAGE, fail


def _user() -> str:
    return f"cli:{getpass.getuser()}"


def _share(settings):
    """The common-word check over the live index, or None (with a note) when there is none."""
    from opac.search.service import open_search_service
    from opac.search.share import catalogue_share

    try:
        return catalogue_share(open_search_service(settings))
    except IndexerError as exc:
        click.echo(f"(no common-word check: {exc})", err=True)
        return None


def _print_report(report, name: str) -> None:
    for problem in report.errors:
        click.echo(f"{name}: error: {problem}")
    for problem in report.warnings:
        click.echo(f"{name}: warning: {problem}")


def _guard(action):
    """Run `action`, turning refusals into a message and a non-zero exit."""
    try:
        return action()
    except InvalidTuningError as exc:
        _print_report(exc.report, "draft")
        fail(str(exc))
    except StaleEditError as exc:
        click.echo(exc.diff, nl=False)
        fail(f"{exc} To publish over it anyway: --based-on {exc.live_hash}")
    except TuningError as exc:
        fail(str(exc), EXIT_USAGE)
    except IndexerError as exc:
        fail(str(exc))


@click.group()
def synonyms():
    """Edit synonym files and boosts.toml with checks, history and preview."""


NAME = click.argument("name")
FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
REASON = click.option("--reason", "-r", required=True, help="Why (kept in the history)")


@synonyms.command("check")
@FILE
@click.option("--name", help="The file it is meant for (default: FILE's own name)")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
@click.pass_obj
def check_(settings, file, name, as_json):
    """Check a synonym file or boosts.toml: errors by line, and common-word warnings."""
    from indexer.tuning.publish import check

    name = name or file.name
    share = None if name == "boosts.toml" else _share(settings)
    report = _guard(lambda: check(settings, name, file.read_bytes(), share))
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_report(report, str(file))
        click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if not report.ok:
        raise SystemExit(1)


@synonyms.command("publish")
@NAME
@FILE
@REASON
@click.option(
    "--based-on",
    help="sha256 of the text the edit started from (default: the newest version in the "
    "history, so a change made on disk since then is refused with its diff)",
)
@click.pass_obj
def publish_(settings, name, file, reason, based_on):
    """Make FILE's text the live NAME, as a new version (checked first)."""
    from indexer.tuning import history
    from indexer.tuning.publish import current, publish

    def run():
        # The newest version before this command looks at the disk: a text changed by hand
        # since then differs from it, and is refused with its diff.
        newest = history.latest(settings, name)
        start = based_on or (newest.sha256 if newest else current(settings, name).sha256)
        share = None if name == "boosts.toml" else _share(settings)
        return publish(settings, name, file.read_bytes(), start, _user(), reason, share=share)

    done = _guard(run)
    _print_report(done.report, name)
    if done.version is None:
        click.echo(f"{name}: already live, nothing to publish")
    else:
        click.echo(f"{name}: published v{done.version.number}")


@synonyms.command("history")
@NAME
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON")
@click.pass_obj
def history_(settings, name, as_json):
    """Every version of NAME, oldest first."""
    from indexer.tuning import history
    from indexer.tuning.publish import current

    found = _guard(lambda: (current(settings, name), history.versions(settings, name))[1])
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in found], indent=2))
        return
    for v in found:
        click.echo(f"v{v.number}  {v.at}  {v.by}  {v.kind}  {v.sha256[:12]}")
        if v.reason:
            click.echo(f"    {v.reason}")


@synonyms.command("diff")
@NAME
@click.argument("first", type=int)
@click.argument("second", type=int)
@click.pass_obj
def diff_(settings, name, first, second):
    """What changed from version FIRST to version SECOND (unified diff)."""
    from indexer.tuning import history

    click.echo(_guard(lambda: history.diff(settings, name, first, second)), nl=False)


@synonyms.command("rollback")
@NAME
@click.argument("version", type=int)
@REASON
@click.pass_obj
def rollback_(settings, name, version, reason):
    """Publish VERSION's text again, as a new version."""
    from indexer.tuning.publish import current, rollback

    def run():
        current(settings, name)
        return rollback(settings, name, version, _user(), reason)

    done = _guard(run)
    if done.version is None:
        click.echo(f"{name}: v{version} is already live, nothing to publish")
    else:
        click.echo(f"{name}: published v{done.version.number} (rollback to v{version})")


@synonyms.command("preview")
@NAME
@FILE
@click.argument("query", nargs=-1, required=True)
@click.option("--size", default=20, show_default=True, help="Results of each side")
@click.option("--json", "as_json", is_flag=True, help="Print both sides as JSON")
@click.pass_obj
def preview_(settings, name, file, query, size, as_json):
    """Run QUERY on the live NAME and on FILE as a draft of it, side by side."""
    from indexer.tuning.preview import preview

    shown = _guard(lambda: preview(settings, name, file.read_bytes(), " ".join(query), size))
    if as_json:
        click.echo(json.dumps(_as_dict(shown), indent=2, ensure_ascii=False))
        return
    click.echo(f"{shown.query!r}: live {shown.live_total:,} results, draft {shown.draft_total:,}")
    for row in shown.draft:
        click.echo(f"{row.rank:>3}. [{row.describe():>7}] {row.title}  (id {row.id})")
    for row in shown.gone:
        click.echo(f"  - [   gone] {row.title}  (id {row.id}, live #{row.rank})")


def _as_dict(shown) -> dict:
    import dataclasses

    return dataclasses.asdict(shown)


COMMANDS = [synonyms]
