"""Profile files: every shipped one loads; mistakes are RuleErrors naming the file and key."""

from __future__ import annotations

import pytest

from indexer.errors import RuleError
from indexer.holdings import PROFILES, available_profiles, clear_profile_cache, load_profile

GOOD = """
[profile]
name = "local"
tag = "952"
default_status = "available"

[detect]
requires = "ab"

[fields]
site = "b"
call_number = "o"

[[status]]
subfield = "7"
nonzero = "reference"
"""


@pytest.fixture
def schemas(tmp_path):
    """A deployment's own schemas dir (LANTERN_SCHEMAS_DIR) with a holdings/ folder."""
    (tmp_path / "holdings").mkdir()
    yield tmp_path / "holdings"
    clear_profile_cache()


def test_every_shipped_profile_loads():
    assert set(PROFILES) <= set(available_profiles())
    for name in PROFILES:
        profile = load_profile(name)
        assert profile.name == name
        assert profile.is_auto == (name == "auto")
    assert load_profile("koha952") is load_profile("koha952")  # compiled once


def test_own_profile_from_schemas_dir(schemas):
    (schemas / "local.toml").write_text(GOOD)
    profile = load_profile("local", schemas.parent)
    assert profile.holdings.tags == ("952",)
    assert available_profiles(schemas.parent) == ("local",)
    assert "local" not in available_profiles()  # the shipped ones, unless told otherwise


def test_own_profile_names_its_shelving_locations(schemas):
    (schemas / "local.toml").write_text(GOOD + '[locations]\nstk = "Stacks"\n')
    assert load_profile("local", schemas.parent).locations == {"STK": "Stacks"}
    (schemas / "bad.toml").write_text(GOOD.replace("local", "bad") + '[locations]\nSTK = ""\n')
    line = GOOD.count("\n") + 2  # the line of STK, so an editor can jump to it
    with pytest.raises(RuleError, match=rf"bad.toml:{line}: locations.STK: must be CODE"):
        load_profile("bad", schemas.parent)


def test_unknown_profile_name(schemas):
    with pytest.raises(RuleError, match="no holdings profile 'koha'"):
        load_profile("koha", schemas.parent)
    with pytest.raises(RuleError, match="not a plain name"):
        load_profile("../koha952", schemas.parent)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('nonzero = "reference"', 'nonzero = "gone"', r"status\[0\]\.nonzero: 'gone' is not"),
        ('call_number = "o"', 'barcode = "p"', r"fields\.barcode: unknown key"),
        ('call_number = "o"', 'call_number = "$o"', r"fields\.call_number: '\$o' is not"),
        ('name = "local"', 'name = "other"', r"profile\.name: 'other' must match"),
        ('tag = "952"', 'tag = "95"', r"profile\.tag: must be a three-digit"),
        ('nonzero = "reference"', 'nonzero = "reference"\npresent = "on_loan"', r"exactly one"),
        ('nonzero = "reference"', 'pattern = "(["\nstatus = "on_loan"', r"status\[0\]\.pattern"),
        ('nonzero = "reference"', "map = { 1 = 'lost', 2 = 'lots' }", r"status\[0\]\.map\.2"),
        ('subfield = "7"', 'subfield = "7q"', r"status\[0\]\.subfield: must be one"),
        ('requires = "ab"', 'require = "ab"', r"detect\.require: unknown key"),
        ('default_status = "available"', 'default_status = "ok"', r"default_status: 'ok'"),
    ],
)
def test_profile_mistakes_name_file_and_key(schemas, old, new, message):
    assert old in GOOD
    path = schemas / "local.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(RuleError, match=message) as caught:
        load_profile("local", schemas.parent)
    assert str(path) in str(caught.value)


def test_auto_candidates_must_exist(schemas):
    (schemas / "local.toml").write_text(GOOD)
    (schemas / "auto.toml").write_text(
        '[profile]\nname = "auto"\ncandidates = ["local", "sirsi999"]\n'
    )
    with pytest.raises(RuleError, match=r"candidates\[1\]: no holdings profile 'sirsi999'"):
        load_profile("auto", schemas.parent)
