"""The health-topic starter set's topics: what a reader types, and the subject headings that
answer it.

Each topic: the query (lay words first where readers use them: "heart attack", not
"myocardial infarction"), the heading terms that mean it (MeSH and LCSH forms, matched as whole
words in a heading, case aside), and for a topic about a group of people ("asthma in
children") the words that name the group. A term starting "-- " is a subdivision: "Older
people -- Care" names care of older people, "Child care" does not. Extend the table with the
region's own common searches (the search log's top searches say which).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    query: str
    terms: tuple[str, ...]
    group: tuple[str, ...] = ()  # for "X in Y": the words one heading must name Y by


CHILDREN = ("child", "children", "infant", "infants", "adolescent", "pediatrics", "paediatrics")
OLDER = ("aged", "older people", "old age", "aging", "ageing", "geriatrics", "older adults")

TOPICS: tuple[Topic, ...] = (
    Topic("heart attack", ("myocardial infarction", "heart attack")),
    Topic("heart disease", ("heart diseases", "heart disease", "coronary heart disease")),
    Topic("asthma in children", ("asthma",), CHILDREN),
    Topic("anaemia", ("anemia", "anaemia")),
    Topic("diabetes", ("diabetes", "diabetes mellitus")),
    Topic("cancer", ("cancer", "neoplasms", "tumors", "tumours", "oncology")),
    Topic("mental health", ("mental health", "mental illness", "mental disorders", "psychiatry")),
    Topic("depression", ("depression, mental", "depressive disorder", "depression (psychology)")),
    Topic("dementia", ("dementia", "alzheimer's disease", "alzheimer disease")),
    Topic("stroke", ("stroke", "cerebrovascular disorders", "cerebrovascular disease")),
    Topic("high blood pressure", ("hypertension", "high blood pressure")),
    Topic("hiv", ("hiv infections", "hiv (viruses)", "aids (disease)", "hiv")),
    Topic("stopping smoking", ("smoking cessation", "smoking", "tobacco use", "tobacco habit")),
    Topic("obesity", ("obesity",)),
    Topic("nutrition", ("nutrition", "diet", "diet therapy")),
    Topic("exercise", ("exercise", "physical fitness", "exercise therapy")),
    Topic("nursing", ("nursing", "nurses", "nursing care")),
    Topic("pain relief", ("pain", "pain management", "analgesia", "analgesics")),
    Topic("child health", ("child health", "child health services")),
    Topic(
        "children's health", ("-- health and hygiene", "-- diseases", "-- medical care"), CHILDREN
    ),
    Topic("infectious diseases", ("communicable diseases", "infection", "infections")),
    Topic("pregnancy", ("pregnancy", "prenatal care", "obstetrics")),
    Topic("sleep problems", ("sleep disorders", "insomnia", "sleep")),
    Topic(
        "care of older people",
        ("-- care", "-- health and hygiene", "-- medical care", "nursing homes", "long-term care"),
        OLDER,
    ),
    Topic("medicines", ("drugs", "pharmacology", "drug therapy", "pharmaceutical")),
    Topic("public health", ("public health",)),
    Topic("medical ethics", ("medical ethics", "ethics, medical", "bioethics")),
    Topic("psychology", ("psychology",)),
    Topic("hospitals", ("hospitals", "hospital care")),
    Topic("brain", ("brain",)),
)
