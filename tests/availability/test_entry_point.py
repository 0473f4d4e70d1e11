"""A region adds its own kind of system without changing Lantern: an installed package that
declares an entry point in the group lantern.availability."""

from __future__ import annotations

import importlib
import sys
import textwrap

from indexer.availability.connectors import kinds
from indexer.availability.live import LIVE, LiveAvailability
from indexer.libraries import load_consortium

CONNECTOR = '''
import datetime
from indexer.availability.model import CopyStatus

class RestConnector:
    """A region's own connector: every copy asked is on loan, as its REST API would say."""

    def __init__(self, config):
        self.config = config

    def statuses(self, records):
        read = datetime.datetime.now(datetime.UTC)
        return [
            CopyStatus(record_id, item, "on_loan", read, due_date=self.config.options["due"])
            for record_id, items in records.items()
            for item in items
        ]
'''


def test_an_installed_package_adds_a_kind_of_system(tmp_path, monkeypatch):
    (tmp_path / "region_rest.py").write_text(CONNECTOR)
    dist = tmp_path / "region_rest-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: region-rest\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[lantern.availability]\nkoha-rest = region_rest:RestConnector\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    assert "koha-rest" in kinds()
    libraries = tmp_path / "libraries.toml"
    libraries.write_text(
        textwrap.dedent(
            """\
            [consortium]
            name = "T"
            code = "T"
            [[library]]
            code = "A"
            name = "A"
            [library.availability]
            kind = "koha-rest"
            url = "https://koha.example.nhs.uk/api/v1"
            due = "2026-12-21"
            """
        )
    )
    live = LiveAvailability(load_consortium(libraries))
    answer = live.ask({"A": {"1001": ["B1"]}})["A"]
    assert answer.state == LIVE
    [copy] = answer.statuses["1001"]
    assert (copy.item_id, copy.status, copy.due_date) == ("B1", "on_loan", "2026-12-21")
    sys.modules.pop("region_rest", None)
