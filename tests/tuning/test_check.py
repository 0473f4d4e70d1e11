"""Checking a synonym file (errors by line, common words on a real index) and boosts.toml
(ranges, unknown keys, text fields)."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.fields import load_fields
from indexer.tuning.boosts import BOOSTS, check_boosts, labelled
from indexer.tuning.synonyms_check import COMMON_TERM_SHARE, check_synonyms
from opac.search.service import open_search_service
from opac.search.share import catalogue_share

REPO = Path(__file__).resolve().parents[2]


def errors_by_line(report) -> dict[int, str]:
    return {p.line: p.message for p in report.errors}


def test_the_shipped_files_pass():
    assert check_synonyms((REPO / "synonyms" / "health.txt").read_bytes()).as_dict()["ok"]
    shipped = (REPO / "synonyms" / "boosts.toml").read_text()
    assert check_boosts(shipped, load_fields()).ok


def test_each_broken_rule_is_named_by_its_line():
    text = (
        "\n".join(
            [
                "# a comment, then a good rule",
                "anaemia, anemia",
                "GORD =>",  # 3: nothing on the right
                "=> reflux",  # 4: nothing on the left
                "a => b => c",  # 5: two arrows
                "heart attack,, MI",  # 6: empty term
                "stroke",  # 7: one term alone
                "one two three four five six seven => x",  # 8: too long to be looked up
                "MI => myocardial infarction  # fine, with a comment",
                "-- , x",  # 10: a term with nothing to search
            ]
        ).encode()
        + b"\n\xff\xfeoops, x\n"
    )  # 11: not UTF-8
    report = check_synonyms(text)
    found = errors_by_line(report)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 10, 11]
    assert "right of =>" in found[3] and "left of =>" in found[4]
    assert "2 `=>`" in found[5]
    assert "empty term" in found[6]
    assert "alone does nothing" in found[7]
    assert "7 words" in found[8]
    assert "UTF-8" in found[11]
    assert not report.ok


def test_a_rule_expanding_a_very_common_word_is_warned_about_on_a_real_index(loaded):
    share = catalogue_share(open_search_service(loaded))
    assert share("history") > COMMON_TERM_SHARE > share("pocahontas") > 0
    report = check_synonyms("pocahontas, matoaka\nhistory => chronicle\n", share)
    assert report.ok
    assert [(p.line, "history" in p.message) for p in report.warnings] == [(2, True)]
    # the right side of => is never looked up, so a common word there is not warned about
    assert not check_synonyms("matoaka => history\n", share).warnings


def test_boosts_out_of_range_unknown_and_not_text_fields_are_errors():
    text = "\n".join(
        [
            "[fields]",
            "title = 1000.0",  # 2: out of range
            "format = 2.0",  # 3: a keyword field, not text
            "[matching]",
            'tie_breaker = "high"',  # 5: not a number
            "[phrase]",
            "slop = 1.5",  # 7: must be whole
            "[feilds]",
            "title = 1.0",  # 9: unknown section
            "[highlight]",
            'fields = ["title", "nope"]',  # 11: unknown field
            "[recency]",
            "boost = true",  # 13: a boolean is not a weight
        ]
    )
    found = errors_by_line(check_boosts(text, load_fields()))
    assert sorted(found) == [2, 3, 5, 7, 9, 11, 13]
    assert "out of range" in found[2] and "from 0.1 to 100" in found[2]
    assert "not a text field" in found[3]
    assert "whole number" in found[7]
    assert "not a setting" in found[9]
    assert "'nope'" in found[11]


def test_a_prefixes_table_left_in_boosts_is_a_warning_as_the_schema_holds_them_now():
    report = check_boosts('[fields]\ntitle = 9.0\n[prefixes]\ntitle = ["notes"]\n', load_fields())
    assert report.ok
    assert [(p.line, "schemas/fields.toml" in p.message) for p in report.warnings] == [(3, True)]


def test_boosts_that_are_not_toml_name_the_line():
    (problem,) = check_boosts("[fields]\ntitle = \n", load_fields()).errors
    assert problem.line == 2 and "not valid TOML" in problem.message


def test_every_shipped_weight_has_a_label_and_a_range():
    import tomllib

    data = tomllib.loads((REPO / "synonyms" / "boosts.toml").read_text())
    rows = labelled(data)
    keys = {key for key, *_ in rows}
    shipped = {f"{s}.{k}" for s, table in data.items() for k in table}
    assert keys == shipped
    title = next(r for r in rows if r[0] == "fields.title")
    assert title[1] == BOOSTS["fields.*"].label and "0.1 to 100" in title[3]
