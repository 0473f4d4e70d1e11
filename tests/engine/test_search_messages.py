"""What a search says about itself: how the records shown matched, a better spelling from the
catalogue's own words, the synonyms that widened it (issue 17, item 4)."""

from __future__ import annotations

import shutil

from indexer.engine import SearchRequest
from indexer.engine.fields import SHIPPED_SYNONYMS
from indexer.engine.querylang import parse_query
from indexer.engine.searching import suggestion
from indexer.engine.tantivy.engine import TantivyEngine


def test_nothing_found_is_not_called_close_matches_or_some_of_the_words(search):
    result = search("zzzzqqqq wwwwkkkk")  # tried as typed, with typos, with any word
    assert result.total == 0 and not result.fuzzy and not result.relaxed


def test_a_word_only_in_subject_headings_is_offered_as_the_better_spelling(search):
    result = search("psychopharmacolgy")  # "Psychopharmacology" is a subject, in no title
    assert result.total == 1 and result.fuzzy
    assert result.suggestion == "psychopharmacology"
    assert search("psychopharmacolgy", limit=0).suggestion is None  # a count respells nothing


def test_words_found_as_typed_get_no_suggestion(search):
    assert search("asthma").suggestion is None


def test_the_suggestion_is_never_the_query_itself():
    parsed = parse_query("Asthma")
    assert suggestion("Asthma", parsed, lambda p, text: "asthma", lambda text: 1) is None
    assert suggestion("astma", parsed, lambda p, text: "asthma", lambda text: 1) == "asthma"


def test_a_field_name_put_right_is_offered_when_it_finds_something(search):
    assert search("titel:rheumatology").suggestion == "title:rheumatology"
    assert search("titel:pediatrics").suggestion is None  # "pediatrics" is in no title


def test_the_synonyms_that_widened_a_search_are_reported_and_can_be_left_out(
    catalogue_dir, tmp_path
):
    shutil.copy(SHIPPED_SYNONYMS / "boosts.toml", tmp_path / "boosts.toml")
    (tmp_path / "health.txt").write_text("kinderheilkunde, pediatrics\n", encoding="utf-8")
    reader = TantivyEngine(catalogue_dir, synonyms_dir=tmp_path)
    try:
        widened = reader.search(SearchRequest(text="kinderheilkunde"))
        assert widened.total == 1 and widened.expanded == (("kinderheilkunde", ("pediatrics",)),)
        own = reader.search(SearchRequest(text="kinderheilkunde", synonyms=False))
        assert own.total == 0 and own.expanded == ()
    finally:
        reader.close()
