"""The OpenSearch index definition follows schemas/fields.toml, and changes to it show in review.

Regenerate the golden file after an intended change with:
    LANTERN_UPDATE_GOLDEN=1 python -m pytest tests/engine/test_opensearch_mapping.py
"""

import json
import os
from pathlib import Path

import pytest

from indexer.engine import document_preparer
from indexer.engine.fields import load_fields
from indexer.engine.opensearch.mapping import STEMMED, UNSTEMMED, index_body, to_source
from indexer.errors import EngineError
from tests.engine.catalogue import by_id

GOLDEN = Path(__file__).parent / "golden" / "opensearch_index.json"
TYPES = {"text": "text", "keyword": "keyword", "int": "integer", "stored": "object"}


def test_every_field_is_mapped_with_its_type():
    fields = load_fields()
    mapped = index_body(fields)["mappings"]["properties"]
    assert set(mapped) == set(fields)
    for name, f in fields.items():
        assert mapped[name]["type"] == TYPES[f.type], name
        if f.type == "text":
            assert mapped[name]["analyzer"] == STEMMED
            twin = mapped[name].get("fields", {}).get("unstemmed")
            assert (twin is not None) == f.exact, name
            if twin:
                assert twin["analyzer"] == UNSTEMMED
        if f.type == "stored":
            assert mapped[name]["enabled"] is False


def test_the_analysers_fold_and_stem_like_tantivy():
    analysis = index_body(load_fields())["settings"]["analysis"]
    stemmed, unstemmed = analysis["analyzer"][STEMMED], analysis["analyzer"][UNSTEMMED]
    assert stemmed["filter"][-1] == "lantern_english"
    assert analysis["filter"]["lantern_english"] == {"type": "snowball", "language": "English"}
    assert unstemmed["filter"] == stemmed["filter"][:-1]
    assert {"lowercase", "asciifolding"} <= set(unstemmed["filter"])


def test_mapping_matches_the_golden_file():
    body = index_body(load_fields())
    if os.environ.get("LANTERN_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    assert body == json.loads(GOLDEN.read_text()), (
        "the OpenSearch index definition changed; if intended, regenerate with "
        "LANTERN_UPDATE_GOLDEN=1 python -m pytest tests/engine/test_opensearch_mapping.py"
    )


def test_preparer_gives_the_bulk_action_pair():
    prepare = document_preparer("opensearch", load_fields())
    action, source = prepare(by_id("oxtext"))
    assert action == {"index": {"_id": "oxtext"}}
    assert source["isbn"] == ["0198526636"]  # compact form, as Tantivy indexes it
    assert source["title_exact"] == ["oxford textbook of medicine"]
    assert source["display"]["title"] == "Oxford textbook of medicine"
    json.dumps([action, source])  # one NDJSON line each


def test_documents_with_unknown_fields_or_bad_ints_are_refused():
    fields = load_fields()
    with pytest.raises(EngineError, match="not in fields.toml"):
        to_source({"id": "x", "colour": "red"}, fields)
    with pytest.raises(EngineError, match="not an integer"):
        to_source({"id": "x", "year": "MCMXC"}, fields)
    with pytest.raises(EngineError, match="string id"):
        to_source({"title": "no id"}, fields)
