"""Issue 21, item 3: boosts.toml and the synonym files a librarian edits never take search down
or silently change it. A broken edit leaves the last good configuration in use, and the error is
logged once, naming the file, the line and the reason."""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from indexer.engine import SearchRequest
from indexer.engine.fields import SHIPPED_SYNONYMS
from indexer.engine.synonyms import SynonymFiles, load_rules, read_rules
from indexer.engine.tantivy.engine import TantivyEngine
from indexer.tuning.synonyms_check import check_synonyms

SHIPPED_BOOSTS = (SHIPPED_SYNONYMS / "boosts.toml").read_text()
TITLE_LINE = SHIPPED_BOOSTS.splitlines().index("title = 10.0") + 1
TIE_LINE = SHIPPED_BOOSTS.splitlines().index("tie_breaker = 0.2") + 1


@pytest.fixture
def tuned(tmp_path, catalogue_dir):
    """A reader over the test catalogue whose boosts.toml and synonyms a test edits."""
    (tmp_path / "boosts.toml").write_text(SHIPPED_BOOSTS)
    (tmp_path / "local.txt").write_text("kinderheilkunde, pediatrics\n")
    reader = TantivyEngine(catalogue_dir, synonyms_dir=tmp_path)
    yield reader, tmp_path
    reader.close()


def save(path, content: str | bytes) -> None:
    """Write as an editor does; the time is moved on so the change is seen at once."""
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def answer(reader, text: str):
    found = reader.search(SearchRequest(text=text, limit=10))
    return found.total, [(h.id, round(h.score, 4)) for h in found.hits]


def errors(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "lantern.config"]


BROKEN_BOOSTS = {
    "a word for a weight": (SHIPPED_BOOSTS.replace("title = 10.0", 'title = "ten"'), TITLE_LINE),
    "a word for the tie breaker": (
        SHIPPED_BOOSTS.replace("tie_breaker = 0.2", 'tie_breaker = "x"'),
        TIE_LINE,
    ),
    "random bytes": (bytes(range(256)) * 4, 2),  # byte 129 is on line 2
    "an empty file": ("", None),
    "half saved": (SHIPPED_BOOSTS[: SHIPPED_BOOSTS.index("title = 10.0") + 5], TITLE_LINE),
}


@pytest.mark.parametrize("case", sorted(BROKEN_BOOSTS))
def test_a_broken_boosts_file_keeps_the_last_good_ranking_and_says_so_once(tuned, caplog, case):
    reader, directory = tuned
    good = [answer(reader, q) for q in ("clinical medicine", "title:medicine", "author:kumar")]
    content, line = BROKEN_BOOSTS[case]
    save(directory / "boosts.toml", content)
    with caplog.at_level(logging.ERROR, logger="lantern.config"):
        for _ in range(3):
            now = [
                answer(reader, q) for q in ("clinical medicine", "title:medicine", "author:kumar")
            ]
            assert now == good
    (message,) = errors(caplog)
    where = f"{directory / 'boosts.toml'}:{line}:" if line else f"{directory / 'boosts.toml'}:"
    assert where in message and "keeping the last good boosts" in message


def test_a_boosts_file_fixed_again_is_used_again(tuned, caplog):
    reader, directory = tuned
    save(directory / "boosts.toml", SHIPPED_BOOSTS.replace("title = 10.0", 'title = "ten"'))
    before = answer(reader, "clinical medicine")
    save(directory / "boosts.toml", SHIPPED_BOOSTS.replace("title = 10.0", "title = 1.0"))
    assert answer(reader, "clinical medicine") != before


def test_a_boosts_file_holding_only_fields_leaves_the_search_prefixes_alone(tuned, caplog):
    reader, directory = tuned
    asked = ("title:medicine", "author:kumar", "subject:pediatrics")
    before = [answer(reader, q)[0] for q in asked]
    assert all(before)
    save(directory / "boosts.toml", "[fields]\ntitle = 10.0\n")
    assert [answer(reader, q)[0] for q in asked] == before
    assert not errors(caplog)


MALFORMED_LINES = {
    "broken => => ,,": "has 2 `=>`",
    "=> nothing": "has nothing left of =>",
    '"heart attack, myocardial infarction': "unclosed quote",
    "lonely": "alone does nothing",
    "anaemia, , anemia": "empty term",
}


@pytest.mark.parametrize("line", sorted(MALFORMED_LINES))
def test_each_malformed_synonym_line_is_reported_with_its_line(line):
    rules, report = read_rules(f"anaemia, anemia\n{line}\nMI => myocardial infarction\n")
    assert [(p.line, MALFORMED_LINES[line] in p.message) for p in report.errors] == [(2, True)]
    assert [r.line for r in rules] == [1, 3]  # the other lines are rules
    assert check_synonyms(f"{line}\n").errors  # the console and the CLI check the same way


def test_a_broken_synonym_file_keeps_its_last_good_rules_and_says_so_once(tuned, caplog):
    reader, directory = tuned
    assert answer(reader, "kinderheilkunde")[0] == 1
    save(directory / "local.txt", "kinderheilkunde => => ,,\nward, unit\n")
    with caplog.at_level(logging.ERROR, logger="lantern.config"):
        for _ in range(3):
            assert answer(reader, "kinderheilkunde")[0] == 1
    (message,) = errors(caplog)
    assert f"{directory / 'local.txt'}:1: has 2 `=>`" in message


def test_a_synonym_file_broken_before_it_was_ever_read_gives_its_good_lines(tmp_path, caplog):
    (tmp_path / "new.txt").write_bytes(b"ward, unit\n\xff\xfe bay\n=> nothing\n")
    with caplog.at_level(logging.ERROR, logger="lantern.config"):
        rules = SynonymFiles(tmp_path).rules()
    assert rules.alternatives("ward") == ("unit",)
    (message,) = errors(caplog)
    assert f"{tmp_path / 'new.txt'}:2: is not UTF-8" in message
    assert f"{tmp_path / 'new.txt'}:3: has nothing left of =>" in message


def test_a_group_of_5000_terms_is_kept_in_space_linear_in_its_size(tmp_path):
    # Before issue 21 each term kept a list of all the others (25 million entries for this
    # line), built with a membership test on that list for each one: cubic, minutes per process.
    terms = [f"term{i}" for i in range(5000)]
    (tmp_path / "big.txt").write_text(", ".join(terms) + "\nMI => myocardial infarction\n")
    rules = load_rules([tmp_path / "big.txt"])
    kept = sum(len(g) for g in rules.groups) + sum(len(v) for v in rules.by_key.values())
    assert kept == 2 * 5000 + 2
    alternatives = rules.alternatives("term17")
    assert len(alternatives) == 4999 and "term17" not in alternatives
    assert rules.alternatives("MI") == ("myocardial infarction",)


def test_a_search_in_a_group_of_5000_terms_answers(tuned):
    reader, directory = tuned
    group = ["kinderheilkunde", *(f"term{i}" for i in range(4998)), "pediatrics"]
    save(directory / "local.txt", ", ".join(group) + "\n")
    assert answer(reader, "term17")[0] == 1  # the record about pediatrics


def test_a_copy_of_the_shipped_synonyms_reads_without_a_problem(tmp_path):
    shutil.copy(SHIPPED_SYNONYMS / "health.txt", tmp_path / "health.txt")
    rules, report = read_rules((tmp_path / "health.txt").read_bytes())
    assert report.ok and len(rules) > 50
