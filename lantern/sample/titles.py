"""The title universe: works (what a book is) and manifestations (one edition, print or e-book).

A manifestation is what libraries share: each holding library gets its own record of it, with
its own cataloguing habits (see records.py). Identifiers (ISBN, OCLC number) are derived
one-to-one from a manifestation's number, so two different manifestations never collide, which
would otherwise give deduplication false matches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from lantern.sample import longtail
from lantern.sample import vocabulary as vocab
from lantern.sample.topics import TOPICS, Topic

YEAR_MIN, YEAR_MAX = 1990, 2026
# Shares of values drawn from the common lists (the rest come from the long tail), fitted with
# `python -m bench.cardinality` against the shared real records.
COMMON_PEOPLE = 0.45
COMMON_CORPORATE = 0.4
COMMON_SERIES = 0.1
RARE_HEADINGS = (0, 1, 1, 2, 2)  # rare subject headings of a work: 1.2 on average
ISBN_BODY_SPACE = 1_000_000  # 6 body digits after a 6-digit prefix: unique below 1e6 titles


@dataclass(frozen=True, slots=True)
class Person:
    surname: str
    given: str
    dates: str = ""  # "1956-": a name in authority form

    @property
    def inverted(self) -> str:  # 100/700 $a form (the dates go in $d)
        return f"{self.surname}, {self.given}"

    @property
    def direct(self) -> str:  # 245 $c form
        return f"{self.given} {self.surname}"


@dataclass(frozen=True, slots=True)
class Work:
    title: str
    subtitle: str | None
    topic: Topic
    authors: tuple[Person, ...]  # first is the 100 unless edited
    edited: bool
    corporate: str | None
    publisher: tuple[str, str, str]
    series: str | None
    language: str
    translated_from: str | None
    headings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # rare: (ind2, subfields)
    numbered: bool = False  # drew a series before the long tail: decides the volume-number draw


@dataclass(frozen=True, slots=True)
class Manifestation:
    number: int
    work: Work
    year: int
    edition: int
    ebook: bool
    isbn13: str | None
    print_isbn13: str | None  # an e-book edition's print counterpart (776 $z)
    oclc: int
    pages: int
    prelims: int
    height_cm: int
    illustrated: bool
    series_number: int | None
    summary: str | None
    mesh: tuple[tuple[str, str | None], ...]  # (heading, subheading)
    lcsh: tuple[str, ...]
    url: str | None


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_from_isbn13(isbn13: str) -> str:
    """The ISBN-10 form of a 978 ISBN-13 (the same nine-digit core, a mod-11 check)."""
    core = isbn13[3:12]
    total = sum(int(d) * (10 - i) for i, d in enumerate(core))
    check = (11 - total % 11) % 11
    return core + ("X" if check == 10 else str(check))


def isbn13_for(prefix: str, number: int) -> str:
    # Multiplying by a number coprime to 10 permutes the body digits, so consecutive
    # manifestations get unrelated-looking ISBNs that are still unique.
    body = (number * 390_621 + 271_828) % ISBN_BODY_SPACE
    first12 = f"{prefix}{body:06d}"
    return first12 + isbn13_check_digit(first12)


def oclc_number_for(number: int) -> int:
    return 10_000_000 + (number * 7919) % 89_000_000


def roman(n: int) -> str:
    out = []
    for value, numeral in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def tail_of(rng: random.Random) -> random.Random:
    """The random stream the long tail draws from: its own (longtail.SampleRandom) so that the
    main stream draws what it drew before the tail existed and the demo's titles stay put."""
    return getattr(rng, "tail", rng)


def _person(rng: random.Random) -> Person:
    common = Person(rng.choice(vocab.SURNAMES), rng.choice(vocab.GIVEN_NAMES))
    tail = tail_of(rng)
    if tail.random() < COMMON_PEOPLE:
        return common
    return Person(*longtail.rare_person(longtail.rank(tail, longtail.PERSON_SCALE)))


def _series(rng: random.Random, pattern: vocab.TitlePattern) -> tuple[str | None, bool]:
    """The work's series, and whether the main stream drew one (see `Work.numbered`)."""
    series = pattern.series
    if series is None and rng.random() < 0.1:
        series = rng.choice(vocab.GENERIC_SERIES)
    drawn = series is not None
    tail = tail_of(rng)
    if series == pattern.series and series and tail.random() >= 0.2:
        series = None  # not every library records the publisher's series
    elif series and tail.random() >= COMMON_SERIES:
        series = longtail.rare_series(longtail.rank(tail, longtail.SERIES_SCALE))
    if series is None and tail.random() < 0.1:
        series = longtail.rare_series(longtail.rank(tail, longtail.SERIES_SCALE))
    return series, drawn


