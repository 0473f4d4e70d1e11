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


class SpecError(RuleError, ValueError):
    """A spec string of a mapping rule does not follow the spec language."""


class StoreError(IndexerError):
    """The catalogue store could not save a change (a full disk, a damaged or read-only file):
    the change is not kept, and the command that made it can be run again."""


class LoadRunningError(IndexerError):
    """A queued load of the same library is still under way: one at a time per library."""


class RecordError(IndexerError):
    """A source record is broken; it is skipped, counted and reported, never fatal."""


class MarcXmlError(RecordError):
    """One MARCXML <record> element is unusable (reason in the message)."""


class EngineError(IndexerError):
    """The search engine failed."""


class EngineUnavailableError(EngineError):
    """The engine cannot be reached or opened (an outage, not zero results)."""


class NothingLoadedError(EngineUnavailableError):
    """The data directory holds no index or catalogue yet: nothing has been loaded into it."""


class IndexLockedError(EngineError):
    """Another process holds the index writer lock."""


class RequestError(IndexerError, ValueError):
    """The caller's mistake: a malformed request, or one asking for something that does not
    exist. Answered with an HTTP 400 or the protocol's own error; never an engine failure."""


class LibraryCodeError(RequestError):
    """A library code that cannot be one (not letters and digits), or one that is neither in
    the libraries file nor among the libraries loaded (the message says which)."""


class UnknownFieldError(RequestError):
    """A request names a facet or field the index does not have."""


class OaiError(RequestError):
    """An OAI-PMH request the repository answers with an <error code="..."> element."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BadTokenError(RequestError):
    """A resumption token we did not issue, one that was altered, or one that has expired."""


class AvailabilityRequestError(RequestError):
    """An availability request names no ids, too many, or an id_type other than bib or item."""


class JudgementError(ConfigError):
    """A query set (relevance judgements) file or import cannot be read; says where."""


class TuningError(RequestError):
    """A synonym or boosts edit that cannot be published or previewed as asked (a bad name,
    an unknown version)."""


class InvalidTuningError(TuningError):
    """The text has errors (`report` names each by line); nothing was written."""

    def __init__(self, message: str, report) -> None:
        super().__init__(message)
        self.report = report


class StaleEditError(TuningError):
    """The file changed on disk since the editor opened it: `diff` shows what changed there,
    `live_hash` is the text on disk now. Nothing was written."""

    def __init__(self, message: str, diff: str, live_hash: str) -> None:
        super().__init__(message)
        self.diff = diff
        self.live_hash = live_hash


class StaffAccountError(IndexerError):
    """A staff account cannot be created or changed as asked: a bad username, role or password,
    an account that already exists or does not exist (the message says which)."""


class MeshFileError(IndexerError):
    """The file given to `lantern mesh import` is not a MeSH descriptor file (or is broken);
    the vocabulary already imported is kept."""


class MeshNotImportedError(IndexerError):
    """No MeSH vocabulary has been imported into the data directory yet."""
