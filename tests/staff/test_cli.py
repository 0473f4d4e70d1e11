"""`lantern staff` end to end with click's runner: accounts made, listed, changed and removed,
every change in the audit log as "cli", passwords never shown or stored as typed."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from indexer.staff import accounts, audit
from indexer.staff.store import staff_db_path
from lantern.cli import main
from opac import create_app
from tests.staff.conftest import sign_in, signed_in

PASSWORD = "three random words"


@pytest.fixture()
def data_dir(tmp_path):
    return tmp_path / "instance"


def staff(data_dir, *args, input=None):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "staff", *args], input=input)


def test_add_list_password_remove(data_dir):
    added = staff(
        data_dir, "add", "J.Smith", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    assert added.output == "Added j.smith (admin)\n"
    staff(data_dir, "add", "a.jones", "--role", "viewer", "--password-stdin", input=PASSWORD + "\n")
    listed = staff(data_dir, "list")
    lines = listed.output.splitlines()
    assert [line.split()[:2] for line in lines] == [["a.jones", "viewer"], ["j.smith", "admin"]]
    changed = staff(
        data_dir, "password", "j.smith", "--password-stdin", input="a new long passphrase\n"
    )
    assert changed.exit_code == 0 and "changed" in changed.output
    assert accounts.authenticate(data_dir, "j.smith", PASSWORD) is None
    assert accounts.authenticate(data_dir, "j.smith", "a new long passphrase").role == "admin"
    removed = staff(data_dir, "remove", "a.jones")
    assert removed.exit_code == 0 and removed.output == "Removed a.jones\n"
    assert [a.username for a in accounts.list_accounts(data_dir)] == ["j.smith"]


def _stored_bytes(data_dir) -> bytes:
    """The database and its write-ahead log, as a thief with a copy of them would read them."""
    path = staff_db_path(data_dir)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_every_change_is_audited_as_cli_and_no_password_is_stored(data_dir):
    staff(data_dir, "add", "j.smith", "--role", "editor", "--password-stdin", input=PASSWORD + "\n")
    staff(data_dir, "password", "j.smith", "--password-stdin", input="a new long passphrase\n")
    stored = _stored_bytes(data_dir)
    assert PASSWORD.encode() not in stored and b"a new long passphrase" not in stored
    assert b"$argon2id$" in stored
    staff(data_dir, "remove", "j.smith")
    entries = audit.entries(data_dir)
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("cli", "account.remove", "j.smith"),
        ("cli", "account.password", "j.smith"),
        ("cli", "account.add", "j.smith"),
    ]
    assert [e.diff for e in entries] == [
        "role: editor -> (removed)",
        "password changed",
        "role: editor",
    ]


def test_the_prompt_asks_twice_and_does_not_echo(data_dir):
    typed = staff(data_dir, "add", "j.smith", "--role", "viewer", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert typed.exit_code == 0, typed.output
    assert PASSWORD not in typed.output and "Repeat for confirmation" in typed.output
    mismatch = staff(
        data_dir,
        "add",
        "k.smith",
        "--role",
        "viewer",
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert "do not match" in mismatch.output and mismatch.exit_code == 0
    assert PASSWORD not in mismatch.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "x y", "--role", "admin", "--password-stdin"], PASSWORD, "a username is"),
        (["add", "j.smith", "--role", "admin", "--password-stdin"], "short", "12 to 1024"),
        (["add", "j.smith", "--role", "owner", "--password-stdin"], PASSWORD, "owner"),
        (["password", "nobody", "--password-stdin"], PASSWORD, "there is no account 'nobody'"),
        (["remove", "nobody"], None, "there is no account 'nobody'"),
    ],
)
def test_mistakes_are_refused_with_the_reason(data_dir, args, stdin, message):
    result = staff(data_dir, *args, input=None if stdin is None else stdin + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert stdin is None or stdin not in result.output  # a password is never echoed


def test_a_second_account_of_the_same_name_is_refused(data_dir):
    staff(data_dir, "add", "j.smith", "--role", "viewer", "--password-stdin", input=PASSWORD + "\n")
    again = staff(
        data_dir, "add", "J.SMITH", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert again.exit_code == 1 and "already an account 'j.smith'" in again.output
    assert accounts.get(data_dir, "j.smith").role == "viewer"


def test_the_audit_log_is_append_only_and_survives_a_restart(settings):
    audit.record(settings.data_dir, "cli", "probe.restart", "kept")
    with sqlite3.connect(staff_db_path(settings.data_dir)) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'someone else'")
    restarted = create_app(settings=settings).test_client()
    sign_in(restarted, "ann.admin")
    assert signed_in(restarted)
    assert "probe.restart" in restarted.get("/staff/audit").get_data(as_text=True)


def test_an_account_made_on_the_command_line_can_sign_in(settings):
    made = staff(
        settings.data_dir,
        "add",
        "new.librarian",
        "--role",
        "viewer",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0
    client = create_app(settings=settings).test_client()
    assert sign_in(client, "new.librarian", PASSWORD).status_code == 303
    assert "new.librarian" in client.get("/staff/").get_data(as_text=True)


def test_role_gives_another_role_at_the_next_request(settings):
    cli = ["--data-dir", str(settings.data_dir), "staff"]
    runner = CliRunner()
    made = runner.invoke(
        main, [*cli, "add", "rita.role", "--role", "viewer", "--password-stdin"], input=PASSWORD
    )
    assert made.exit_code == 0, made.output
    client = create_app(settings=settings).test_client()
    sign_in(client, "rita.role", PASSWORD)
    assert client.get("/staff/audit").status_code == 403
    promoted = runner.invoke(main, [*cli, "role", "rita.role", "admin"])
    assert promoted.exit_code == 0 and promoted.output == "rita.role is now admin\n"
    assert client.get("/staff/audit").status_code == 200
    (entry,) = [
        e for e in audit.entries(settings.data_dir, limit=1000) if e.action == "account.role"
    ]
    assert (entry.actor, entry.target, entry.diff) == ("cli", "rita.role", "role: viewer -> admin")
    assert runner.invoke(main, [*cli, "role", "nobody", "admin"]).exit_code == 1
