"""Clustering: deterministic whatever the input order, no chaining across conflicts, overrides."""

from __future__ import annotations

import random

import pytest

from indexer.dedup import cluster_id_for, cluster_records, load_overrides
from indexer.errors import ConfigError


@pytest.fixture
def holdings(princeton, book):
    """Three libraries' copies of one book, its second edition and the rest of the set."""
    records = [(f"PUL:{cn}", m) for cn, m in princeton.items()]
    records += [
        ("LEEDS:b100", dict(book, isbn=["3531168061"], oclc=[], control_number="b100")),
        ("YORK:77", dict(book, isbn=[], oclc=[], title=book["title"].upper() + " /")),
        ("HULL:2nd", dict(book, edition="2. Aufl.", year=2011, isbn=["9783531170008"], oclc=[])),
    ]
    return records


def _as_sets(clusters):
    return sorted(tuple(c.keys) for c in clusters)


def test_copies_cluster_together_and_the_next_edition_stays_apart(holdings):
    clusters = cluster_records(holdings)
    by_key = {key: c for c in clusters for key in c.keys}
    beyme = by_key["PUL:6000002"]
    assert beyme.keys == ["LEEDS:b100", "PUL:6000002", "YORK:77"]
    assert beyme.cluster_id == cluster_id_for("LEEDS:b100")
    reasons = dict(beyme.members)
    assert reasons["LEEDS:b100"] == "anchor of the cluster"
    assert reasons["PUL:6000002"] == "ISBN 9783531168067 and title match (with LEEDS:b100)"
    assert "no shared identifier" in reasons["YORK:77"]
    assert by_key["HULL:2nd"].keys == ["HULL:2nd"]
    # every other Princeton record is its own manifestation
    assert len(clusters) == len(holdings) - 2


def test_same_clusters_whatever_the_input_order(holdings):
    expected = cluster_records(holdings)
    for seed in range(5):
        shuffled = list(holdings)
        random.Random(seed).shuffle(shuffled)
        again = cluster_records(shuffled)
        assert [(c.cluster_id, c.members, c.other_formats) for c in again] == [
            (c.cluster_id, c.members, c.other_formats) for c in expected
        ]


def test_no_chaining_across_a_conflict(book):
    # One ISBN, years 2009, 2010, 2011: each neighbour is within the +-1 allowed for reprints,
    # but 2009 and 2011 are not, so the third record must not ride in on the second.
    clusters = cluster_records(
        [("A:1", book), ("B:1", dict(book, year=2010)), ("C:1", dict(book, year=2011))]
    )
    assert _as_sets(clusters) == [("A:1", "B:1"), ("C:1",)]


def test_member_joining_must_not_conflict_with_any_member(book):
    base = dict(book, isbn=[], oclc=[], edition=None, pages=None)
    short = dict(base, pages=300)
    long = dict(base, pages=609)
    # X (no page count) matches both; 300 vs 609 pages conflict, so only one can join X.
    clusters = cluster_records([("X:1", base), ("Y:1", short), ("Z:1", long)])
    assert _as_sets(clusters) == [("X:1", "Y:1"), ("Z:1",)]


def test_ebook_cluster_is_linked_as_other_format(book):
    ebook = dict(book, format="E-book", isbn=["9783531916729"], oclc=[], pages=None)
    clusters = cluster_records([("PUL:1", book), ("NHS:e1", ebook)])
    assert len(clusters) == 2
    ids = {c.keys[0]: c.cluster_id for c in clusters}
    links = {c.keys[0]: c.other_formats for c in clusters}
    assert links == {"PUL:1": [ids["NHS:e1"]], "NHS:e1": [ids["PUL:1"]]}


def test_overrides_apply_before_the_rules(tmp_path, book, princeton):
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[[never_merge]]\nrecords = ["A:1", "B:1"]\nnote = "bound with local pamphlets"\n\n'
        '[[always_merge]]\nrecords = ["C:1", "D:1"]\n',
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    records = [("A:1", book), ("B:1", dict(book)), ("C:1", book), ("D:1", princeton["6000003"])]
    clusters = cluster_records(records, overrides)
    assert _as_sets(clusters) == [("A:1",), ("B:1",), ("C:1", "D:1")]
    merged = next(c for c in clusters if "D:1" in c.keys)
    assert dict(merged.members)["D:1"] == "always merge (override) (with C:1)"
    # A and B are copies of C too, but the forced member D (another book, other ISBN) conflicts
    # with them, and A and B may never share a cluster.


