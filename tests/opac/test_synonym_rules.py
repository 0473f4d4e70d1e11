"""Solr-syntax synonym rules and how they widen a parsed query (the reader's words stay)."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.expansion import expand_synonyms
from indexer.engine.querylang import AllOf, AnyOf, Phrase, Word, parse_query
from indexer.engine.synonyms import SynonymFiles, load_rules

REPO = Path(__file__).resolve().parents[2]


def rules_of(tmp_path, text):
    path = tmp_path / "rules.txt"
    path.write_text(text)
    return load_rules([path])


def test_equivalent_one_way_and_multi_word_rules(tmp_path):
    rules = rules_of(
        tmp_path,
        "# comment\nanaemia, anemia\nMI => myocardial infarction\n"
        "GORD, gastro-oesophageal reflux disease\n",
    )
    assert rules.alternatives("Anaemia") == ("anemia",)
    assert rules.alternatives("anemia") == ("anaemia",)
    assert rules.alternatives("mi") == ("myocardial infarction",)
    assert rules.alternatives("myocardial infarction") == ()  # one way only
    assert rules.alternatives("Gastro-Oesophageal reflux disease") == ("GORD",)


def test_expansion_keeps_the_readers_words_and_leaves_exclusions_alone(tmp_path):
    rules = rules_of(tmp_path, "heart attack, myocardial infarction\nanaemia, anemia\n")
    parsed = expand_synonyms(parse_query("heart attack nursing -anaemia"), rules)
    widened, plain = parsed.required
    assert isinstance(widened, AnyOf)
    assert widened.options[0] == AllOf((Word("heart"), Word("attack")))
    assert Phrase("myocardial infarction") in widened.options
    assert plain == Word("nursing")
    assert parsed.excluded == (Word("anaemia"),)
    fielded = expand_synonyms(parse_query("author:anaemia"), rules)
    assert fielded.required == (Word("anaemia", "author"),)


def test_the_shipped_health_list_covers_spellings_lay_terms_and_abbreviations():
    rules = load_rules([REPO / "synonyms" / "health.txt"])
    for term, other in [
        ("oesophagus", "esophagus"),
        ("paediatric", "pediatric"),
        ("haemorrhage", "hemorrhage"),
        ("oedema", "edema"),
        ("heart attack", "myocardial infarction"),
        ("stroke", "cerebrovascular accident"),
        ("GORD", "GERD"),
        ("COPD", "chronic obstructive pulmonary disease"),
    ]:
        assert other in rules.alternatives(term), term


def test_files_are_read_again_when_they_change(tmp_path):
    files = SynonymFiles(tmp_path)
    assert files.rules().alternatives("ward") == ()
    (tmp_path / "local.txt").write_text("ward, unit\n")
    assert files.rules().alternatives("ward") == ("unit",)
    (tmp_path / "local.txt").write_text("ward, unit, bay\n")
    assert files.rules().alternatives("ward") == ("unit", "bay")
