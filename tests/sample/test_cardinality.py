"""The generated catalogue has a real catalogue's cardinality: about one distinct subject string
and one distinct author per record, most of them rare, while the common health headings stay
the most frequent (the demo's pages read as a health library's)."""

from __future__ import annotations

import pytest

from bench.cardinality import (
    SHARED_MARC,
    generated_records,
    measure,
    real_records,
    values_of,
)
from lantern.sample import longtail
from lantern.sample.generate import generate_consortium
from lantern.sample.topics import TOPICS

RECORDS = 4000


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("titles")
    generate_consortium(out, records=RECORDS, libraries=6, seed=5, shared_share=0.0)
    per_record = values_of(generated_records(out))
    return per_record, measure(per_record)


def test_subjects_and_authors_are_about_one_distinct_value_per_record(generated):
    _, measured = generated
    assert measured["subjects"].distinct_per_record > 1.0
    assert measured["authors"].distinct_per_record > 1.0
    assert measured["series"].distinct_per_record > 0.1
    for kind in ("subjects", "authors", "series"):
        assert measured[kind].once_share > 0.6, kind  # most values are rare, as in a catalogue


def test_distinct_values_keep_growing_with_the_catalogue(generated):
    """A real catalogue's curve flattens slowly: four times the records, nearly four times the
    distinct subjects (a fixed vocabulary would stop growing)."""
    _, measured = generated
    for kind in ("subjects", "authors"):
        (first, at_1k), *_, (last, at_end) = measured[kind].curve
        assert (first, last) == (1000, RECORDS)
        assert at_end > 0.75 * at_1k, (kind, measured[kind].curve)


def test_common_health_headings_stay_the_most_frequent(generated):
    per_record, _ = generated
    counts: dict[str, int] = {}
    for record in per_record:
        for subject in record["subjects"]:
            counts[subject] = counts.get(subject, 0) + 1
    common = {h for t in TOPICS for h in t.mesh} | {h for t in TOPICS for h in t.lcsh}
    top = sorted(counts, key=counts.get, reverse=True)[:20]
    assert sum(h.split(" -- ")[0] in common for h in top) >= 15, top
    assert counts[top[0]] >= 0.005 * len(per_record)


def test_rare_headings_carry_subdivisions_of_every_kind(generated):
    per_record, _ = generated
    subjects = {s for record in per_record for s in record["subjects"]}
    places = [s for s in subjects if any(f" -- {p}" in s for p in longtail.PLACES)]
    forms = [s for s in subjects if any(s.endswith(f" -- {f}") for f in longtail.FORMS)]
    periods = [s for s in subjects if any(f" -- {p}" in s for p in longtail.PERIODS)]
    qualified = [s for s in subjects if any(f" -- {q}" in s for q in longtail.QUALIFIERS)]
    assert min(len(places), len(forms), len(periods), len(qualified)) > 20


def test_rare_people_have_authority_dates_in_their_own_subfield(generated):
    per_record, _ = generated
    authors = {a for record in per_record for a in record["authors"]}
    dated = [a for a in authors if a.endswith("-") and a[-5:-1].isdigit()]
    assert len(dated) > 0.1 * len(authors)


@pytest.mark.skipif(not SHARED_MARC.is_dir(), reason="no ../shared/data/marc beside the checkout")
def test_close_to_the_shared_real_records_at_the_same_size(generated):
    """Distinct values per record within 30% of the real records' at the same catalogue size
    (before the long tail: a quarter of the real figure for subjects, 0.6 of it for authors)."""
    _, made = generated
    real = measure(values_of(real_records(SHARED_MARC)))
    for kind in ("subjects", "authors", "series"):
        at_size = dict(real[kind].curve)[RECORDS]
        ratio = made[kind].distinct_per_record / at_size
        assert 0.7 < ratio < 1.3, (kind, made[kind], real[kind])
    for kind in ("subjects", "authors"):
        values = made[kind].values_per_record / real[kind].values_per_record
        assert 0.7 < values < 1.5, (kind, made[kind], real[kind])
