"""Importing a vocabulary into a catalogue already loaded (or a newer year over an older one):
`lantern mesh import` links the headings again by itself, or says how to."""

from __future__ import annotations

from indexer.engine import SearchRequest, open_engine
from indexer.settings import load_settings
from tests.conftest import write_libraries
from tests.mesh.conftest import HEART, load_records, run


def linked(settings, ui: str) -> set[str]:
    engine = open_engine(settings)
    try:
        found = engine.search(SearchRequest(filters=(("mesh_id", (ui,)),), limit=50))
        return {h.id for h in found.hits}
    finally:
        engine.close()


def test_importing_into_a_loaded_catalogue_links_its_headings(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    write_libraries(settings.libraries, "UVA", "UVB")
    load_records(settings, tmp_path)
    assert linked(settings, "D009203") == set()  # loaded with no vocabulary: nothing linked
    skipped = run(settings, "mesh", "import", "--no-reindex", str(HEART))
    assert "run `lantern reindex`" in skipped.output
    assert linked(settings, "D009203") == set()
    done = run(settings, "mesh", "import", str(HEART))
    assert "Headings linked" in done.output
    assert linked(settings, "D009203") == {"UVA.h1", "UVB.h11"}


def test_a_newer_vocabulary_replaces_the_links_of_the_older(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    write_libraries(settings.libraries, "UVA", "UVB")
    run(settings, "mesh", "import", str(HEART))
    load_records(settings, tmp_path)
    assert linked(settings, "D001281") == {"UVA.h2"}
    # Next year's file: Atrial Fibrillation has a new UI (as descriptors are sometimes re-made).
    newer = tmp_path / "desc-next.xml"
    newer.write_text(HEART.read_text().replace("D001281", "D999001"))
    run(settings, "mesh", "import", str(newer))
    assert linked(settings, "D001281") == set()
    assert linked(settings, "D999001") == {"UVA.h2"}
