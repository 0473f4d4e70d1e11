"""What a reader needs to visit or reach a library or one of its sites, from the libraries file.

```toml
[[library]]
code = "RDE"
name = "Royal Devon and Exeter Healthcare Library"
address = ["Wonford Hospital, Barrack Road", "Exeter EX2 5DW"]   # or one string, lines split at \\n
hours = ["Staffed Monday to Friday, 8:30 to 17:00", "Open to staff 24 hours with an ID badge"]
phone = "01632 960 101"
email = "library@rde.example.nhs.uk"
website = "https://library.rde.example.nhs.uk/"
catalogue = "https://opac.rde.example.nhs.uk/"       # its own catalogue's front page
request_url = "https://library.rde.example.nhs.uk/request"  # how to request an item
ask_url = "mailto:library@rde.example.nhs.uk"               # how to ask a librarian
[library.sites]
RDEWON = "Wonford Library"            # a site with a name only, or a table with the same keys:
[library.sites.RDENDD]
name = "North Devon District Hospital Library"
address = "Raleigh Park\\nBarnstaple EX31 4JB"
hours = { "Monday to Thursday" = "9:00 to 17:00", "Friday" = "9:00 to 16:30" }
```

`hours` is either lines of free text or a table of days and times, shown as written. Every key
is optional; a site without details of its own is shown with its library's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

DETAIL_KEYS = (
    "address",
    "hours",
    "phone",
    "email",
    "website",
    "catalogue",
    "request_url",
    "ask_url",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+(?: ?(?:ext\.?|x) ?[0-9]+)?$", re.IGNORECASE)
MAX_LINES = 12


@dataclass(frozen=True, slots=True)
class Details:
    """Where a library or site is and how to reach it; every part may be missing."""

    address: tuple[str, ...] = ()
    hours: tuple[tuple[str, str], ...] = ()  # (days, times); days is "" for a free-text line
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    catalogue: str | None = None
    request_url: str | None = None
    ask_url: str | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def phone_link(self) -> str | None:
        """The phone number as a tel: URL (digits and a leading +), or None."""
        if not self.phone:
            return None
        number = re.split(r"(?i)ext|x", self.phone)[0]
        return "tel:" + re.sub(r"[^0-9+]", "", number)

    @property
    def hours_table(self) -> bool:
        """True when the hours are days and times (a table), not lines of text."""
        return any(days for days, _ in self.hours)


def read_details(entry: dict, fail) -> Details:
    """The detail keys of a [[library]] or site table; `fail(problem)` makes its ConfigError."""

    def text(key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a non-empty string")
        return value.strip()

    def url(key: str, *, mail: bool = False) -> str | None:
        value = text(key)
        if value is None:
            return None
        if value.lower().startswith("mailto:") and mail and _EMAIL.fullmatch(value[7:]):
            return value
        if not is_web(value):
            allowed = "an http(s) URL or a mailto: address" if mail else "an http(s) URL"
            raise fail(f"{key} must be {allowed}")
        return value

    phone = text("phone")
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 6):
        raise fail(f"phone {phone!r} must be a telephone number (digits, spaces, +, brackets)")
    email = text("email")
    if email and not _EMAIL.fullmatch(email):
        raise fail(f"email {email!r} must be an email address")
    return Details(
        address=_lines(entry.get("address"), "address", fail),
        hours=_hours(entry.get("hours"), fail),
        phone=phone,
        email=email,
        website=url("website"),
        catalogue=url("catalogue"),
        request_url=url("request_url", mail=True),
        ask_url=url("ask_url", mail=True),
    )


def _lines(value: object, key: str, fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a string or a list of strings (one a line)")
    lines = tuple(v.strip() for v in value if v.strip())
    if not lines or len(lines) > MAX_LINES:
        raise fail(f"{key} must have 1 to {MAX_LINES} non-empty lines")
    return lines


def _hours(value: object, fail) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        if not value or len(value) > MAX_LINES:
            raise fail(f"hours must have 1 to {MAX_LINES} rows")
        rows = []
        for days, times in value.items():
            if not isinstance(times, str) or not times.strip() or not days.strip():
                raise fail(f'hours: {days!r} needs its times as text, e.g. "9:00 to 17:00"')
            rows.append((days.strip(), times.strip()))
        return tuple(rows)
    return tuple(("", line) for line in _lines(value, "hours", fail))


def is_web(url: str) -> bool:
    """An http(s) URL with something after the scheme."""
    return url.lower().startswith(("http://", "https://")) and len(url) > len("https://")
