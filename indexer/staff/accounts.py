"""Staff accounts: username, role (viewer < editor < admin) and an Argon2id password hash.

Why argon2-cffi rather than werkzeug's scrypt: Argon2id is the first choice of OWASP's password
storage guidance and RFC 9106, it is memory-hard (each guess costs 64 MiB with the library's
defaults), and the hash string carries its parameters, so `check_needs_rehash` upgrades old
hashes at the next sign-in when the defaults are raised. Passwords are never logged, stored or
echoed; the audit log says "password changed", not what to.

Usernames are case-insensitive (stored lower-case), so "J.Smith@nhs.net" from a single sign-on
proxy and "j.smith@nhs.net" typed at the prompt are one account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from indexer.errors import StaffAccountError
from indexer.staff import audit
from indexer.staff.store import connect

ROLES = ("viewer", "editor", "admin")  # each may do what the ones before it may
ROLE_MEANINGS = {
    "viewer": "sees the console: reports, search logs, evaluation results",
    "editor": "also changes search: synonyms, boosts, judgements, merges",
    "admin": "also reads the audit log",
}
MIN_PASSWORD, MAX_PASSWORD = 12, 1024  # long passphrases welcome; the cap bounds hashing work
USERNAME = re.compile(r"[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong username takes as long as a wrong
    password and the time taken does not tell which accounts exist. Made on first use: every
    `lantern` command imports this module, and a hash costs 64 MiB and some milliseconds."""
    return _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    created: str
    updated: str
    session_epoch: int

    def may(self, role: str) -> bool:
        """True when this account's role is `role` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


def normalise_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise StaffAccountError(
            "a username is 1-64 letters, digits and . _ @ - (starting and ending with a letter "
            "or digit), for example j.smith or j.smith@nhs.net"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise StaffAccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StaffAccountError(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters "
            "(three random words make a good one)"
        )
    return password


def _account(row) -> Account:
    return Account(
        row["username"], row["role"], row["created"], row["updated"], row["session_epoch"]
    )


def get(data_dir: Path, username: str) -> Account | None:
    try:
        name = normalise_username(username)
    except StaffAccountError:
        return None
    with connect(data_dir) as db:
        row = db.execute("SELECT * FROM accounts WHERE username = ?", (name,)).fetchone()
    return _account(row) if row else None


def list_accounts(data_dir: Path) -> list[Account]:
    with connect(data_dir) as db:
        rows = db.execute("SELECT * FROM accounts ORDER BY username").fetchall()
    return [_account(row) for row in rows]


def add(data_dir: Path, username: str, role: str, password: str, *, actor: str) -> Account:
    name, role = normalise_username(username), check_role(role)
    hashed = _hasher.hash(check_password(password))
    now = audit.utc_now()
    with connect(data_dir, write=True) as db:
        if db.execute("SELECT 1 FROM accounts WHERE username = ?", (name,)).fetchone():
            raise StaffAccountError(f"there is already an account {name!r}")
        db.execute(
            "INSERT INTO accounts (username, role, password_hash, created, updated) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, role, hashed, now, now),
        )
        audit.append(db, actor, "account.add", name, f"role: {role}")
    return Account(name, role, now, now, 0)


def _existing(db, username: str) -> str:
    name = normalise_username(username)
    if not db.execute("SELECT 1 FROM accounts WHERE username = ?", (name,)).fetchone():
        raise StaffAccountError(f"there is no account {name!r}")
    return name


def remove(data_dir: Path, username: str, *, actor: str) -> None:
    with connect(data_dir, write=True) as db:
        name = _existing(db, username)
        role = db.execute("SELECT role FROM accounts WHERE username = ?", (name,)).fetchone()[0]
        db.execute("DELETE FROM accounts WHERE username = ?", (name,))
        audit.append(db, actor, "account.remove", name, f"role: {role} -> (removed)")


def set_role(data_dir: Path, username: str, role: str, *, actor: str) -> None:
    """A new role, in force from the account's next request (each request reads the role)."""
    role = check_role(role)
    with connect(data_dir, write=True) as db:
        name = _existing(db, username)
        old = db.execute("SELECT role FROM accounts WHERE username = ?", (name,)).fetchone()[0]
        db.execute(
            "UPDATE accounts SET role = ?, updated = ? WHERE username = ?",
            (role, audit.utc_now(), name),
        )
        audit.append(db, actor, "account.role", name, f"role: {old} -> {role}")


def set_password(data_dir: Path, username: str, password: str, *, actor: str) -> None:
    """A new password; every session signed in with the old one ends."""
    hashed = _hasher.hash(check_password(password))
    with connect(data_dir, write=True) as db:
        name = _existing(db, username)
        db.execute(
            "UPDATE accounts SET password_hash = ?, updated = ?, "
            "session_epoch = session_epoch + 1 WHERE username = ?",
            (hashed, audit.utc_now(), name),
        )
        audit.append(db, actor, "account.password", name, "password changed")


def end_sessions(data_dir: Path, username: str) -> None:
    """Sign the account out everywhere (its sessions carry the old epoch)."""
    with connect(data_dir, write=True) as db:
        db.execute(
            "UPDATE accounts SET session_epoch = session_epoch + 1 WHERE username = ?",
            (username,),
        )


def authenticate(data_dir: Path, username: str, password: str) -> Account | None:
    """The account when the password is right; None for a wrong password, an unknown or
    malformed username alike (after the same hashing work)."""
    try:
        name = normalise_username(username)
    except StaffAccountError:
        name = ""
    with connect(data_dir) as db:
        row = db.execute("SELECT * FROM accounts WHERE username = ?", (name,)).fetchone()
    too_long = len(password) > MAX_PASSWORD  # no account has one; hash no more than the cap
    try:
        _hasher.verify(row["password_hash"] if row else _dummy_hash(), password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or too_long:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        with connect(data_dir, write=True) as db:
            db.execute(
                "UPDATE accounts SET password_hash = ? WHERE username = ?",
                (_hasher.hash(password), name),
            )
    return _account(row)
