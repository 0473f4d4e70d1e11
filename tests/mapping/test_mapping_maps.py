"""The code tables cover the codes the shared data uses."""

import tomllib
from pathlib import Path

import pytest

MAPS = Path(__file__).resolve().parents[2] / "schemas" / "maps"

# Codes found in 008/35-37 of shared records that are not MARC language codes at all
# (typos and hand-made test values); they must stay unnamed rather than be guessed.
NOT_MARC_LANGUAGE_CODES = {"jap", "ser", "ltv", "lth", "sir"}


def table(name):
    return tomllib.loads((MAPS / f"{name}.toml").read_text(encoding="utf-8"))


def test_language_table_has_the_special_codes():
    languages = table("languages")
    assert languages["und"] == "Undetermined"
    assert languages["zxx"] == "No linguistic content"
    assert languages["mul"] == "Multiple languages"
    assert languages["eng"] == "English" and languages["wel"] == "Welsh"
    assert len(languages) > 480
    assert not NOT_MARC_LANGUAGE_CODES & set(languages)


def test_relator_table():
    relators = table("relators")
    assert relators["aut"] == "author" and relators["edt"] == "editor"
    assert relators["ths"] == "thesis advisor" and relators["ive"] == "interviewee"
    assert len(relators) > 280


@pytest.mark.slow
def test_every_language_code_in_the_shared_data_has_a_name(mapper, records, marc_dir):
    languages = table("languages")
    missing = {}
    for path in sorted(marc_dir.iterdir()):
        if path.suffix not in (".mrc", ".marc", ".xml"):
            continue
        try:
            file_records = records(path.name)
        except Exception:  # unreadable files belong to the reader's tests, not these
            continue
        for rec in file_records:
            if rec.record_type not in "acdefgijkmoprt":
                continue
            for code in rec_codes(mapper.map(rec)):
                if code not in languages and code not in NOT_MARC_LANGUAGE_CODES:
                    missing.setdefault(code, path.name)
    assert missing == {}


def rec_codes(mapped):
    return [c for c in mapped["language_codes"] if len(c) == 3 and c.isalpha()]
