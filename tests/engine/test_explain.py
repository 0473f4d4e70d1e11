"""explain() on a real Tantivy index of the hand-written catalogue: each result's score in
words (fields matched, synonyms fired, bonuses applied)."""

from __future__ import annotations

import shutil

import pytest

from indexer.engine import SearchRequest
from indexer.engine.base import EXPLAIN
from indexer.engine.fields import SHIPPED_SYNONYMS
from indexer.engine.tantivy.engine import TantivyEngine


def explained(engine, text: str, **kwargs):
    request = SearchRequest(text=text, **kwargs)
    result = engine.search(request)
    return result, engine.explain(request, [h.id for h in result.hits])


def test_the_engine_offers_explain(engine):
    assert EXPLAIN in engine.capabilities


def test_a_title_match_is_explained_as_a_title_match_with_the_hit_score(engine):
    result, why = explained(engine, "clinical medicine")
    top = result.hits[0]
    assert top.id == "kumar"
    assert why["kumar"].score == pytest.approx(top.score, rel=1e-4)
    lines = why["kumar"].lines
    assert any(line.startswith("title matched 'clinical' (score ") for line in lines)
    assert any(line.startswith("title matched 'medicine' (score ") for line in lines)
    assert not any("author matched" in line for line in lines)
    # The very word in the title counts fully; the stemmed title by the tie breaker (dis_max).
    assert lines[0].startswith("title (the very word) matched 'clinical' (score ")
    assert lines[1].startswith("title matched 'clinical' (score ")
    assert lines[1].endswith(", counted at 20%)")


def test_the_exact_title_and_title_prefix_bonuses_are_named(engine):
    _, why = explained(engine, "the lancet")
    assert "bonus: the title is exactly the query (+200.0)" in why["lancet"].lines
    _, why = explained(engine, "oxford handbook")
    assert "bonus: the title starts with the query (+40.0)" in why["ohcm"].lines
    assert not any("exactly the query" in line for line in why["ohcm"].lines)


def test_the_preferred_library_bonus_applies_only_to_its_holdings(engine):
    _, why = explained(engine, "medicine", prefer_library="LIBC")
    mine = "bonus: held by the library you are searching (+1000.0)"
    assert mine in why["kumar"].lines  # held by LIBA and LIBC
    assert mine not in why["medicine"].lines  # LIBB only


def test_a_typo_search_says_typos_were_allowed(engine):
    result, why = explained(engine, "medicne")
    assert result.fuzzy
    first = why[result.hits[0].id].lines
    assert first[0].startswith("typos allowed")
    assert any("a typo allowed" in line for line in first)


def test_a_document_the_search_does_not_find_and_an_unknown_id(engine):
    why = engine.explain(SearchRequest(text="clinical medicine"), ["lancet", "no-such-id"])
    assert set(why) == {"lancet"}
    assert not why["lancet"].matched and why["lancet"].score == 0.0


def test_an_identifier_match_is_named(engine):
    _, why = explained(engine, "0198526636")
    assert "ISBN matched (+500)" in why["oxtext"].lines


@pytest.fixture(scope="module")
def with_synonyms(catalogue_dir, tmp_path_factory):
    """The same index read with a synonyms directory of its own: 'physick' also finds
    'medicine' (a word no record has, so only the synonym can find anything)."""
    directory = tmp_path_factory.mktemp("synonyms")
    shutil.copy(SHIPPED_SYNONYMS / "boosts.toml", directory / "boosts.toml")
    (directory / "old-words.txt").write_text(
        "physick => medicine\nnursing => qqcarers\n", encoding="utf-8"
    )
    reader = TantivyEngine(catalogue_dir, synonyms_dir=directory)
    yield reader
    reader.close()


def test_a_synonym_from_a_file_is_reported_as_fired(with_synonyms):
    result, why = explained(with_synonyms, "physick")
    assert result.total > 0
    fired = "also searched 'medicine' (synonym of 'physick', from old-words.txt): matched here"
    for hit in result.hits:
        assert fired in why[hit.id].lines
        assert any("matched 'medicine'" in line for line in why[hit.id].lines)


def test_a_synonym_that_does_not_match_a_record_is_said_so(with_synonyms):
    # "nursing => qqcarers": the alternative is searched, and no record has it.
    result, why = explained(with_synonyms, "nursing")
    lines = why[result.hits[0].id].lines
    assert (
        "also searched 'qqcarers' (synonym of 'nursing', from old-words.txt): not in this record"
        in lines
    )
    assert any(line.startswith("title matched 'nursing'") for line in lines)


def test_the_filters_decide_which_attempt_is_explained(engine):
    # "oxford medicine" has every word only in books: among journals the search falls back to
    # any word, and the journals it shows are explained with that attempt.
    result, why = explained(engine, "oxford medicine", filters=(("format", ("Journal",)),))
    assert result.relaxed and result.hits
    for hit in result.hits:
        assert why[hit.id].matched
        assert why[hit.id].lines[0] == "any of the words: no record had every word"
        assert why[hit.id].score == pytest.approx(hit.score, rel=1e-4)
