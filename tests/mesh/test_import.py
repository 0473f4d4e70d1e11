"""`lantern mesh import`: NLM's descriptor samples in, a vocabulary that answers lookups out."""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.errors import MeshFileError, MeshNotImportedError
from indexer.mesh.importer import import_mesh
from indexer.mesh.vocabulary import MeshVocabulary, term_key
from lantern.cli import main
from tests.conftest import shared

DESC_SAMPLES = ("synonyms", "meshrdf__desc-samples.xml")
MESH_2006 = ("synonyms", "exi-testsuite__MeSH-xml2006sample.xml")


def _gzipped_under_an_xml_name(source: Path, tmp_path: Path) -> Path:
    """The file gzipped, but named .xml: detection must go by the magic bytes."""
    target = tmp_path / "desc-samples-really-gzipped.xml"
    with open(source, "rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed)
    return target


@pytest.fixture
def vocabulary(tmp_path):
    target = tmp_path / "mesh.sqlite"
    counts = import_mesh(shared(*DESC_SAMPLES), target)
    assert (counts.descriptors, counts.trees) == (43, 71)
    with MeshVocabulary(target) as opened:
        yield opened


def test_a_descriptor_has_its_name_scope_note_terms_and_trees(vocabulary):
    calcimycin = vocabulary.descriptor("D000001")
    assert calcimycin.name == "Calcimycin"
    assert calcimycin.trees == ("D03.438.221.173",)
    assert calcimycin.scope_note.startswith("An ionophorous, polyether antibiotic")
    assert calcimycin.scope_note == calcimycin.scope_note.strip()
    terms = vocabulary.entry_terms("D000001")
    assert "calcimycin" in terms and "a-23187" in terms and "antibiotic a23187" in terms
    assert len(terms) == len(set(terms))
    assert vocabulary.descriptor("D999999") is None


def test_a_descriptor_without_tree_numbers_or_scope_note_still_imports(vocabulary):
    female = vocabulary.descriptor("D005260")
    assert female.name == "Female" and female.trees == ()


def test_every_entry_term_in_the_derived_list_finds_its_descriptor(vocabulary):
    listing = shared("synonyms", "mesh_entry_terms.derived.tsv")
    with open(listing, encoding="utf-8") as rows:
        pairs = [
            (row["mesh_ui"], row["entry_term"])
            for row in csv.DictReader(rows, delimiter="\t")
            if row["source"].endswith("desc-samples.xml")
        ]
    assert len(pairs) > 100
    missing = [(ui, term) for ui, term in pairs if term_key(term) not in vocabulary.entry_terms(ui)]
    assert missing == []


def test_an_entry_term_finds_its_descriptor_whatever_its_case(vocabulary):
    assert vocabulary.by_term("antibiotic A23187") == "D000001"
    assert vocabulary.by_term("  CALCIMYCIN ") == "D000001"
    assert vocabulary.by_term("Diabetes Mellitus") == "D003920"
    assert vocabulary.by_term("no such heading") is None


def test_narrower_goes_down_every_level_and_broader_one_level_up(vocabulary):
    assert vocabulary.narrower("A01.456.505") == ["D005123", "D005138"]  # Eye, Eyebrows
    assert vocabulary.narrower("A01.456.505.420.338") == []
    # "A01.456.505" must not match "A01.456.5050": the prefix ends at a dot
    assert "D005145" not in vocabulary.narrower("A01.456.50")
    assert vocabulary.broader("D005123") == ["D005145", "D012679"]  # Face, Sense Organs
    assert vocabulary.broader("D048909") == ["D003920"]  # Diabetes Mellitus
    assert vocabulary.broader("D012679") == []  # Sense Organs is a top of its tree


def test_the_2006_file_with_its_doctype_imports_without_fetching_the_dtd(tmp_path):
    counts = import_mesh(shared(*MESH_2006), tmp_path / "mesh.sqlite")
    assert counts.descriptors == 1
    with MeshVocabulary(tmp_path / "mesh.sqlite") as vocabulary:
        assert vocabulary.by_term("A23187, Antibiotic") == "D000001"
        assert vocabulary.descriptor("D000001").scope_note.endswith("biological systems.")


def test_a_gzipped_file_is_read_by_its_magic_bytes_not_its_name(tmp_path):
    packed = _gzipped_under_an_xml_name(shared(*DESC_SAMPLES), tmp_path)
    counts = import_mesh(packed, tmp_path / "mesh.sqlite")
    assert (counts.descriptors, counts.trees) == (43, 71)
    with MeshVocabulary(tmp_path / "mesh.sqlite") as vocabulary:
        assert vocabulary.by_term("a-23187") == "D000001"


def test_reimporting_replaces_the_vocabulary_and_an_open_reader_keeps_the_old(tmp_path):
    target = tmp_path / "mesh.sqlite"
    import_mesh(shared(*DESC_SAMPLES), target)
    with MeshVocabulary(target) as before:
        import_mesh(shared(*MESH_2006), target)
        assert before.descriptor("D003920").name == "Diabetes Mellitus"
        with MeshVocabulary(target) as after:
            assert after.descriptor("D003920") is None
            assert after.descriptor("D000001").trees == ("D03.438.221.173",)
    assert [p.name for p in tmp_path.iterdir()] == ["mesh.sqlite"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644


NOT_MESH = {
    "marcxml.xml": '<collection xmlns="http://www.loc.gov/MARC21/slim"><record/></collection>',
    "nested.xml": "<wrapper><DescriptorRecordSet><DescriptorRecord/></DescriptorRecordSet>"
    "</wrapper>",
    "empty-set.xml": "<DescriptorRecordSet></DescriptorRecordSet>",
    "no-ui.xml": "<DescriptorRecordSet><DescriptorRecord><DescriptorName><String>X</String>"
    "</DescriptorName></DescriptorRecord></DescriptorRecordSet>",
    "text.txt": "Calcimycin\tA-23187\n",
    "truncated.xml": "<DescriptorRecordSet><DescriptorRecord><DescriptorUI>D1</Descr",
}


@pytest.mark.parametrize("name", sorted(NOT_MESH))
def test_a_file_that_is_not_mesh_is_refused_and_the_old_vocabulary_kept(tmp_path, name):
    target = tmp_path / "mesh.sqlite"
    import_mesh(shared(*DESC_SAMPLES), target)
    bad = tmp_path / name
    bad.write_text(NOT_MESH[name])
    with pytest.raises(MeshFileError):
        import_mesh(bad, target)
    with MeshVocabulary(target) as vocabulary:
        assert vocabulary.descriptor("D003920").name == "Diabetes Mellitus"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mesh.sqlite", name])


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE DescriptorRecordSet SYSTEM "http://127.0.0.1:9/desc.dtd" [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
<!ENTITY secret SYSTEM "file:///etc/hostname">
]>
<DescriptorRecordSet>
 <DescriptorRecord>
  <DescriptorUI>D000001</DescriptorUI>
  <DescriptorName><String>Laughs &lol9;</String></DescriptorName>
  <ConceptList><Concept PreferredConceptYN="Y">
   <ScopeNote>Leaks &secret;</ScopeNote>
   <TermList><Term><String>Laughs &lol9;</String></Term></TermList>
  </Concept></ConceptList>
 </DescriptorRecord>
</DescriptorRecordSet>
"""


def test_a_billion_laughs_file_is_refused_unexpanded(tmp_path):
    # libxml2 stops at the amplification before any expansion reaches us: refused, nothing kept.
    hostile = tmp_path / "laughs.xml"
    hostile.write_text(BILLION_LAUGHS)
    with pytest.raises(MeshFileError, match="amplification"):
        import_mesh(hostile, tmp_path / "mesh.sqlite")
    assert [p.name for p in tmp_path.iterdir()] == ["laughs.xml"]


def test_entities_stay_unexpanded_and_the_dtd_and_files_unread(tmp_path):
    small = BILLION_LAUGHS.replace("&lol9;", "&lol2;")
    small = "\n".join(  # only the entities lol and lol2 declared
        line for line in small.splitlines() if not re.match(r"<!ENTITY lol[3-9]", line)
    )
    polite = tmp_path / "entities.xml"
    polite.write_text(small)
    import_mesh(polite, tmp_path / "mesh.sqlite")
    with MeshVocabulary(tmp_path / "mesh.sqlite") as vocabulary:
        laughs = vocabulary.descriptor("D000001")
        assert laughs.name == "Laughs &lol2;"
        assert laughs.scope_note == "Leaks &secret;"
        assert vocabulary.entry_terms("D000001") == ["laughs &lol2;"]


def test_no_vocabulary_yet_is_a_clear_error(tmp_path):
    with pytest.raises(MeshNotImportedError, match="lantern mesh import"):
        MeshVocabulary(tmp_path / "mesh.sqlite")


def test_the_command_imports_then_refuses_a_non_mesh_file_with_status_2(tmp_path):
    data_dir = tmp_path / "data"
    runner = CliRunner()
    packed = _gzipped_under_an_xml_name(shared(*DESC_SAMPLES), tmp_path)
    done = runner.invoke(main, ["--data-dir", str(data_dir), "mesh", "import", str(packed)])
    assert done.exit_code == 0, done.output
    assert "43 MeSH descriptors" in done.output and "71 tree numbers" in done.output
    assert len(done.output.strip().splitlines()) == 1
    bad = tmp_path / "records.xml"
    bad.write_text("<collection><record/></collection>")
    refused = runner.invoke(main, ["--data-dir", str(data_dir), "mesh", "import", str(bad)])
    assert refused.exit_code == 2
    assert "not a MeSH descriptor file" in refused.output
    with MeshVocabulary(data_dir / "mesh.sqlite") as vocabulary:
        assert vocabulary.by_term("Diabetes Mellitus") == "D003920"


def test_entry_terms_are_kept_as_nlm_writes_them_too(vocabulary):
    names = vocabulary.entry_names("D000001")
    assert "Calcimycin" in names and "Antibiotic A23187" in names
    assert len(names) == len(vocabulary.entry_terms("D000001"))


def test_a_vocabulary_imported_before_terms_were_kept_still_answers(tmp_path):
    import sqlite3

    old = tmp_path / "mesh.sqlite"
    db = sqlite3.connect(old)
    db.executescript(
        "CREATE TABLE descriptors (ui TEXT PRIMARY KEY, name TEXT NOT NULL, scope_note TEXT);"
        "CREATE TABLE terms (term_key TEXT NOT NULL, ui TEXT NOT NULL);"
        "CREATE TABLE trees (tree TEXT PRIMARY KEY, ui TEXT NOT NULL);"
        "INSERT INTO descriptors VALUES ('D006321', 'Heart', NULL);"
        "INSERT INTO terms VALUES ('heart', 'D006321'), ('hearts', 'D006321');"
    )
    db.commit()
    db.close()
    with MeshVocabulary(old) as opened:
        assert opened.entry_names("D006321") == ["heart", "hearts"]
