"""The feed's configuration from the deployment settings (shared by the web app and exports)."""

from __future__ import annotations

from urllib.parse import urlparse

from indexer.feed import tokens
from indexer.feed.oai import OaiProvider, Repository
from indexer.feed.source import ReadOnlyStore
from indexer.staff.secret import persistent_secret

# Used when LANTERN_BASE_URL is unset: identifiers must not depend on how a request arrived.
FALLBACK_HOST = "lantern.local"


def identifier_host(settings) -> str:
    """The namespace of oai:HOST:ID identifiers: the base URL's host name."""
    return settings.oai_host or urlparse(settings.base_url or "").hostname or FALLBACK_HOST


def org_code(consortium) -> str:
    return consortium.code or "Lantern"


def token_key(settings) -> bytes:
    """Stable across restarts and shared by every web process of one deployment: from
    LANTERN_SECRET_KEY, else from the random key kept in DATA_DIR/secret_key (owner-only),
    never from anything a harvester could guess, such as the data directory's path."""
    return tokens.signing_key(settings.secret_key or persistent_secret(settings.data_dir))


def open_provider(
    settings, engine, consortium, base_url: str, page_size: int | None = None
) -> OaiProvider:
    host = identifier_host(settings)
    site = (settings.base_url or "").rstrip("/")
    repository = Repository(
        name=consortium.name or "Lantern union catalogue",
        base_url=base_url,
        host=host,
        admin_email=settings.oai_admin_email or f"library@{host}",
        org_code=org_code(consortium),
        record_url=f"{site}/record/{{id}}" if site else "",
    )
    store = ReadOnlyStore(settings.data_dir / "catalogue.sqlite")
    kwargs = {"page_size": page_size} if page_size else {}
    return OaiProvider(repository, store, engine, consortium, token_key(settings), **kwargs)
