"""Loading the rules: every mistake in a rules file is caught at load time, naming file + rule."""

import shutil
from pathlib import Path

import pytest

from indexer.errors import RuleError
from indexer.mapping import TARGETS, load_rules

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

GOOD_RULE = '[[rule]]\nfield = "title"\nfrom = ["245anp"]\nsteps = ["trim_punctuation"]\n'


def write_rules(tmp_path, body: str) -> Path:
    path = tmp_path / "broken_rules.toml"
    path.write_text(GOOD_RULE + "\n" + body, encoding="utf-8")
    return path


NOTES = '[[rule]]\nfield = "notes"\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            NOTES + 'from = ["500a"]\nsteps = ["uniqe"]\n',
            "unknown step 'uniqe' (did you mean 'unique'?)",
        ),
        (
            NOTES + 'from = ["041a"]\nsteps = [{ step = "map", table = "langauges" }]\n',
            "unknown map 'langauges' (did you mean 'languages'?)",
        ),
        (
            '[[rule]]\nfield = "authors"\nmacro = "author"\n',
            "unknown macro 'author' (did you mean 'authors'?)",
        ),
        ('[[rule]]\nfield = "subjects"\nfrom = ["650a"]\n', "unknown target field 'subjects'"),
        (NOTES + 'from = ["50a"]\n', "cannot read spec '50a'"),
        (NOTES + 'from = ["008|12|a"]\n', "control field"),
        (NOTES + 'form = ["500a"]\n', "unknown key 'form' (did you mean 'from'?)"),
        (
            NOTES + 'from = ["300a"]\nsteps = [{ step = "join", sep = "; " }]\n',
            "step 'join' has no argument 'sep' (did you mean 'separator'?)",
        ),
        (
            '[[rule]]\nfield = "isbn"\nfrom = ["020a"]\nsteps = [{ step = "isbn", form = "x" }]\n',
            "form must be one of",
        ),
        (
            '[[rule]]\nfield = "title_sort"\nmacro = "imprint"\n',
            "macro 'imprint' does not produce 'title_sort'",
        ),
        (
            NOTES + 'from = ["500a"]\nsteps = [{ step = "reject" }]\n',
            "step 'reject' needs argument(s) ['values']",
        ),
    ],
)
def test_a_broken_rule_is_a_rule_error_naming_file_and_rule(tmp_path, body, expected):
    path = write_rules(tmp_path, body)
    with pytest.raises(RuleError) as caught:
        load_rules(path, schemas_dir=SCHEMAS)
    message = str(caught.value)
    assert str(path) in message
    assert "rule 2 (" in message  # the good rule is rule 1
    assert expected in message


def test_rules_that_are_not_toml_name_the_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nfield = "title\n', encoding="utf-8")
    with pytest.raises(RuleError, match="rules.toml:2: the rules file is not valid TOML"):
        load_rules(path, schemas_dir=SCHEMAS)


def test_a_rule_mistake_names_the_line_of_its_rule(tmp_path):
    path = tmp_path / "rules.toml"
    text = '# remark\n[[rule]]\nfield = "title"\nfrom = ["245a"]\n\n[[rule]]\nfield = "titel"\n'
    path.write_text(text + 'from = ["245b"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules.toml:6: rule 2 \(titel\): unknown target field"):
        load_rules(path, schemas_dir=SCHEMAS)


def test_a_broken_format_table_is_a_rule_error(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMAS / "maps", schemas / "maps")
    (schemas / "formats.toml").write_text('[[format]]\nname = "Book"\ntpye = "a"\n')
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nfield = "format"\nmacro = "format"\n')
    with pytest.raises(RuleError, match=r"format rule 1 \(Book\): unknown condition \['tpye'\]"):
        load_rules(rules, schemas_dir=schemas)


def test_the_schemas_dir_is_passed_not_read_from_the_environment(tmp_path, monkeypatch, one_record):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, schemas)
    # A librarian's edit to the code table in that directory shows up in the mapped record.
    languages = schemas / "maps" / "languages.toml"
    languages.write_text(
        languages.read_text(encoding="utf-8").replace('urd = "Urdu"', 'urd = "Urdu (edited)"'),
        encoding="utf-8",
    )
    mapper = load_rules(schemas_dir=schemas)
    assert mapper.source == schemas / "marc21.toml"
    mapped = mapper.map(one_record("openlibrary__9999_sd_dates.mrc"))
    assert mapped["languages"] == ["Urdu (edited)"]
    # The setting travels as an argument (to every worker); the environment is not consulted.
    monkeypatch.setenv("LANTERN_SCHEMAS_DIR", str(schemas))
    assert load_rules().source == SCHEMAS / "marc21.toml"


def test_every_target_is_filled_by_the_shipped_rules(mapper, records):
    """Each key of a mapped record has a rule behind it (no key stays empty by oversight)."""
    filled = set()
    for name in (
        "nlnz-pymarc_basics__NLNZ_100_example_marc.marc",
        "evergreen__concerto-bibs_etextbooks.extracted.xml",
        "evergreen__concerto-bibs_concerto.extracted.xml",
        "lc-marcedit__marc_sample_data.mrc",
        "evergreen__badisbns.xml",
        "evergreen__concerto-bibs_graphic_880.extracted.xml",
        "evergreen__concerto-bibs_booking.extracted.xml",
    ):
        for rec in records(name):
            mapped = mapper.map(rec)
            assert set(mapped) == set(TARGETS)
            filled |= {k for k, v in mapped.items() if v not in (None, [])}
    # coverage comes from KBART lists only; no record here has a PubMed id (built records in
    # test_mapping_article_ids.py have).
    assert set(TARGETS) - filled == {"coverage", "pmid"}


def test_mapped_record_has_every_key_with_empty_values_when_absent(mapper, one_record):
    mapped = mapper.map(one_record("openlibrary__talis_no_title2.mrc"))
    assert list(mapped) == list(TARGETS)
    for key, shape in TARGETS.items():
        if shape == "many":
            assert isinstance(mapped[key], list)
    assert mapped["title"] is None and mapped["authors"] == [] and mapped["isbn"] == []
