"""The web layer reaches the index through the search service only (one place to change)."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_no_blueprint_reaches_past_the_search_service_to_its_engine():
    # The Flask-free layer the blueprints ask: the search service and what is built on it.
    service_layer = (REPO / "opac" / "search", REPO / "opac" / "collections")
    reaching = [
        str(path.relative_to(REPO))
        for path in (REPO / "opac").rglob("*.py")
        if path.parent not in service_layer
        # an attribute `.engine` (`service().engine`, `service.engine.capabilities`), not the
        # module path `indexer.engine`
        and re.search(r"(?<!indexer)\.engine\b", path.read_text())
    ]
    assert reaching == []
