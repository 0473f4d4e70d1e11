"""One library's MARC record for a manifestation: its own 001, cataloguing habits and items.

Libraries holding the same manifestation describe it the same way in substance (ISBN, title,
author, year, edition) but differ in the details real catalogues differ in: ISBD punctuation or
none, subtitle kept or dropped, ISBN-10 or ISBN-13, an OCLC number or not, local notes. That is
the work deduplication has to do.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from indexer.marc.record import Field
from lantern.sample import vocabulary as vocab
from lantern.sample.consortium import LibraryProfile
from lantern.sample.titles import Manifestation, isbn10_from_isbn13, roman, tail_of

# The day the catalogues were "exported": due dates, 005 and 008/00-05 are relative to it, never
# to today, so output is the same whenever it is generated.
AS_OF = date(2026, 2, 1)
AS_OF_ORDINAL = AS_OF.toordinal()
# Shares of the topic's common headings a record keeps (fitted by bench.cardinality): MeSH, of
# the 2 drawn on average; LCSH, of the records that keep them (0.3 of all).
MESH_KEPT = 0.4
LCSH_KEPT = 0.6
RDA_FROM_YEAR = 2013  # UK libraries moved from AACR2 to RDA around 2013
ORDINAL_WORDS = (
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
)


def control_field(tag: str, value: str) -> Field:
    return Field(tag, data=value)


def data_field(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    return Field(tag, indicators[0], indicators[1], list(subfields))


@dataclass(slots=True)
class ItemTally:
    items: int = 0
    on_loan: int = 0


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _edition_statement(edition: int, rda: bool) -> str:
    if rda and edition <= len(ORDINAL_WORDS):
        return f"{ORDINAL_WORDS[edition - 1]} edition."
    return f"{_ordinal(edition)} ed."


@lru_cache(maxsize=4096)  # the same surnames and titles come round again and again
def _ascii_letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in folded if c.isalpha())


def cutter_for(m: Manifestation) -> str:
    """The UK habit: first three letters of the main entry (author surname, else title)."""
    work = m.work
    source = work.authors[0].surname if work.authors and not work.edited else work.title
    if source.startswith(("The ", "A ")):
        source = source.split(" ", 1)[1]
    return _ascii_letters(source)[:3].upper()


def date_between(rng: random.Random, start: date) -> date:
    start_ordinal = min(start.toordinal(), AS_OF_ORDINAL)
    return date.fromordinal(rng.randint(start_ordinal, AS_OF_ORDINAL))


def _control_number(lib: LibraryProfile, seq: int) -> str:
    if lib.id_style == "koha":
        return str(seq + 1)  # Koha biblionumber
    if lib.id_style == "prefixed":
        return f"a{seq + 1:07d}"
    return f"{seq + 1:010d}"


def _title_field(rng: random.Random, m: Manifestation, has_main_entry: bool) -> Field:
    work = m.work
    subtitle = work.subtitle if work.subtitle and rng.random() > 0.2 else None
    resp = _responsibility(m) if rng.random() > 0.1 else None
    nonfiling = {"The ": "4", "A ": "2"}.get(work.title[: work.title.find(" ") + 1], "0")
    indicators = ("1" if has_main_entry else "0") + nonfiling
    if rng.random() < 0.3:  # sloppy copy: no ISBD punctuation at all
        parts = [("a", work.title)] + ([("b", subtitle)] if subtitle else [])
        return data_field("245", indicators, *parts, *([("c", resp)] if resp else []))
    parts = []
    if subtitle:
        parts += [("a", work.title + " :"), ("b", subtitle + (" /" if resp else "."))]
    else:
        parts.append(("a", work.title + (" /" if resp else ".")))
    if resp:
        parts.append(("c", resp + ("" if resp.endswith(".") else ".")))
    return data_field("245", indicators, *parts)


def _responsibility(m: Manifestation) -> str:
    work = m.work
    if work.corporate:
        return work.corporate.split(" (")[0]
    names = [p.direct for p in work.authors]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"edited by {joined}" if work.edited else joined


def _isbn_fields(rng: random.Random, m: Manifestation, rda: bool) -> list[Field]:
    if m.isbn13 is None:
        return []
    qualifier = "ebook" if m.ebook else rng.choice(("paperback", "paperback", "hardback"))
    old_style = {"ebook": "electronic bk.", "paperback": "pbk.", "hardback": "hbk."}[qualifier]
    forms = []
    roll = rng.random()
    if m.year < 2007:  # before 2007 books carried ISBN-10 only; some libraries added the 13
        forms = [isbn10_from_isbn13(m.isbn13)] + ([m.isbn13] if roll < 0.25 else [])
    elif roll < 0.15:
        forms = [isbn10_from_isbn13(m.isbn13)]
    elif roll < 0.35:
        forms = [m.isbn13, isbn10_from_isbn13(m.isbn13)]
    else:
        forms = [m.isbn13]
    if rda:
        return [data_field("020", "  ", ("a", isbn), ("q", f"({qualifier})")) for isbn in forms]
    return [data_field("020", "  ", ("a", f"{isbn} ({old_style})")) for isbn in forms]


def _fixed_length_data(rng: random.Random, m: Manifestation, entered: date) -> str:
    place = vocab.PLACE_COUNTRY.get(m.work.publisher[1], "enk")
    illus = "a   " if m.illustrated else "    "
    form = "o" if m.ebook else " "
    index = "1" if rng.random() < 0.6 else "0"
    data = f"{entered:%y%m%d}s{m.year}    {place}{illus} {form}b    00{index} 0 {m.work.language} d"
    assert len(data) == 40, data
    return data


def _control_fields(
    rng: random.Random,
    m: Manifestation,
    lib: LibraryProfile,
    seq: int,
    entered: date,
    changed: date,
) -> list[Field]:
    fields = [control_field("001", _control_number(lib, seq))]
    if lib.holdings == "marc852":
        fields.append(control_field("003", f"Uk{lib.code}"))
    fields.append(
        control_field(
            "005",
            f"{changed:%Y%m%d}{rng.randint(7, 18):02d}{rng.randint(0, 59):02d}"
            f"{rng.randint(0, 59):02d}.0",
        )
    )
    if m.ebook:
        fields.append(control_field("007", "cr |n|||||||||"))
    fields.append(control_field("008", _fixed_length_data(rng, m, entered)))
    return fields


def bibliographic_fields(
    rng: random.Random, m: Manifestation, lib: LibraryProfile, seq: int
) -> tuple[str, list[Field]]:
    """The leader and fields (tag order) of `lib`'s record for `m`, without items."""
    work = m.work
    rda = m.year >= RDA_FROM_YEAR or rng.random() < 0.05
    entered = date_between(rng, date(m.year, 1, 1))
    changed = date_between(rng, entered)
    org = f"Uk{lib.code}"
    fields = _control_fields(rng, m, lib, seq, entered, changed)
    fields += _isbn_fields(rng, m, rda)
    if rng.random() < 0.7:
        oclc = f"ocm{m.oclc:08d}" if rng.random() < 0.5 else str(m.oclc)
        fields.append(data_field("035", "  ", ("a", f"(OCoLC){oclc}")))
    if rng.random() < 0.35:  # copy-catalogued from the NLM record
        source = [("a", "DNLM"), ("b", "eng")] + ([("e", "rda")] if rda else [])
        fields.append(data_field("040", "  ", *source, ("c", "DNLM"), ("d", org)))
    else:
        rules = [("e", "rda")] if rda else []
        fields.append(data_field("040", "  ", ("a", org), ("b", "eng"), *rules, ("c", org)))
    if work.translated_from:
        fields.append(data_field("041", "1 ", ("a", work.language), ("h", work.translated_from)))
    elif work.language != "eng" or rng.random() < 0.1:
        fields.append(data_field("041", "0 ", ("a", work.language)))
    cutter = cutter_for(m)
    if lib.classification == "nlm" or rng.random() < 0.5:
        fields.append(data_field("060", " 4", ("a", work.topic.nlm), ("b", f"{cutter} {m.year}")))
    if lib.classification == "ddc" or rng.random() < 0.3:
        fields.append(data_field("082", "04", ("a", work.topic.dewey), ("2", "23")))
    fields += _entry_fields(work, rda)
    fields.append(_title_field(rng, m, bool(work.corporate or (work.authors and not work.edited))))
    if m.edition > 1:
        fields.append(data_field("250", "  ", ("a", _edition_statement(m.edition, rda))))
    fields += _publication_fields(rng, m, rda)
    if work.series:
        volume = [("v", str(m.series_number))] if m.series_number else []
        series = work.series + (" ;" if volume else "")
        fields.append(data_field("490", "0 ", ("a", series), *volume))
    fields += _note_fields(rng, m)
    fields += _subject_fields(rng, m)
    if m.ebook:
        fields.append(data_field("655", " 4", ("a", "Electronic books.")))
    fields += _added_entries(work, rda)
    if m.print_isbn13:
        fields.append(data_field("776", "08", ("i", "Print version:"), ("z", m.print_isbn13)))
    if m.url:
        fields.append(data_field("856", "40", ("u", m.url), ("z", "Available online")))
    fields.append(_local_field(rng, m, lib, entered))
    status = "c" if changed > entered else "n"
    coding = " " if lib.marc8 else "a"
    level = "7" if rng.random() < 0.03 else " "
    leader = f"00000{status}am {coding}2200000{level}{'i' if rda else 'a'} 4500"
    return leader, fields


