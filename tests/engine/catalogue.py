"""A small hand-written catalogue shaped like schemas/fields.toml (titles chosen to rank)."""

from __future__ import annotations

from indexer.engine.querylang import normalise_title


def make_doc(
    doc_id: str,
    title: str,
    *,
    subtitle: str | None = None,
    authors: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    year: int | None = None,
    fmt: str = "Book",
    language: str = "English",
    libraries: tuple[str, ...] = ("LIBA",),
    availability: tuple[str, ...] = ("available",),
    isbn: tuple[str, ...] = (),
    issn: tuple[str, ...] = (),
    series: str | None = None,
    notes: str | None = None,
    callnumber: str | None = None,
) -> dict:
    doc = {
        "id": doc_id,
        "title": title,
        "subtitle": subtitle,
        "title_exact": [normalise_title(title)]
        + ([normalise_title(f"{title} {subtitle}")] if subtitle else []),
        "title_sort": normalise_title(title),
        "author": list(authors),
        "author_facet": list(authors),
        "author_sort": normalise_title(authors[0]) if authors else None,
        "subject": list(subjects),
        "subject_facet": list(subjects),
        "format": fmt,
        "language": language,
        "library": list(libraries),
        "availability": list(availability),
        "isbn": list(isbn),
        "issn": list(issn),
        "series": series,
        "notes": notes,
        "year": year,
        "display": {"title": title, "year": year, "format": fmt},
    }
    if callnumber:
        doc["callnumber"] = callnumber.replace(" ", "").upper()
        doc["callnumber_text"] = callnumber
    return {k: v for k, v in doc.items() if v not in (None, [])}


