"""Word lists for the sample health-library catalogue: titles, people, publishers, notes.

Everything here is written for this project (no shared data is copied). The topics, with their
classification and subject headings, are in `lantern.sample.topics`.
"""

from __future__ import annotations

from typing import NamedTuple

MESH_SUBHEADINGS = ("therapy", "diagnosis", "nursing", "drug therapy", "prevention & control")
MESH_FORMS = ("Handbook", "Textbook", "Case Reports", "Practice Guideline")
LCSH_FORMS = ("Handbooks, manuals, etc.", "Textbooks", "Case studies", "Outlines, syllabi, etc.")


class TitlePattern(NamedTuple):
    template: str  # "{t}" is the topic phrase
    publisher: str | None  # the publisher a pattern belongs to, or None for any
    series: str | None
    edited: bool  # edited works have no 100 and an "edited by" 245 $c


# Pattern -> publisher/series pairs follow how UK medical publishing looks (who does the
# handbooks, the "at a glance" books, the ABCs); the titles themselves are generated.
TITLE_PATTERNS: tuple[TitlePattern, ...] = (
    TitlePattern(
        "Oxford handbook of {t}", "Oxford University Press", "Oxford medical handbooks", True
    ),
    TitlePattern("{T} at a glance", "Wiley-Blackwell", "At a glance series", False),
    TitlePattern("ABC of {t}", "BMJ Books", "ABC series", True),
    TitlePattern("Lecture notes. {T}", "Wiley-Blackwell", "Lecture notes", False),
    TitlePattern("Crash course. {T}", "Elsevier", "Crash course", False),
    TitlePattern(
        "Churchill's pocketbook of {t}", "Churchill Livingstone", "Churchill pocketbooks", False
    ),
    TitlePattern("100 cases in {t}", "CRC Press", "100 cases", False),
    TitlePattern("Essentials of {t}", None, None, False),
    TitlePattern("Fundamentals of {t}", None, None, False),
    TitlePattern("Textbook of {t}", None, None, True),
    TitlePattern("Principles and practice of {t}", None, None, True),
    TitlePattern("{T}", None, None, False),
    TitlePattern("Clinical {t}", None, None, False),
    TitlePattern("Introduction to {t}", None, None, False),
    TitlePattern("Understanding {t}", "Sage", "Transforming nursing practice", False),
    TitlePattern("{T} in practice", None, None, False),
    TitlePattern("A handbook of {t}", None, None, False),
    TitlePattern("The {t} handbook", None, None, True),
    TitlePattern("Pocket guide to {t}", None, None, False),
    TitlePattern("{T} made easy", "Scion", None, False),
    TitlePattern("Evidence-based {t}", None, None, True),
    TitlePattern("{S}'s {t}", "Elsevier", None, False),  # eponymous textbooks
)

SUBTITLES = (
    "a practical guide",
    "an evidence-based approach",
    "principles and practice",
    "a handbook for healthcare professionals",
    "a case-based approach",
    "theory and practice",
    "a guide for students",
    "for nurses and allied health professionals",
    "a survival guide",
    "core concepts and clinical applications",
    "a multidisciplinary approach",
    "an introduction for health and social care",
    "a quick reference guide",
    "essential skills for practice",
    "a concise guide",
    "applying the evidence",
)

# Non-English titles for the few records catalogued in another language (008/35-37, 041).
FOREIGN_TITLES = {
    "fre": (
        "Manuel de soins infirmiers",
        "Précis de pédiatrie",
        "Guide pratique des urgences médicales",
        "Soins palliatifs et accompagnement",
    ),
    "ger": (
        "Lehrbuch der Pflege",
        "Praxisbuch Anästhesie",
        "Klinische Pharmakologie",
        "Grundlagen der Pädiatrie",
    ),
    "spa": (
        "Manual de enfermería",
        "Medicina de urgencias",
        "Farmacología clínica",
        "Guía práctica de matronería",
    ),
}

GIVEN_NAMES = (
    "Sarah",
    "James",
    "Emma",
    "David",
    "Helen",
    "Andrew",
    "Rachel",
    "Michael",
    "Claire",
    "Richard",
    "Louise",
    "Mark",
    "Joanne",
    "Paul",
    "Catherine",
    "Simon",
    "Fiona",
    "Ian",
    "Alison",
    "Jonathan",
    "Priya",
    "Rajesh",
    "Aisha",
    "Mohammed",
    "Chidi",
    "Ngozi",
    "Wei",
    "Mei",
    "Kwame",
    "Siobhan",
    "Declan",
    "Eilidh",
    "Rhys",
    "Gwen",
    "Tomás",
    "José",
    "Renée",
    "Zoë",
    "François",
    "Hélène",
    "Jürgen",
    "Björn",
    "Søren",
    "Inés",
    "Ana",
    "Lucy",
    "Gareth",
    "Nia",
    "Oliver",
    "Hannah",
    "Peter",
    "Margaret",
    "Stephen",
    "Anne",
)

SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Patel",
    "Young",
    "Allen",
    "Mitchell",
    "James",
    "Anderson",
    "Phillips",
    "Lee",
    "Bell",
    "Parker",
    "Davis",
    "Khan",
    "Shah",
    "Singh",
    "Ahmed",
    "Begum",
    "Chen",
    "Okafor",
    "Mensah",
    "O'Brien",
    "McDonald",
    "Fitzgerald",
    "MacLeod",
    "Llewellyn",
    "Pritchard",
    "Longmore",
    "Greenhalgh",
    "Hardcastle",
    "Ashworth",
    "Whitfield",
    "Pemberton",
    # Names with diacritics: these exercise MARC-8 (combining marks before the base letter).
    "Müller",
    "Pérez",
    "García",
    "Gonçalves",
    "Núñez",
    "Lefèvre",
    "Dvořák",
    "Böhm",
    "Åström",
    "François",
    "Sørensen",
    "Çelik",
    "Jiménez",
    "Köhler",
    "Martínez",
    "Brontë",
)

# Corporate bodies that author guidance and formularies (110 2_).
CORPORATE_AUTHORS = (
    "National Institute for Health and Care Excellence (Great Britain)",
    "Royal College of Nursing (Great Britain)",
    "British Medical Association",
    "Joint Formulary Committee (Great Britain)",
    "Resuscitation Council (UK)",
    "Royal College of Physicians of London",
    "Public Health England",
    "Nursing and Midwifery Council",
)

# (name, place, ISBN-13 prefix). Prefixes are 6 digits so the 6 remaining body digits can be
# derived one-to-one from a manifestation number: distinct titles never share an ISBN.
PUBLISHERS: tuple[tuple[str, str, str], ...] = (
    ("Elsevier", "Edinburgh", "978070"),
    ("Churchill Livingstone", "Edinburgh", "978044"),
    ("Wiley-Blackwell", "Chichester", "978111"),
    ("Oxford University Press", "Oxford", "978019"),
    ("BMJ Books", "London", "978072"),
    ("Cambridge University Press", "Cambridge", "978052"),
    ("Sage", "London", "978144"),
    ("Routledge", "Abingdon", "978041"),
    ("Hodder Arnold", "London", "978034"),
    ("Mosby", "St. Louis", "978032"),
    ("Lippincott Williams & Wilkins", "Philadelphia", "978145"),
    ("McGraw-Hill Education", "New York", "978007"),
    ("Springer", "Cham", "978331"),
    ("CRC Press", "Boca Raton", "978113"),
    ("Radcliffe Publishing", "Abingdon", "978184"),
    ("Open University Press", "Maidenhead", "978033"),
    ("Palgrave Macmillan", "Basingstoke", "978023"),
    ("Jessica Kingsley Publishers", "London", "978178"),
    ("Scion", "Banbury", "978190"),
    ("Learning Matters", "Exeter", "978147"),
    ("Baillière Tindall", "Edinburgh", "978071"),
    ("Thieme", "Stuttgart", "978313"),
    ("BMJ Publishing Group", "London", "978073"),
    ("Royal College of Nursing", "London", "978194"),
)
PUBLISHER_INDEX = {name: i for i, (name, _, _) in enumerate(PUBLISHERS)}

# MARC country codes (008/15-17) for the publication places above.
PLACE_COUNTRY = {
    "Edinburgh": "stk",
    "Chichester": "enk",
    "Oxford": "enk",
    "London": "enk",
    "Cambridge": "enk",
    "Abingdon": "enk",
    "St. Louis": "mou",
    "Philadelphia": "pau",
    "New York": "nyu",
    "Cham": "sz ",
    "Boca Raton": "flu",
    "Maidenhead": "enk",
    "Basingstoke": "enk",
    "Banbury": "enk",
    "Exeter": "enk",
    "Stuttgart": "gw ",
}

EBOOK_PLATFORMS = (
    "https://www.clinicalkey.com/#!/browse/book/3-s2.0-C{n}",
    "https://ebookcentral.proquest.com/lib/nhs/detail.action?docID={n}",
    "https://onlinelibrary.wiley.com/doi/book/10.1002/{isbn}",
    "https://academic.oup.com/book/{n}",
    "https://www.vlebooks.com/Product/Index/{n}",
    "https://app.kortext.com/borrow/{n}",
)

SUMMARY_OPENINGS = (
    "This fully updated edition covers",
    "A concise, practical introduction to",
    "Written by experienced clinicians, this book explains",
    "An accessible guide to",
    "Now in full colour, this popular text covers",
    "This evidence-based resource brings together",
)
SUMMARY_AUDIENCES = (
    "nursing and midwifery students",
    "foundation doctors",
    "allied health professionals",
    "trainees preparing for membership examinations",
    "healthcare assistants",
    "practitioners in primary and secondary care",
    "the whole multidisciplinary team",
)
LOCAL_NOTES = (
    "Donated by the Postgraduate Medical Education Centre.",
    "Recommended reading for the preceptorship programme.",
    "Core text: pre-registration nursing.",
    "Purchased with funds from the Friends of the Hospital.",
    "Bought for the foundation doctors' teaching programme.",
    "Copy held on the ward for staff use.",
)

# Series for titles whose pattern carries none (490 0_).
GENERIC_SERIES = (
    "Transforming nursing practice",
    "Essential clinical skills for nurses",
    "Vital notes for nurses",
    "Oxford specialist handbooks",
    "Master pass",
    "Student survival skills",
    "Critical thinking in nursing practice",
)
