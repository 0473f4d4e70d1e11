"""Whatever a reader types, the engine answers with a SearchResult (never a 500)."""

import random
import string

import pytest

from indexer.engine import SearchRequest, SearchResult

HOSTILE = [
    '"unbalanced',
    'title:"unbalanced',
    '""',
    ":::",
    "title:",
    "title: ",
    "isbn:",
    "year:",
    "year:abcd",
    "year:9999-0000",
    "-",
    "--",
    "- -medicine",
    "OR",
    "OR OR",
    "medicine OR",
    "OR medicine",
    "NOT",
    "AND AND NOT",
    "*",
    "**",
    "*medicine",
    "med*cine",
    "medic**",
    "title:*",
    "callnumber:*",
    "callnumber:[]{}\\^$.|?*+()",
    "(",
    ")",
    "((medicine)",
    "\\",
    '\\\\"',
    "🙂",
    "🙂 medicine 🙂*",
    "medicine\x00clinical",
    "\x00",
    "\x1b[31mred",
    "<script>alert(1)</script>",
    "'; DROP TABLE records; --",
    "http://example.org/?q=a:b&c=d",
    "ratio 1:2",
    "a" * 5000,
    " ".join(["ab"] * 60),
    "callnumber:" + "W" * 300 + "*",
    "978-0-19-852663-6-7-8",
    "9" * 40,
    "x" * 41 + "*",
    "中文 医学",
    "\u202e\u200b\ufeff",
]


def _junk(seed: int, size: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.printable) for _ in range(size))


@pytest.mark.parametrize("text", HOSTILE + [_junk(seed, 10_000) for seed in range(3)])
def test_hostile_queries_return_a_result(search, text):
    for request in (
        {"highlight": True, "facets": ("format",)},
        {"sort": "year_desc", "limit": 0},
    ):
        result = search(text, **request)
        assert isinstance(result, SearchResult)
        assert result.total >= len(result.hits)


def test_random_short_queries(engine):
    rng = random.Random(99)
    alphabet = string.printable + '"-:*()ÄéΩ🙂\x00'
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert isinstance(engine.search(SearchRequest(text=text, highlight=True)), SearchResult)


def test_text_with_nothing_searchable_finds_nothing_but_blank_finds_everything(search):
    assert search("🙂").total == 0
    assert search(":::").total == 0
    assert search("").total == search("*").total == 30
