import random
import string

import pytest

from indexer.engine.querylang import (
    AnyOf,
    Identifier,
    ParsedQuery,
    Phrase,
    Word,
    YearRange,
    isbn_forms,
    issn_form,
    normalise_title,
    parse_query,
)


def test_plain_words_are_all_required():
    assert parse_query("oxford handbook") == ParsedQuery(
        required=(Word("oxford"), Word("handbook"))
    )


def test_phrase_exclusion_and_or():
    parsed = parse_query('"clinical medicine" -oxford cats OR dogs')
    assert parsed.required == (Phrase("clinical medicine"), AnyOf((Word("cats"), Word("dogs"))))
    assert parsed.excluded == (Word("oxford"),)


def test_or_chains_and_not():
    parsed = parse_query("a1 OR b2 OR c3 NOT d4")
    assert parsed.required == (AnyOf((Word("a1"), Word("b2"), Word("c3"))),)
    assert parsed.excluded == (Word("d4"),)


@pytest.mark.parametrize(
    "text, node",
    [
        ("title:medicine", Word("medicine", "title")),
        ("TITLE: medicine", Word("medicine", "title")),
        ('author:"kumar clark"', Phrase("kumar clark", "author")),
        ("subject:asthma*", Word("asthma", "subject", wildcard=True)),
        ("year:2001-2005", YearRange(2001, 2005)),
        ("year:2010", YearRange(2010, 2010)),
        ("year:2010-", YearRange(2010, None)),
        ("callnumber:WB115", Word("WB115", "callnumber")),
    ],
)
def test_field_prefixes(text, node):
    assert parse_query(text).required == (node,)


@pytest.mark.parametrize("text", ["http://example.org/a", "ratio 1:2", "Asthma: a guide"])
def test_unknown_prefixes_stay_plain_text(text):
    parsed = parse_query(text)
    assert all(isinstance(n, Word) and n.field is None for n in parsed.required)
    assert " ".join(n.text for n in parsed.required) == text
    assert not parsed.ignored


def test_a_field_name_we_do_not_know_is_searched_as_a_word_and_the_reader_told():
    parsed = parse_query("titel:asthma")
    assert parsed.required == (Word("titel"), Word("asthma"))  # any-word fallback finds asthma
    assert parsed.ignored == (
        "“titel:” is not a field we know, so it was searched as a word. "
        "To search one field, use “title:”.",
    )
    assert parsed.field_fixes == (("titel", "title"),)
    assert parse_query("foo:bar").ignored == (
        "“foo:” is not a field we know, so it was searched as a word.",
    )
    assert parse_query("-foo:bar").excluded == (Word("foo"), Word("bar"))


@pytest.mark.parametrize(
    "text, required, ignored",
    [
        ("title:", (), "There was nothing after “title:”, so it was ignored."),
        (
            "asthma title:",
            (Word("asthma"),),
            "There was nothing after “title:”, so it was ignored.",
        ),
        ('"', (), 'The unmatched quote mark (“"”) was ignored.'),
        ('asthma ""', (Word("asthma"),), "The empty quote marks were ignored."),
        (
            "-",
            (),
            "A “-” leaves out the word straight after it (-word); on its own it was ignored.",
        ),
        ("OR", (), "“OR” needs a word on each side, so it was ignored."),
        ("OR OR", (), "“OR” needs a word on each side, so it was ignored."),
        ("asthma OR", (Word("asthma"),), "“OR” needs a word on each side, so it was ignored."),
        ("asthma NOT", (Word("asthma"),), "“NOT” needs a word after it, so it was ignored."),
        ("(asthma", (Word("asthma"),), "The unmatched bracket was ignored."),
        (
            '"oxford hand',
            (Phrase("oxford hand"),),
            "The quote mark before “oxford hand” has no closing mark, so the words after it "
            "were searched as one phrase.",
        ),
    ],
)
def test_ignored_syntax_is_reported_and_the_rest_searched(text, required, ignored):
    parsed = parse_query(text)
    assert parsed.required == required
    assert parsed.ignored[0] == ignored
    if not required:  # only syntax was typed: every record, as for a blank search
        assert parsed.match_all
        assert parsed.ignored[-1] == "Nothing was left to search for, so every record is shown."


