"""MeSH in searching: headings linked to descriptors, entry terms as synonyms, mesh:"X" and
its explode (mesh:"X"+), on records loaded with `lantern load` beside an imported vocabulary."""

from __future__ import annotations

import pytest

from indexer.engine import SearchRequest, open_engine
from tests.mesh.conftest import load_records, run


def ids(client, query: str, **args) -> set[str]:
    answer = client.get("/api/v1/search", query_string={"q": query, "size": 100, **args})
    assert answer.status_code == 200, answer.get_json()
    return {r["id"] for r in answer.get_json()["results"]}


def test_a_mesh_heading_is_indexed_with_its_descriptor_and_every_broader_tree_number(
    mesh_settings,
):
    engine = open_engine(mesh_settings)
    try:
        found = engine.search(SearchRequest(filters=(("mesh_id", ("D009203",)),), limit=10))
        assert {h.id for h in found.hits} == {"UVA.h1", "UVB.h11"}
        under = engine.search(SearchRequest(filters=(("mesh_tree", ("C14.280.647",)),)))
        assert {h.id for h in under.hits} == {"UVA.h1", "UVB.h11", "UVB.h8"}
        record = engine.get("UVA.h1")
        assert record["mesh_links"] == {"Myocardial Infarction -- nursing": "D009203"}
    finally:
        engine.close()


def test_a_dnlm_heading_coded_mesh_in_2_and_one_with_a_full_stop_are_linked(client):
    assert ids(client, 'mesh:"Angina Pectoris"') == {"UVB.h8"}
    assert ids(client, 'mesh:"Atrial Fibrillation"') == {"UVA.h2"}
    assert ids(client, 'mesh:"Heart Failure"') == {"UVB.h10"}


def test_an_entry_term_finds_records_catalogued_under_its_descriptor(client):
    found = ids(client, "heart attack")
    assert {"UVA.h1", "UVB.h11"} <= found  # catalogued under Myocardial Infarction
    assert "UVB.h7" in found  # and the title that says it
    answer = client.get("/api/v1/search?q=heart+attack").get_json()
    # health.txt already says "myocardial infarction"; the heading is added, the term not twice
    also = ["myocardial infarction", "Myocardial Infarction (MeSH heading)"]
    assert answer["expanded"] == [{"words": "heart attack", "also": also}]


def test_an_entry_term_no_synonym_file_has_finds_the_heading(client):
    assert ids(client, "stenocardia") == {"UVB.h8"}  # Angina Pectoris
    assert "UVA.h3" in ids(client, "cardiac disorders")  # Heart Diseases


def test_without_synonyms_an_entry_term_is_only_its_words(client):
    assert ids(client, "heart attack", synonyms="off") == {"UVB.h7"}


def test_subject_phrase_matches_the_heading(client):
    assert ids(client, 'subject:"Heart Diseases"') >= {"UVA.h3"}


def test_mesh_heading_alone_is_that_descriptor_only(client):
    assert ids(client, 'mesh:"Heart Diseases"') == {"UVA.h3"}
    assert ids(client, 'mesh:"cardiac disorders"') == {"UVA.h3"}  # an entry term: the same


def test_explode_adds_every_narrower_heading(client):
    narrower = {"UVA.h1", "UVA.h2", "UVA.h3", "UVB.h8", "UVB.h10", "UVB.h11"}
    assert ids(client, 'mesh:"Heart Diseases"+') == narrower
    assert ids(client, 'mesh:"Heart Diseases"', explode="true") == narrower
    # Hypertension sits under Vascular Diseases (C14.907), not Heart Diseases (C14.280).
    assert ids(client, 'mesh:"Cardiovascular Diseases"+') == narrower | {"UVA.h4"}
    assert ids(client, "mesh:Hypertension+") == {"UVA.h4"}


@pytest.mark.skipif(
    not (__import__("tests.mesh.conftest").mesh.conftest.NLM_SAMPLES.exists()),
    reason="shared data not available: NLM's MeSH samples",
)
def test_explode_follows_nlm_trees(client):
    # Face A01.456.505 > Eye A01.456.505.420; Diabetes Mellitus C19.246 > its Complications.
    assert ids(client, 'mesh:"Eye"') == {"UVA.h5"}
    assert ids(client, 'mesh:"Diabetes Mellitus"') == set()
    assert ids(client, 'mesh:"Diabetes Mellitus"+') == {"UVA.h6"}
    assert ids(client, 'mesh:"Sense Organs"+') == {"UVA.h5"}


def test_a_heading_not_in_the_vocabulary_is_searched_as_subject_words_and_says_so(client):
    answer = client.get('/api/v1/search?q=mesh:"Snakebite lore"').get_json()
    assert [r["id"] for r in answer["results"]] == ["UVB.h9"]
    assert any("not a MeSH heading" in n for n in answer["notices"])


def test_with_no_vocabulary_records_load_and_mesh_searches_still_answer(tmp_path):
    from indexer.settings import load_settings
    from opac import create_app
    from tests.conftest import write_libraries

    settings = load_settings(environ={}, data_dir=tmp_path / "instance")
    write_libraries(settings.libraries, "UVA", "UVB")
    load_records(settings, tmp_path)
    client = create_app(settings=settings).test_client()
    assert "UVA.h3" in ids(client, 'mesh:"Heart Diseases"')  # the heading's words
    answer = client.get('/api/v1/search?q=mesh:"Heart Diseases"%2B').get_json()
    assert any("No MeSH vocabulary is imported" in n for n in answer["notices"])
    assert ids(client, "stenocardia") == set()  # an entry term of nothing imported
    assert "mesh_links" not in client.get("/api/v1/records/UVA.h1").get_json()
    run(settings, "search", "heart")


def test_the_query_language_reads_mesh_headings_and_their_explode():
    from indexer.engine.querylang import Heading, parse_query

    assert parse_query('mesh:"Heart Diseases"').required == (Heading("Heart Diseases"),)
    assert parse_query('mesh:"Heart Diseases"+').required == (Heading("Heart Diseases", True),)
    assert parse_query("mesh:Neoplasms+ care").required[0] == Heading("Neoplasms", True)
    assert parse_query('-mesh:"Humans"').excluded == (Heading("Humans"),)
    assert parse_query("mesh:+").required == ()  # nothing to search: ignored, never an error


def test_a_synonym_group_is_stored_once_whatever_its_size(tmp_path):
    from indexer.engine.synonyms import load_rules

    terms = [f"term {n}" for n in range(3000)]
    path = tmp_path / "big.txt"
    path.write_text(", ".join(terms) + "\n")
    rules = load_rules([path])
    assert sum(len(group) for group in rules.groups) == len(terms)  # not 3000 x 3000
    assert len(rules.alternatives("term 7")) == len(terms) - 1


def test_explain_says_a_record_matched_by_its_mesh_heading(mesh_settings):
    engine = open_engine(mesh_settings)
    try:
        explained = engine.explain(SearchRequest(text='mesh:"Heart Diseases"+'), ["UVB.h11"])
        lines = explained["UVB.h11"].lines
        said = "MeSH heading 'Heart Diseases' or a narrower heading matched"
        assert any(said in line for line in lines)
        widened = engine.explain(SearchRequest(text="stenocardia"), ["UVB.h8"])["UVB.h8"].lines
        assert any("synonym of 'stenocardia', from the MeSH vocabulary" in x for x in widened)
    finally:
        engine.close()
