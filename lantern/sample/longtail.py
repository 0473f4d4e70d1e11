"""The long tail of a real catalogue: rare subject headings, rare names, rare series.

A union catalogue has about one distinct subject string and one distinct author per record, and
most of them occur once (see `python -m bench.cardinality`, measured on the shared real records).
The common health headings and names of `topics` and `vocabulary` keep the demo readable; this
module adds the rest. A rare value is drawn as a rank from a power law over an unbounded space
(rank = scale x Pareto(alpha), alpha small: Zipf's law with exponent 1 + alpha, so the number of
distinct values keeps growing with the catalogue as a real one's does) and the rank is spelt out
as a value, the same rank always the same value. Each chunk of the generator draws on its own,
yet the chunks share the frequent ranks, as libraries share headings.
"""

from __future__ import annotations

import random

from lantern.sample import vocabulary as vocab
from lantern.sample.topics import TOPICS

ALPHA = 0.1  # power-law tail: smaller keeps more values rare (fitted by bench.cardinality)
# Ranks below a scale never occur: it sets how far the common end of each tail reaches.
HEADING_SCALE, PERSON_SCALE, SERIES_SCALE = 100_000, 300, 300_000

QUALIFIERS = (
    "adverse effects", "complications", "diagnosis", "diagnostic imaging", "drug therapy",
    "economics", "education", "epidemiology", "ethics", "etiology", "genetics", "history",
    "legislation & jurisprudence", "methods", "mortality", "nursing",
    "organization & administration", "pathology", "physiopathology", "prevention & control",
    "psychology", "rehabilitation",
    "standards", "statistics & numerical data", "surgery", "therapy", "trends", "utilization",
)  # fmt: skip
LCSH_TOPICAL = (
    "Treatment", "Diagnosis", "Complications", "Prevention", "Research", "Study and teaching",
    "Social aspects", "Law and legislation", "Psychological aspects", "Nursing", "Patients",
    "Care", "Government policy", "Statistics", "Economic aspects", "Risk factors", "Evaluation",
    "Quality control", "Management", "Standards", "Moral and ethical aspects", "Epidemiology",
)  # fmt: skip
PLACES = (
    "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "London", "Devon",
    "Cornwall", "Yorkshire", "Lancashire", "Manchester", "Birmingham", "Bristol", "Leeds",
    "Glasgow", "Edinburgh", "Cardiff", "Belfast", "Ireland", "Europe", "United States", "Canada",
    "Australia", "New Zealand", "India", "Pakistan", "Bangladesh", "Nigeria", "Ghana", "Kenya",
    "South Africa", "Developing countries", "European Union countries", "Scandinavia",
)  # fmt: skip
PERIODS = (
    "20th century", "21st century", "19th century", "History", "1945-", "1990-", "2000-",
    "Forecasting",
)  # fmt: skip
FORMS = (
    "Handbooks, manuals, etc.", "Textbooks", "Case studies", "Periodicals", "Congresses",
    "Statistics", "Examinations, questions, etc.", "Popular works", "Outlines, syllabi, etc.",
    "Atlases", "Dictionaries", "Bibliography", "Guidebooks", "Study guides",
)  # fmt: skip
HEADING_ADJECTIVES = (
    "Cardiac", "Renal", "Pulmonary", "Hepatic", "Neonatal", "Geriatric", "Occupational",
    "Community", "Pediatric", "Surgical", "Maternal", "Oral", "Ocular", "Spinal", "Vascular",
    "Metabolic", "Autoimmune", "Chronic", "Acute", "Congenital", "Tropical", "Rural", "Forensic",
    "Perinatal", "Adolescent", "Ambulatory", "Postoperative", "Preventive", "Palliative",
    "Dental", "Nutritional", "Behavioral", "Cognitive", "Endocrine", "Infectious", "Thoracic",
    "Urological", "Musculoskeletal", "Neurological", "Respiratory", "Psychosocial", "Genetic",
)  # fmt: skip
HEADING_NOUNS = (
    "nursing", "surgery", "rehabilitation", "infections", "diseases", "neoplasms", "assessment",
    "therapy", "pharmacology", "education", "services", "pain", "imaging", "care", "screening",
    "disorders", "emergencies", "injuries", "physiology", "anatomy", "pathology", "medicine",
    "health", "hygiene", "toxicology", "immunology", "monitoring", "counseling", "manifestations",
    "research", "nutrition", "procedures", "syndromes", "abnormalities", "epidemiology",
)  # fmt: skip
SURNAME_STARTS = (
    "Ash", "Black", "Brad", "Brook", "Cald", "Cam", "Cart", "Chat", "Cross", "Dal", "Dun",
    "Elling", "Farn", "Fair", "Gold", "Gras", "Hal", "Hart", "Hay", "Hol", "Ken", "King", "Lang",
    "Lind", "Mar", "Mil", "Mor", "Nor", "Oak", "Pen", "Ray", "Red", "Ross", "Rother", "Sand",
    "Shel", "Stan", "Stock", "Thorn", "Wad", "Wake", "West", "Whit", "Wil", "Win", "York",
)  # fmt: skip
SURNAME_ENDS = (
    "ford", "field", "ley", "ton", "wood", "worth", "by", "well", "more", "ham", "hurst", "dale",
    "brook", "combe", "shaw", "stone", "wick", "land", "er", "son", "ridge", "croft", "thwaite",
)  # fmt: skip
CORPORATE_PLACES = PLACES[4:18] + ("Somerset", "Kent", "Norfolk", "Cumbria", "Sussex", "Essex")
CORPORATE_KINDS = (
    "NHS Foundation Trust", "Healthcare NHS Trust", "Partnership NHS Foundation Trust",
    "Integrated Care Board", "Health Board", "Hospice", "Clinical Network", "Public Health",
    "Community Health Services",
)  # fmt: skip
SERIES_STARTS = (
    "Clinical", "Essential", "Key", "Advanced", "Practical", "Core", "Critical", "Applied",
    "Contemporary", "Foundations of", "Developments in", "Topics in", "Progress in",
)  # fmt: skip
SERIES_ENDS = (
    "nursing", "practice", "medicine", "skills", "care", "health studies", "midwifery",
    "surgery", "psychiatry", "management", "research", "pharmacy", "therapy",
)  # fmt: skip


