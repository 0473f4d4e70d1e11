"""[library.fulltext] in the libraries file: a resolver or DOI link, or a clear error."""

from __future__ import annotations

import pytest

from indexer.errors import ConfigError
from indexer.fulltext.config import DEFAULT_RFR_ID
from indexer.libraries import load_consortium

HEAD = """
[[library]]
code = "RDE"
name = "Royal Devon and Exeter Healthcare Library"
proxy = "https://go.openathens.net/redirector/nhs.uk?url="
"""


def load(tmp_path, table: str):
    path = tmp_path / "libraries.toml"
    path.write_text(HEAD + table, encoding="utf-8")
    return load_consortium(path).libraries["RDE"]


def test_a_resolver_and_a_doi_link(tmp_path):
    lib = load(
        tmp_path,
        '[library.fulltext]\nresolver = "https://rde.resolver.example/openurl"\n'
        'doi_link = "https://libkey.io/libraries/1/{doi}"\n',
    )
    assert lib.fulltext.resolver == "https://rde.resolver.example/openurl"
    assert lib.fulltext.doi_link == "https://libkey.io/libraries/1/{doi}"
    assert lib.fulltext.proxy is True and lib.fulltext.rfr_id == DEFAULT_RFR_ID


def test_a_library_without_one_has_none(tmp_path):
    assert load(tmp_path, "").fulltext is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('fulltext = "https://x.example/"', "fulltext must be a table"),
        ("[library.fulltext]\nproxy = false", "needs a resolver"),
        ('[library.fulltext]\nresolver = "ftp://x.example/"', "resolver must be an http(s) URL"),
        ('[library.fulltext]\ndoi_link = "https://x.example/"', "containing {doi}"),
        ('[library.fulltext]\nresolver = "https://x.example/"\nproxy = "yes"', "true or false"),
        ('[library.fulltext]\nresolvr = "https://x.example/"', "unknown key(s) resolvr"),
        ('[library.fulltext]\nresolver = "https://x.example/"\nrfr_id = "a b"', "rfr_id"),
    ],
)
def test_mistakes_name_the_library_and_the_key(tmp_path, table, message):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, table)
    assert "library #1 (RDE)" in str(caught.value) and message in str(caught.value)
