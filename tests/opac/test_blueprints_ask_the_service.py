"""The web layer reaches the index through the search service only (one place to change)."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_no_blueprint_reaches_past_the_search_service_to_its_engine():
    service = REPO / "opac" / "search" / "service.py"
    reaching = [
        str(path.relative_to(REPO))
        for path in (REPO / "opac").rglob("*.py")
        if path != service and re.search(r"\.engine\b(?!\.)", path.read_text())
    ]
    assert reaching == []
