"""Deployment settings: one table of `LANTERN_*` environment variables, with defaults and help.

The worker, the command line and the web app read the same `Settings` object. Mapping rules,
synonyms and the libraries file are data files, not settings; settings only say where they are.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, fields
from pathlib import Path

from indexer.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "instance", "Directory for the index, load reports and other state"),
    Setting("libraries", "", "Consortium libraries TOML file (default: DATA_DIR/libraries.toml)"),
    Setting("schemas_dir", str(REPO_ROOT / "schemas"), "Mapping rules and index fields"),
    Setting("synonyms_dir", str(REPO_ROOT / "synonyms"), "Synonym files and boosts.toml"),
    Setting("engine", "tantivy", "Search engine: tantivy (embedded) or opensearch"),
    Setting("opensearch_url", "", "OpenSearch URL, when LANTERN_ENGINE=opensearch"),
    Setting(
        "opensearch_ca",
        "",
        "CA bundle (PEM file) that signed the OpenSearch cluster's certificate "
        "(empty: the public CAs of certifi)",
    ),
    Setting(
        "opensearch_verify_hostname",
        "on",
        "Check that the OpenSearch certificate names the URL's host (on/off; off still "
        "checks the certificate against the CA)",
    ),
    Setting(
        "opensearch_replicas",
        "1",
        "Replicas of each OpenSearch index shard (0 on a one-node cluster; set at each rebuild)",
    ),
    Setting("redis_url", "redis://127.0.0.1:6379/0", "Redis URL of the Celery broker"),
    Setting("merge", "on", "Merge one title held by several libraries into one result (on/off)"),
    Setting("workers", "0", "Processes that parse and map during a load (0: one per core)"),
    Setting("writer_threads", "2", "Tantivy indexing threads of the single writer"),
    Setting("writer_heap_mb", "256", "Tantivy writer memory budget in MB"),
    Setting(
        "facet_cache",
        "256",
        "Searches whose facet counts each OPAC process keeps for "
        "the next page or sort order of the same search (Tantivy; 0 keeps none)",
    ),
    Setting(
        "warm_searches",
        "1000",
        "Most asked searches (from the search log, and the blank search) the OPAC answers "
        "ahead of readers after each commit, for every process (Tantivy; 0: none)",
    ),
    Setting("host", "127.0.0.1", "Address the OPAC listens on"),
    Setting("port", "5000", "Port the OPAC listens on"),
    Setting(
        "base_url",
        "",
        "Public base URL of the OPAC (feeds, OAI-PMH, permanent links); required in production",
    ),
    Setting(
        "allowed_hosts",
        "",
        "Host names the OPAC answers to, comma-separated (.example.nhs.uk: its subdomains too); "
        "without LANTERN_BASE_URL they give the feeds' URLs; neither set: localhost only",
    ),
    Setting(
        "relevance_dir",
        "",
        "Query sets of relevance judgements, one CSV each (default: DATA_DIR/relevance)",
    ),
    Setting(
        "secret_key",
        "",
        "Key signing the staff session cookie and OAI-PMH resumption tokens (empty: a random "
        "key kept in DATA_DIR/secret_key, readable by its owner only)",
    ),
    Setting(
        "oai_host",
        "",
        "Host name of the OAI-PMH identifiers oai:HOST:ID (default: the "
        "host of LANTERN_BASE_URL); a harvester keys records by it, so keep it stable",
    ),
    Setting(
        "search_log_days",
        "90",
        "Days the search log (DATA_DIR/searchlog.sqlite) keeps readers' searches; 0 turns it off",
    ),
    Setting("oai_admin_email", "", "The OAI-PMH Identify adminEmail (default: library@HOST)"),
    # The staff console's (/staff/).
    Setting(
        "staff_idle_minutes", "30", "Minutes without a request after which staff are signed out"
    ),
    Setting(
        "staff_login_limit",
        "5 per minute; 20 per hour",
        "Failed staff sign-ins allowed from one client address (any usernames) before 429",
    ),
    Setting(
        "staff_limit_storage",
        "memory://",
        "Where failed sign-ins are counted: memory:// (each OPAC process its own count) or "
        "a redis:// URL (one count for every process)",
    ),
    Setting(
        "staff_trusted_header",
        "",
        "Header set by an authenticating reverse proxy naming the staff user (e.g. "
        "X-Remote-User); empty: off. The proxy must strip it from clients' requests",
    ),
    Setting(
        "proxy_hops",
        "0",
        "Reverse proxies in front of the OPAC whose X-Forwarded-For/-Proto to trust (0: none)",
    ),
    # The queue's (workers and `lantern load --queue`).
    Setting(
        "queue_prefix",
        "lantern",
        "Prefix of every Redis key of the queue (queues, loads): one per deployment",
    ),
    Setting(
        "queue_visibility_timeout",
        "3600",
        "Seconds after which a batch taken by a worker that vanished is delivered again",
    ),
    Setting(
        "queue_flush_records",
        "50000",
        "The writer indexes a load's stored records once this many wait (or the load ends)",
    ),
    Setting("queue_flush_seconds", "30", "...or once the oldest of them has waited this long"),
    Setting(
        "queue_pool_flush",
        "5000",
        "Dirty records from which the writer (run with --pool solo) builds documents on every core",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    libraries: Path
    schemas_dir: Path
    synonyms_dir: Path
    engine: str
    opensearch_url: str
    opensearch_ca: str
    opensearch_verify_hostname: bool
    opensearch_replicas: int
    redis_url: str
    merge: bool
    workers: int
    writer_threads: int
    writer_heap_mb: int
    facet_cache: int
    warm_searches: int
    host: str
    port: int
    base_url: str
    allowed_hosts: str
    relevance_dir: Path
    secret_key: str
    oai_host: str
    search_log_days: int
    oai_admin_email: str
    staff_idle_minutes: float
    staff_login_limit: str
    staff_limit_storage: str
    staff_trusted_header: str
    proxy_hops: int
    queue_prefix: str
    queue_visibility_timeout: int
    queue_flush_records: int
    queue_flush_seconds: float
    queue_pool_flush: int

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def search_log_path(self) -> Path:
        return self.data_dir / "searchlog.sqlite"

    @property
    def mesh_path(self) -> Path:
        return self.data_dir / "mesh.sqlite"


def _switch(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    said = str(value).strip().lower()
    if said not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"{env_name(name)}={value!r}: choose on or off")
    return said in ("on", "true", "1", "yes")


def without_credentials(url: str) -> str:
    """`url` with any user name and password taken out (for logs and stored metadata)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def env_name(setting: str) -> str:
    return "LANTERN_" + setting.upper()


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from `LANTERN_*` variables, then `overrides` (used by tests and the CLI)."""
    env = os.environ if environ is None else environ
    raw: dict[str, object] = {s.name: env.get(env_name(s.name), s.default) for s in SETTINGS}
    raw.update({k: v for k, v in overrides.items() if v is not None})
    data_dir = Path(str(raw["data_dir"])).expanduser()
    libraries = str(raw["libraries"]) or str(data_dir / "libraries.toml")
    raw["relevance_dir"] = str(raw["relevance_dir"]) or str(data_dir / "relevance")
    values: dict[str, object] = {}
    for f in fields(Settings):
        value = raw[f.name]
        try:
            if f.type == "int":
                value = int(str(value))
            elif f.type == "float":
                value = float(str(value))
            elif f.type == "Path":
                value = Path(str(value)).expanduser()
        except ValueError:
            kind = "a whole number" if f.type == "int" else "a number"
            raise ConfigError(f"{env_name(f.name)}={value!r} is not {kind}") from None
        values[f.name] = value
    values["data_dir"] = data_dir
    values["libraries"] = Path(libraries).expanduser()
    for name in ("merge", "opensearch_verify_hostname"):
        values[name] = _switch(name, values[name])
    if values["engine"] not in ("tantivy", "opensearch"):
        raise ConfigError(f"LANTERN_ENGINE={values['engine']!r}: choose tantivy or opensearch")
    return Settings(**values)  # type: ignore[arg-type]


def settings_of_load(stored: dict, environ: dict[str, str] | None = None) -> Settings:
    """The settings a queued load was planned with (kept in Redis), with the credentials of
    this process's own LANTERN_OPENSEARCH_URL when it names the same cluster: the stored URL
    never carries them."""
    own = load_settings(environ)
    values = dict(stored)
    url = str(values.get("opensearch_url") or "")
    if url and without_credentials(own.opensearch_url) == url:
        values["opensearch_url"] = own.opensearch_url
    return load_settings(environ, **values)