def test_balanced_brackets_and_plain_words_report_nothing():
    for text in ("(asthma OR copd) children", "oxford handbook", '"clinical medicine"'):
        assert parse_query(text).ignored == ()


@pytest.mark.parametrize(
    "text",
    [
        "978-0-19-852663-6",
        "9780198526636",
        "0198526636",
        "0-19-852663-6",
        "978 0 19 852663 6",
        "isbn:0198526636",
        "ISBN: 978-0198526636",
        "isbn:0 19 852663 6",
        "ISBN: 978 0 19 852663 6",
    ],
)
def test_isbn_in_any_form_gives_both_forms(text):
    (node,) = parse_query(text).required
    assert isinstance(node, Identifier) and node.field == "isbn"
    assert set(node.values) == {"9780198526636", "0198526636"}


def test_a_number_with_a_wrong_check_digit_is_not_an_isbn():
    assert parse_query("0198526637").required == (Word("0198526637"),)
    assert isbn_forms("0198526637") == ()


def test_isbn10_with_x_check_digit():
    assert isbn_forms("0-8044-2957-x") == ("9780804429573", "080442957X")


def test_issn():
    assert parse_query("0140-6736").required == (Identifier("issn", ("0140-6736",), "0140-6736"),)
    assert parse_query("issn:01406736").required == (Identifier("issn", ("0140-6736",)),)
    assert issn_form("0140-6737") is None


def test_wildcards_need_two_characters():
    assert parse_query("medic*").required == (Word("medic", wildcard=True),)
    assert parse_query("a*").required == (Word("a*"),)
    assert parse_query("*").match_all
    assert parse_query("   ").match_all
    assert parse_query("\x00 \x00").match_all  # control characters count as blanks
    assert parse_query("a* medic*").notes == (
        "A * needs at least 2 letters or digits before it: “a*” was searched as a whole word.",
    )
    assert parse_query("medic*").notes == ()


def test_wildcards_past_the_fourth_are_searched_as_whole_words_and_the_reader_told():
    parsed = parse_query("ab* cd* ef* gh* ij* kl* OR mn*")
    assert parsed.required[:4] == tuple(Word(w, wildcard=True) for w in ("ab", "cd", "ef", "gh"))
    assert parsed.required[4:] == (Word("ij"), AnyOf((Word("kl"), Word("mn"))))
    assert parsed.notes == (
        "Only the first 4 words ending in * find the words they begin: "
        "“ij*”, “kl*”, “mn*” were searched as whole words.",
    )
    assert not parse_query('"ab* cd* ef* gh* ij*"').notes  # a phrase has no wildcards


def test_words_past_the_clause_limit_are_dropped_and_the_reader_told():
    parsed = parse_query(" ".join(f"word{n}" for n in range(40)))
    assert len(parsed.required) == 32
    assert parsed.notes == ("Only the first 32 words of your search were used.",)
    assert not parse_query(" ".join(f"word{n}" for n in range(32)) + " OR").notes


@pytest.mark.parametrize("text", [":::", "🙂🙂", "()"])
def test_nothing_searchable_gives_an_empty_query_and_says_so(text):
    parsed = parse_query(text)
    assert parsed.is_empty
    assert parsed.notes == (
        "Your search has no letters or digits in it, so nothing could be looked for.",
    )


def test_normalise_title_is_idempotent_and_folds():
    assert normalise_title("Café  Society: the  ÉLITE!") == "cafe society the elite"
    assert normalise_title(normalise_title("Gray's anatomy")) == normalise_title("Gray's anatomy")


def test_unbalanced_quote_runs_to_the_end():
    assert parse_query('"oxford hand').required == (Phrase("oxford hand"),)


def test_parser_never_raises_on_random_input():
    rng = random.Random(1234)
    alphabet = string.printable + '"-:*()ÄéΩ中🙂\x00'
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        parsed = parse_query(text)
        assert isinstance(parsed, ParsedQuery)
        assert len(parsed.required) + len(parsed.excluded) <= 32
