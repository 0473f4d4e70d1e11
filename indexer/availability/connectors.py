"""The one small interface every connector has, and where connectors come from.

A connector is made from a library's AvailabilityConfig and answers `statuses(records)`: for
a batch of the library's records (record id -> the ids of its items the index knows, as its
holdings keep them: barcodes or the system's item numbers), the status of each copy its system
knows, read now. Systems asked by record use the record ids; systems asked by item (SIP2) the
item ids. It raises ConnectorError when the system cannot be
asked or its answer cannot be read; it never waits longer than the config's timeout.

Built in: koha-ilsdi (Koha's ILS-DI GetRecords: barcodes and due dates), ilsdi (DLF ILS-DI
GetAvailability, any system serving the standard), daia, sip2. A region adds its own kind
(for example Koha's REST API or OCLC WMS) without changing Lantern: a package that declares
an entry point in the group `lantern.availability`, named as the kind, pointing at a class (or
factory) called with the AvailabilityConfig:

    [project.entry-points."lantern.availability"]
    koha-rest = "nhs_sw_lantern.koha_rest:KohaRestConnector"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from importlib.metadata import entry_points
from typing import Protocol

from indexer.availability.config import AvailabilityConfig
from indexer.availability.model import CopyStatus
from indexer.errors import ConfigError

ENTRY_POINTS = "lantern.availability"
BUILT_IN = {
    "koha-ilsdi": "indexer.availability.koha:KohaConnector",
    "ilsdi": "indexer.availability.ilsdi:IlsdiConnector",
    "daia": "indexer.availability.daia:DaiaConnector",
    "sip2": "indexer.availability.sip2:Sip2Connector",
}


class Connector(Protocol):
    def statuses(self, records: Mapping[str, Sequence[str]]) -> list[CopyStatus]: ...


def kinds() -> list[str]:
    """Every kind a libraries file may name: the built-in ones and the installed ones."""
    return sorted({*BUILT_IN, *(ep.name for ep in entry_points(group=ENTRY_POINTS))})


def make_connector(config: AvailabilityConfig) -> Connector:
    if config.kind in BUILT_IN:
        module, name = BUILT_IN[config.kind].split(":")
        return getattr(import_module(module), name)(config)
    for ep in entry_points(group=ENTRY_POINTS, name=config.kind):
        return ep.load()(config)
    raise ConfigError(
        f"availability kind {config.kind!r} is not known (known: {', '.join(kinds())})"
    )