def _local_field(rng: random.Random, m: Manifestation, lib: LibraryProfile, entered: date) -> Field:
    """Koha's 942 (default item type, class scheme); other systems' local cataloguing stamp."""
    if lib.holdings == "koha952":
        return data_field(
            "942", "  ", ("2", lib.classification), ("c", "EBOOK" if m.ebook else "BK")
        )
    initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2))
    return data_field("998", "  ", ("a", f"{entered:%Y%m%d}"), ("b", initials))


def _entry_fields(work, rda: bool) -> list[Field]:
    if work.corporate:
        return [data_field("110", "2 ", ("a", work.corporate + "."))]
    if not work.authors or work.edited:
        return []
    first = work.authors[0]
    if rda:
        return [data_field("100", "1 ", *_name(first, ","), ("e", "author."))]
    return [data_field("100", "1 ", *_name(first, "."))]


def _name(person, end: str) -> list[tuple[str, str]]:
    """$a (and $d when the name has dates), the last ending in `end`."""
    if not person.dates:
        return [("a", person.inverted + end)]
    return [("a", person.inverted + ","), ("d", person.dates + ("" if end == "," else end))]


def _added_entries(work, rda: bool) -> list[Field]:
    # RDA spells out the relator for everyone; AACR2 records only marked editors ("ed.").
    fields = []
    for person in work.authors[0 if work.edited else 1 :]:
        if rda:
            relator = "editor." if work.edited else "author."
            fields.append(data_field("700", "1 ", *_name(person, ","), ("e", relator)))
        elif work.edited:
            fields.append(data_field("700", "1 ", *_name(person, ","), ("e", "ed.")))
        else:
            fields.append(data_field("700", "1 ", *_name(person, ".")))
    return fields


