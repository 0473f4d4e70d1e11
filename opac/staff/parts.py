"""The console's parts, as its home page lists them: each part's blueprint adds itself here,
and the home page shows the parts whose endpoint the app has and whose role the user has."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from indexer.staff.accounts import Account, check_role


@dataclass(frozen=True)
class ConsolePart:
    endpoint: str  # for url_for, e.g. "staff_synonyms.index"
    title: str
    description: str
    role: str = "viewer"


PARTS: list[ConsolePart] = []


def add_console_part(endpoint: str, title: str, description: str, role: str = "viewer") -> None:
    """List a part on the console's home page (once, however often its module is imported)."""
    part = ConsolePart(endpoint, title, description, check_role(role))
    if part not in PARTS:
        PARTS.append(part)


def visible_parts(account: Account) -> list[ConsolePart]:
    registered = current_app.view_functions
    return [p for p in PARTS if p.endpoint in registered and account.may(p.role)]


add_console_part(
    "staff.audit",
    "Audit log",
    "Every change made in the console and by the lantern staff command.",
    "admin",
)