def _corporate(rng: random.Random) -> str:
    common = rng.choice(vocab.CORPORATE_AUTHORS)
    tail = tail_of(rng)
    if tail.random() < COMMON_CORPORATE:
        return common
    return longtail.rare_corporate(longtail.rank(tail, longtail.PERSON_SCALE))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def new_work(rng: random.Random) -> Work:
    topic = rng.choice(TOPICS)
    pattern = rng.choice(vocab.TITLE_PATTERNS)
    language, translated_from = "eng", None
    roll = rng.random()
    if roll < 0.02:
        language = rng.choice(tuple(vocab.FOREIGN_TITLES))
        title = rng.choice(vocab.FOREIGN_TITLES[language])
    else:
        if roll < 0.05:
            translated_from = rng.choice(("ger", "fre", "spa", "ita", "dut"))
        title = (
            pattern.template.replace("{t}", topic.phrase)
            .replace("{T}", _capitalise(topic.phrase))
            .replace("{S}", rng.choice(vocab.SURNAMES))
        )
    if pattern.publisher:
        publisher = vocab.PUBLISHERS[vocab.PUBLISHER_INDEX[pattern.publisher]]
    else:
        publisher = rng.choice(vocab.PUBLISHERS)
    series, numbered = _series(rng, pattern)
    corporate = None
    if pattern.edited:
        authors = tuple(_person(rng) for _ in range(rng.choice((1, 2, 2, 3))))
    elif rng.random() < 0.05:
        corporate, authors = _corporate(rng), ()
    else:
        authors = tuple(_person(rng) for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))))
    subtitle = rng.choice(vocab.SUBTITLES) if rng.random() < 0.45 else None
    tail = tail_of(rng)
    headings = tuple(
        longtail.rare_heading(longtail.rank(tail, longtail.HEADING_SCALE))
        for _ in range(tail.choice(RARE_HEADINGS))
    )
    return Work(
        title,
        subtitle,
        topic,
        authors,
        pattern.edited,
        corporate,
        publisher,
        series,
        language,
        translated_from,
        headings,
        numbered,
    )


def _year(rng: random.Random) -> int:
    # Health libraries weed hard: most stock is recent, a tail goes back to 1990.
    return max(YEAR_MIN, YEAR_MAX - int(rng.expovariate(1 / 7)))


def _subjects(rng: random.Random, topic: Topic):
    mesh = []
    for heading in rng.sample(topic.mesh, rng.randint(1, min(3, len(topic.mesh)))):
        sub = rng.choice(vocab.MESH_SUBHEADINGS) if rng.random() < 0.3 else None
        mesh.append((heading, sub))
    lcsh = tuple(rng.sample(topic.lcsh, rng.randint(1, len(topic.lcsh))))
    return tuple(mesh), lcsh


def _series_number(rng: random.Random, work: Work) -> int | None:
    number = rng.randint(1, 60) if work.numbered and rng.random() < 0.3 else None
    return number if work.series else None


def _summary(rng: random.Random, work: Work) -> str | None:
    if rng.random() >= 0.55:
        return None
    return (
        f"{rng.choice(vocab.SUMMARY_OPENINGS)} {work.topic.phrase}, from assessment and "
        f"diagnosis to management and follow-up. Written for "
        f"{rng.choice(vocab.SUMMARY_AUDIENCES)}."
    )


def new_manifestation(
    rng: random.Random,
    number: int,
    work: Work,
    *,
    ebook: bool,
    year: int | None = None,
    edition: int | None = None,
    print_isbn13: str | None = None,
) -> Manifestation:
    if edition is None:
        edition = 1 if rng.random() < 0.6 else rng.choice((2, 2, 3, 3, 4, 5, 6, 7, 8, 10))
    year = _year(rng) if year is None else year
    # Grey literature from corporate bodies often has no ISBN; neither do a few old books.
    no_isbn = rng.random() < (0.4 if work.corporate else 0.02)
    isbn13 = None if no_isbn else isbn13_for(work.publisher[2], number)
    mesh, lcsh = _subjects(rng, work.topic)
    url = None
    if ebook:
        template = rng.choice(vocab.EBOOK_PLATFORMS)
        url = template.format(n=1_000_000 + number * 13 % 9_000_000, isbn=isbn13 or number)
    return Manifestation(
        number=number,
        work=work,
        year=year,
        edition=edition,
        ebook=ebook,
        isbn13=isbn13,
        print_isbn13=print_isbn13,
        oclc=oclc_number_for(number),
        pages=rng.randint(96, 1400),
        prelims=rng.randint(6, 40),
        height_cm=18 if "handbook" in work.title.lower() else rng.choice((21, 24, 25, 28)),
        illustrated=rng.random() < 0.7,
        series_number=_series_number(rng, work),
        summary=_summary(rng, work),
        mesh=mesh,
        lcsh=lcsh,
        url=url,
    )


def next_edition(rng: random.Random, number: int, earlier: Manifestation) -> Manifestation | None:
    """A later edition of `earlier` (a new manifestation of the same work), if one fits in time."""
    year = earlier.year + rng.randint(2, 5)
    if year > YEAR_MAX:
        return None
    work = earlier.work
    if work.subtitle and rng.random() < 0.3:
        work = replace(work, subtitle=rng.choice(vocab.SUBTITLES))
    return new_manifestation(rng, number, work, ebook=False, year=year, edition=earlier.edition + 1)


def ebook_edition(rng: random.Random, number: int, printed: Manifestation) -> Manifestation:
    """The e-book of a print manifestation: the same work and edition, its own ISBN."""
    year = min(YEAR_MAX, printed.year + rng.choice((0, 0, 0, 1)))
    return new_manifestation(
        rng,
        number,
        printed.work,
        ebook=True,
        year=year,
        edition=printed.edition,
        print_isbn13=printed.isbn13,
    )
