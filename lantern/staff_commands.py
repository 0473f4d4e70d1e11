"""`lantern staff`: the staff console's accounts (add, list, remove, role, password), made on the
server; every change is written to the audit log as actor "cli"."""

from __future__ import annotations

import sys

import click

from indexer.errors import StaffAccountError
from indexer.staff import accounts
from lantern.exits import EXIT_FAILED, fail

ACTOR = "cli"

password_stdin = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts), not a prompt",
)


def read_password(from_stdin: bool) -> str:
    """From a prompt typed twice (not echoed), or one line of standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def staff() -> None:
    """Staff console accounts: roles viewer < editor < admin."""


@staff.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    required=True,
    help="viewer: sees reports; editor: also changes search; admin: also reads the audit log",
)
@password_stdin
@click.pass_obj
def add(settings, username, role, password_stdin):
    """Create an account."""
    try:
        name = accounts.normalise_username(username)  # before asking for a password
        account = accounts.add(
            settings.data_dir, name, role, read_password(password_stdin), actor=ACTOR
        )
    except StaffAccountError as exc:
        fail(str(exc), EXIT_FAILED)
    click.echo(f"Added {account.username} ({account.role})")


@staff.command("list")
@click.pass_obj
def list_accounts(settings):
    """List the accounts and their roles."""
    found = accounts.list_accounts(settings.data_dir)
    if not found:
        click.echo("No staff accounts yet: lantern staff add USERNAME --role admin")
    width = max((len(a.username) for a in found), default=0)
    for account in found:
        click.echo(f"{account.username:<{width}}  {account.role:<6}  created {account.created}")


@staff.command("remove")
@click.argument("username")
@click.pass_obj
def remove(settings, username):
    """Delete an account (its sessions end at once)."""
    try:
        accounts.remove(settings.data_dir, username, actor=ACTOR)
    except StaffAccountError as exc:
        fail(str(exc), EXIT_FAILED)
    click.echo(f"Removed {username.strip().lower()}")


@staff.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_obj
def role(settings, username, role):
    """Give an account another role (in force from its next request)."""
    try:
        accounts.set_role(settings.data_dir, username, role, actor=ACTOR)
    except StaffAccountError as exc:
        fail(str(exc), EXIT_FAILED)
    click.echo(f"{username.strip().lower()} is now {role}")


@staff.command("password")
@click.argument("username")
@password_stdin
@click.pass_obj
def password(settings, username, password_stdin):
    """Set a new password (the account's sessions end)."""
    try:
        if accounts.get(settings.data_dir, username) is None:
            raise StaffAccountError(f"there is no account {username.strip().lower()!r}")
        accounts.set_password(
            settings.data_dir, username, read_password(password_stdin), actor=ACTOR
        )
    except StaffAccountError as exc:
        fail(str(exc), EXIT_FAILED)
    click.echo(f"Password of {username.strip().lower()} changed")


COMMANDS = [staff]
