"""A library's [library.availability] table: how to ask its system how its copies are now.

```toml
[library.availability]
kind = "koha-ilsdi"               # koha-ilsdi, ilsdi, daia, sip2, or a region's own
url = "https://koha.example.nhs.uk/cgi-bin/koha/ilsdi.pl"
timeout = 1.5                     # seconds a page waits for this system at most
ttl = 60                          # seconds an answer is shared between readers
record_id = "{record_id}"         # how the system names a record (the index's record id in it)
username_env = "RDE_ILS_USER"     # credentials: the NAMES of environment variables, never
password_env = "RDE_ILS_PASSWORD" # the secrets themselves
```
Any other key is handed to the connector as an option (a string, number or true/false).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_TIMEOUT_S = 1.5
DEFAULT_TTL_S = 60.0
URL_SCHEMES = ("http://", "https://", "tcp://", "tls://")  # tcp/tls: a socket protocol (SIP2)
_COMMON = {"kind", "url", "timeout", "ttl", "record_id", "username_env", "password_env"}


@dataclass(frozen=True)
class AvailabilityConfig:
    kind: str
    url: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    ttl: float = DEFAULT_TTL_S
    record_id: str = "{record_id}"
    username_env: str | None = None
    password_env: str | None = None
    options: Mapping[str, object] = field(default_factory=dict, hash=False)

    def system_id(self, record_id: str) -> str:
        """The id the system knows the index's `record_id` by."""
        return self.record_id.replace("{record_id}", record_id)

    def credentials(self) -> tuple[str, str] | None:
        """(user, password) from the environment variables named, or None."""
        if not self.username_env:
            return None
        return os.environ.get(self.username_env, ""), os.environ.get(self.password_env or "", "")


def read_availability(entry: dict, fail) -> AvailabilityConfig | None:
    """The library's [library.availability] table, or None when it has none."""
    table = entry.get("availability")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise fail("availability must be a table (kind = ..., url = ...)")
    kind = table.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise fail("availability: kind must name a connector (koha-ilsdi, ilsdi, daia, ...)")
    url = table.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(URL_SCHEMES)):
        raise fail("availability: url must be an http(s) URL, or tcp:// or tls:// host:port")
    numbers = {}
    for key, default in (("timeout", DEFAULT_TIMEOUT_S), ("ttl", DEFAULT_TTL_S)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise fail(f"availability: {key} must be a number of seconds, 0 or more")
        numbers[key] = float(value)
    texts = {}
    for key in ("record_id", "username_env", "password_env"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(f"availability: {key} must be a non-empty string")
        texts[key] = value
    if texts["record_id"] is not None and "{record_id}" not in texts["record_id"]:
        raise fail("availability: record_id must contain {record_id}")
    options = {k: v for k, v in table.items() if k not in _COMMON}
    for key, value in options.items():
        if not isinstance(value, str | int | float | bool):
            raise fail(f"availability: {key} must be a string, number or true/false")
    return AvailabilityConfig(
        kind=kind.strip(),
        url=url,
        timeout=numbers["timeout"],
        ttl=numbers["ttl"],
        record_id=texts["record_id"] or "{record_id}",
        username_env=texts["username_env"],
        password_env=texts["password_env"],
        options=options,
    )
