"""Every error the indexer raises on purpose sits in the one hierarchy of indexer/errors.py."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import indexer
from indexer.errors import IndexerError, RecordError, RequestError


def indexer_modules():
    for info in pkgutil.walk_packages(indexer.__path__, "indexer."):
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # an optional engine or the queue without its extras
            continue


def test_every_error_class_of_the_indexer_is_an_indexer_error():
    strays = [
        f"{module.__name__}.{name}"
        for module in indexer_modules()
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException)
        and cls.__module__.startswith("indexer.")
        and not issubclass(cls, IndexerError)
    ]
    assert strays == []


def test_protocol_errors_are_request_errors_and_a_bad_xml_record_a_record_error():
    from indexer.feed.availability import AvailabilityRequestError
    from indexer.feed.oai_args import OaiError
    from indexer.feed.tokens import BadTokenError
    from indexer.sources.marcxml import MarcXmlError

    for cls in (OaiError, BadTokenError, AvailabilityRequestError):
        assert issubclass(cls, RequestError)
    assert issubclass(MarcXmlError, RecordError)