@pytest.mark.parametrize(
    "text",
    [
        '[[never_merge]]\nrecords = ["A:1"]\n',
        '[[always_merge]]\nrecords = ["A:1", "no-library-prefix"]\n',
        '[[never_merge]]\nrecords = ["A:1", "B:1"]\n[[always_merge]]\nrecords = ["B:1", "A:1"]\n',
        "never_merge = [[",
    ],
)
def test_bad_overrides_fail_at_load_naming_the_file(tmp_path, text):
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="overrides.toml"):
        load_overrides(path)


def test_a_bad_override_names_its_line(tmp_path):
    path = tmp_path / "overrides.toml"
    text = (
        '[[never_merge]]\nrecords = ["A:1", "B:1"]\n\n'
        '[[never_merge]]\nnote = "x"\nrecords = ["A:1"]\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"overrides.toml:6: never_merge #2: 'records' needs"):
        load_overrides(path)


def test_repeated_record_keys_are_a_caller_error(book):
    with pytest.raises(ValueError, match="A:1"):
        cluster_records([("A:1", book), ("A:1", book)])


def _uncollapsed(records):
    """The clustering with every record deciding for itself (no follower shortcut)."""
    from indexer.dedup.cluster import Overrides, _cluster, prepare

    ordered = sorted(records, key=lambda kv: kv[0])
    return _cluster([k for k, _ in ordered], [prepare(m) for _, m in ordered], Overrides())


def test_equal_records_follow_the_first_into_the_same_clusters(princeton, book):
    # The same vendor record at many libraries, beside its second edition and an e-book: the
    # shortcut that clusters only the first of equal records changes no cluster or link.
    second = dict(book, edition="2. Aufl.", year=2011, isbn=["9783531170008"], oclc=[])
    ebook = dict(book, format="E-book", isbn=[], oclc=[])
    records = [(f"L{n:02d}:{cn}", m) for n in range(12) for cn, m in princeton.items()]
    records += [(f"L{n:02d}:second", second) for n in range(5)]
    records += [(f"L{n:02d}:ebook", ebook) for n in range(3)]
    clusters = cluster_records(records)
    plain = _uncollapsed(records)
    assert [(c.cluster_id, c.keys, c.other_formats) for c in clusters] == [
        (c.cluster_id, c.keys, c.other_formats) for c in plain
    ]
    by_key = {key: c for c in clusters for key in c.keys}
    assert len(by_key["L00:6000002"].keys) == 12
    assert by_key["L00:6000002"].other_formats == [cluster_id_for("L00:ebook")]
    reasons = dict(by_key["L00:6000002"].members)
    assert reasons["L00:6000002"] == "anchor of the cluster"
    assert reasons["L07:6000002"] == "ISBN 9783531168067 and title match (with L00:6000002)"


def test_a_record_named_in_an_override_decides_for_itself(tmp_path, book):
    path = tmp_path / "overrides.toml"
    path.write_text('[[never_merge]]\nrecords = ["A:1", "C:1"]\n')
    records = [("A:1", book), ("B:1", book), ("C:1", book)]
    clusters = cluster_records(records, load_overrides(path))
    assert _as_sets(clusters) == [("A:1", "B:1"), ("C:1",)]


def test_a_huge_block_is_compared_in_a_window_not_in_pairs(book):
    # 600 authorless "Annual report"s of one year with distinct page counts share one title
    # key: every pair would be 179,700 comparisons, the window keeps them linear.
    from indexer.dedup.cluster import BLOCK_WINDOW, candidate_pairs, prepare

    report = {"title": "Annual report", "year": 2019, "format": "Book", "authors": []}
    prepared = [prepare(dict(report, pages=100 + 40 * n)) for n in range(600)]
    pairs = candidate_pairs(prepared)
    assert len(pairs) <= 600 * BLOCK_WINDOW
    # neighbours in key order are still compared: 100 and 140 pages are within the window
    assert (0, 1) in pairs
    # and equal records beyond the window still end up together, through their first one
    copies = [(f"L{n:03d}:1", dict(report, pages=200)) for n in range(3 * BLOCK_WINDOW)]
    assert _as_sets(cluster_records(copies)) == [tuple(k for k, _ in copies)]
