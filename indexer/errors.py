"""One hierarchy of errors for the indexer, each named after its condition."""

from __future__ import annotations


class IndexerError(Exception):
    """Base of every error the indexer raises on purpose."""


class ConfigError(IndexerError):
    """A setting, the libraries file or another configuration file is wrong."""


class IndexSchemaError(ConfigError):
    """The index on disk was built with other fields than the schema defines now (an upgrade
    changed them): `lantern reindex` rebuilds it from the catalogue store."""


class RuleError(ConfigError):
    """A mapping rule or holdings profile cannot be loaded (names the file and the rule)."""


class RecordError(IndexerError):
    """A source record is broken; it is skipped, counted and reported, never fatal."""


class RequestError(IndexerError):
    """The request asks for something that does not exist: the caller's mistake (an HTTP 400),
    never an engine failure."""


class UnknownFieldError(RequestError):
    """A request names a facet or field the index does not have."""


class EngineError(IndexerError):
    """The search engine failed."""


class EngineUnavailableError(EngineError):
    """The engine cannot be reached or opened (an outage, not zero results)."""


class IndexLockedError(EngineError):
    """Another process holds the index writer lock."""
