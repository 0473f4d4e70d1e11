"""Absolute URLs (feeds, OAI-PMH, OpenSearch, OpenAPI, permanent links), never from a Host
header nobody vouched for.

They come from LANTERN_BASE_URL, which a production deployment sets. Without it, from the
request's host, but only once Flask has checked that host against TRUSTED_HOSTS: the hosts
LANTERN_ALLOWED_HOSTS names, or else the loopback names a development server answers to (any
other Host gets 400). Nothing is kept from one request for the next.
"""

from __future__ import annotations

from flask import current_app, request, url_for

# What `lantern serve` and `lantern demo` on this machine are reached by (ports are not compared).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def allowed_hosts(settings) -> list[str]:
    return [h.strip().lower() for h in settings.allowed_hosts.split(",") if h.strip()]


def trusted_hosts(settings) -> list[str] | None:
    """Flask's TRUSTED_HOSTS: None (any Host) only when URLs come from LANTERN_BASE_URL alone."""
    listed = allowed_hosts(settings)
    if settings.base_url:
        return listed or None
    return listed or list(LOOPBACK_HOSTS)


def public_root() -> str:
    """The OPAC's public address, without a final slash."""
    base = current_app.config["LANTERN_SETTINGS"].base_url
    return base.rstrip("/") if base else request.host_url.rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """`url_for` made absolute with the public address."""
    return public_root() + url_for(endpoint, **values)