CATALOGUE = [
    make_doc(
        "ohcm",
        "Oxford handbook of clinical medicine",
        authors=("Longmore, Murray",),
        subjects=("Clinical medicine", "Internal medicine"),
        year=2014,
        libraries=("LIBA", "LIBB"),
        callnumber="WB 115 LON",
        series="Oxford medical handbooks",
    ),
    make_doc(
        "kumar",
        "Clinical medicine",
        authors=("Kumar, Parveen", "Clark, Michael"),
        subjects=("Internal medicine",),
        year=2020,
        libraries=("LIBA", "LIBC"),
    ),
    make_doc(
        "medicine",
        "Medicine",
        subjects=("Medicine",),
        year=2019,
        fmt="Journal",
        issn=("1357-3039",),
        libraries=("LIBB",),
        availability=("online",),
    ),
    make_doc(
        "oxtext",
        "Oxford textbook of medicine",
        authors=("Warrell, David",),
        subjects=("Internal medicine",),
        year=2010,
        isbn=("0-19-852663-6",),
        libraries=("LIBA",),
        availability=("on_loan",),
    ),
    make_doc(
        "davidson",
        "Davidson's principles and practice of medicine",
        authors=("Ralston, Stuart",),
        subjects=("Internal medicine",),
        year=2018,
    ),
    make_doc(
        "medmgmt",
        "Medicines management in mental health",
        authors=("Gray, Richard",),
        subjects=("Psychopharmacology",),
        year=2016,
    ),
    make_doc(
        "lancet",
        "The Lancet",
        subjects=("Medicine",),
        fmt="Journal",
        issn=("0140-6736",),
        year=1823,
        libraries=("LIBA", "LIBB", "LIBC"),
        availability=("online",),
    ),
    make_doc(
        "nursingtimes",
        "Nursing times",
        subjects=("Nursing",),
        fmt="Journal",
        year=1905,
        libraries=("LIBC",),
        availability=("online",),
    ),
    make_doc(
        "hbnursing",
        "Handbook of nursing practice",
        authors=("Brown, Ann",),
        subjects=("Nursing",),
        year=2012,
        libraries=("LIBB",),
    ),
    make_doc(
        "hbnurse",
        "Handbook of nurse practice",
        authors=("Green, Bill",),
        subjects=("Nursing",),
        year=2013,
        libraries=("LIBB",),
    ),
    make_doc(
        "clinpharm",
        "Clinical pharmacology in medicine",
        authors=("Bennett, Peter",),
        subjects=("Pharmacology",),
        year=2012,
        fmt="E-book",
        libraries=("LIBA",),
        availability=("online",),
    ),
    make_doc(
        "pharmacy",
        "Pharmacy practice",
        authors=("Taylor, Kevin",),
        subjects=("Pharmacy",),
        year=2015,
        isbn=("0-306-40615-2",),
    ),
    make_doc(
        "festschrift",
        "Essays in honour of Kumar",
        authors=("White, Jane",),
        subjects=("Medicine -- History",),
        year=2001,
        language="French",
    ),
    make_doc(
        "diabetes",
        "Diabetes care",
        subjects=("Diabetes mellitus",),
        year=2021,
        fmt="Journal",
        availability=("online",),
        libraries=("LIBC",),
    ),
    make_doc(
        "asthma",
        "Asthma in children",
        authors=("Patel, Raj",),
        subjects=("Asthma", "Pediatrics"),
        year=2008,
    ),
    make_doc(
        "obgyn",
        "Obstetrics & gynaecology",
        authors=("Impey, Lawrence",),
        subjects=("Gynecology", "Obstetrics"),
        year=2017,
        language="English",
    ),
    make_doc(
        "cafe",
        "Café society and public health",
        authors=("Müller, Jürgen",),
        subjects=("Public health",),
        year=2005,
        language="German",
    ),
    make_doc(
        "covid",
        "COVID-19 pandemic response",
        subjects=("COVID-19",),
        year=2022,
        fmt="E-book",
        availability=("online",),
        libraries=("LIBA", "LIBB"),
    ),
    make_doc(
        "anatomy",
        "Gray's anatomy",
        subtitle="the anatomical basis of clinical practice",
        authors=("Standring, Susan",),
        subjects=("Anatomy",),
        year=2016,
    ),
    make_doc(
        "surgery",
        "Bailey & Love's short practice of surgery",
        authors=("Williams, Norman",),
        subjects=("Surgery",),
        year=2018,
        libraries=("LIBC",),
        availability=("reference",),
    ),
    make_doc(
        "psych",
        "Shorter Oxford textbook of psychiatry",
        authors=("Harrison, Paul",),
        subjects=("Psychiatry",),
        year=2018,
        libraries=("LIBB",),
    ),
    make_doc(
        "emerg",
        "Emergency medicine",
        authors=("Wyatt, Jonathan",),
        subjects=("Emergency medicine",),
        year=2012,
        notes="Pocket guide for juniors",
    ),
    make_doc(
        "stats",
        "Medical statistics at a glance",
        authors=("Petrie, Aviva",),
        subjects=("Medical statistics",),
        year=2009,
        libraries=("LIBA", "LIBC"),
    ),
    make_doc(
        "ethics",
        "Medical ethics and law",
        authors=("Hope, Tony",),
        subjects=("Medical ethics",),
        year=2008,
        language="English",
    ),
    make_doc(
        "histmed",
        "A history of medicine",
        authors=("Porter, Roy",),
        subjects=("Medicine -- History",),
        year=1997,
        fmt="E-book",
        availability=("online",),
    ),
    make_doc(
        "physio",
        "Physiotherapy in respiratory care",
        authors=("Hough, Alexandra",),
        subjects=("Physical therapy",),
        year=2001,
        language="Welsh",
    ),
    make_doc("noyear", "Leaflet on hand washing", subjects=("Hygiene",), fmt="Leaflet"),
    make_doc(
        "rheum", "Rheumatology", authors=("Kumar, Anil",), subjects=("Rheumatology",), year=2011
    ),
    make_doc(
        "pathology",
        "Robbins basic pathology",
        authors=("Kumar, Vinay",),
        subjects=("Pathology",),
        year=2017,
        libraries=("LIBA", "LIBB"),
    ),
    make_doc(
        "nhsguide",
        "NHS guide to clinical governance",
        subjects=("Clinical governance",),
        year=2003,
        notes="Covers medicine and nursing services",
        language="English",
    ),
]


def by_id(doc_id: str) -> dict:
    return next(d for d in CATALOGUE if d["id"] == doc_id)


def values_of(doc: dict, field: str) -> list:
    value = doc.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