def _publication_fields(rng: random.Random, m: Manifestation, rda: bool) -> list[Field]:
    name, place, _ = m.work.publisher
    extent = f"{roman(m.prelims)}, {m.pages} {'pages' if rda else 'p.'}"
    illus = ("illustrations" if rda else "ill.") if m.illustrated else None
    if m.ebook:
        physical = [("a", f"1 online resource ({extent})" + (" :" if illus else ""))]
        physical += [("b", illus)] if illus else []
    else:
        physical = [("a", extent + (" :" if illus else " ;"))]
        physical += [("b", illus + " ;")] if illus else []
        physical.append(("c", f"{m.height_cm} cm" + ("" if rda else ".")))
    if rda:
        fields = [
            data_field("264", " 1", ("a", place + " :"), ("b", name + ","), ("c", f"{m.year}."))
        ]
        if rng.random() < 0.3:
            fields.append(data_field("264", " 4", ("c", f"©{m.year}")))
    else:
        fields = [
            data_field("260", "  ", ("a", place + " :"), ("b", name + ","), ("c", f"{m.year}."))
        ]
    fields.append(data_field("300", "  ", *physical))
    if rda:
        media, carrier = (
            (("computer", "c"), ("online resource", "cr"))
            if m.ebook
            else (("unmediated", "n"), ("volume", "nc"))
        )
        fields += [
            data_field("336", "  ", ("a", "text"), ("b", "txt"), ("2", "rdacontent")),
            data_field("337", "  ", ("a", media[0]), ("b", media[1]), ("2", "rdamedia")),
            data_field("338", "  ", ("a", carrier[0]), ("b", carrier[1]), ("2", "rdacarrier")),
        ]
    return fields


def _note_fields(rng: random.Random, m: Manifestation) -> list[Field]:
    fields = []
    if rng.random() < 0.6:
        fields.append(
            data_field("504", "  ", ("a", "Includes bibliographical references and index."))
        )
    elif rng.random() < 0.5:
        fields.append(data_field("500", "  ", ("a", "Includes index.")))
    if m.ebook and rng.random() < 0.5:
        fields.append(data_field("500", "  ", ("a", "Description based on online resource.")))
    if m.summary and rng.random() < 0.85:
        fields.append(data_field("520", "  ", ("a", m.summary)))
    if rng.random() < 0.12:
        fields.append(data_field("590", "  ", ("a", rng.choice(vocab.LOCAL_NOTES))))
    return fields


def _subject_fields(rng: random.Random, m: Manifestation) -> list[Field]:
    fields = []
    tail = tail_of(rng)
    for heading, sub in m.mesh:
        parts = [("a", heading)] + ([("x", sub)] if sub else [])
        indicators = "12" if rng.random() < 0.3 else " 2"
        if tail.random() < MESH_KEPT:  # libraries differ in how many headings they keep
            fields.append(data_field("650", indicators, *parts))
    if rng.random() < 0.5:  # some libraries keep the LCSH of the records they copy
        kept = tail.random() < LCSH_KEPT
        for heading in m.lcsh:
            head, *subdivisions = heading.split(" -- ")
            parts = [("a", head)] + [("x", s) for s in subdivisions]
            if rng.random() < 0.25:
                parts.append(("v", rng.choice(vocab.LCSH_FORMS)))
            if kept:
                fields.append(data_field("650", " 0", *parts))
    for vocabulary, parts in m.work.headings:  # the work's rarer headings, in every record
        fields.append(data_field("650", " " + vocabulary, *parts))
    return fields