class SampleRandom(random.Random):
    """The generator's random stream, with the long tail's own beside it (`tail`)."""

    def __init__(self, seed: str) -> None:
        super().__init__(seed)
        self.tail = random.Random(f"{seed}:tail")


def rank(rng: random.Random, scale: int) -> int:
    """A rank of the power-law tail (small ranks often, large ones seldom)."""
    return int(rng.paretovariate(ALPHA) * scale)


def _digits(value: int, *radices: int) -> list[int]:
    """`value` in mixed radix, least significant first (the last digit takes what is left)."""
    out = []
    for radix in radices:
        value, digit = divmod(value, radix)
        out.append(digit)
    return out + [value]


def rare_heading(k: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Rank `k`'s heading: ("2" MeSH or "0" LCSH, subfields). Low ranks are bare headings,
    higher ones carry topical, geographic, chronological and form subdivisions."""
    mixed = (k * 2_654_435_761) % 1_000_003  # scatter neighbouring ranks over the headings
    adj, noun, rest = _digits(
        mixed + k // 1_000_003 * 1_000_003, len(HEADING_ADJECTIVES), len(HEADING_NOUNS)
    )
    subfields = [("a", f"{HEADING_ADJECTIVES[adj]} {HEADING_NOUNS[noun]}")]
    mesh = rest % 2 == 0
    topical, place, period, form, _ = _digits(rest // 2, 1 + len(QUALIFIERS), 1 + len(PLACES), 4, 3)
    if topical:
        subfields.append(("x", QUALIFIERS[topical - 1] if mesh else LCSH_TOPICAL[topical % 22]))
    if not mesh and place:
        subfields.append(("z", PLACES[place - 1]))
    if not mesh and period == 3:
        subfields.append(("y", PERIODS[(k // 7) % len(PERIODS)]))
    if form == 2:
        subfields.append(("v", FORMS[(k // 11) % len(FORMS)]))
    return ("2" if mesh else "0"), tuple(subfields)


def rare_person(k: int) -> tuple[str, str, str]:
    """Rank `k`'s (surname, given names, dates): a composed surname, a given name, an initial,
    and for some a year of birth (as names in authority form carry)."""
    start, end, given, initial, rest = _digits(
        (k * 40_503) % 10_000_019 + k // 10_000_019 * 10_000_019,
        len(SURNAME_STARTS),
        len(SURNAME_ENDS),
        len(vocab.GIVEN_NAMES),
        27,
    )
    surname = SURNAME_STARTS[start] + SURNAME_ENDS[end]
    forename = vocab.GIVEN_NAMES[given] + (f" {chr(64 + initial)}." if initial else "")
    dates = f"{1930 + rest % 61}-" if rest % 3 == 1 else ""
    return surname, forename, dates


def rare_corporate(k: int) -> str:
    place, kind, rest = _digits(k, len(CORPORATE_PLACES), len(CORPORATE_KINDS))
    name = f"{CORPORATE_PLACES[place]} {CORPORATE_KINDS[kind]}"
    return (
        name if rest == 0 else f"{name}. {SERIES_STARTS[rest % 13]} {SERIES_ENDS[rest % 11]} team"
    )


def rare_series(k: int) -> str:
    """Rank `k`'s series title (its volume number, if any, comes with the manifestation)."""
    start, end, topic, rest = _digits(k, len(SERIES_STARTS), len(SERIES_ENDS), len(TOPICS))
    name = f"{SERIES_STARTS[start]} {SERIES_ENDS[end]}"
    if topic:
        name += f" in {TOPICS[topic].phrase}"
    return name if rest == 0 else f"{name}. Series {rest + 1}"
