"""Starter query sets, built from the documents of a loaded catalogue.

How the grades are derived, and what that cannot tell:

*Known items* ("known-items"): records sampled at random (a fixed seed, so the same catalogue
gives the same set). Each gives up to three queries a reader who knows the book types: its
title proper exactly as catalogued, its ISBN (13 digits), and the title with the first
author's surname. Every member record of the sampled document is judged 3 (perfect) for them;
so is every member of any other document with the very same title proper or ISBN (and, for the
title with surname, the same first author's surname), since the query cannot tell them apart.
Nothing else is judged: the set measures whether the known item comes first (MRR, nDCG@10),
not how the rest of the list is ordered, and of two editions under different ISBNs only the
sampled one is graded for its ISBN.

*Health topics* ("health-topics"): the topics of `health_topics.py`, judged from each record's
subject headings: its MeSH headings (650 second indicator 2) when it has any, else its LCSH.
Grade 3 when the record's first heading (its main topic, as cataloguers order them) names the
topic; grade 2 when only another heading names it; grade 1 when a topic about a group ("asthma
in children") is named but the group is not. Records whose headings do not name the topic
stay unjudged (not judged 0): a record with no or sparse headings may still be relevant.
Limits: the grades follow the cataloguers' headings, not a clinician's reading; MARC does not
mark MeSH's major topics, so "first heading" stands in for them; a topic that no record's
headings name is left out of the set. Judge the top results by hand to make it trustworthy.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator

from indexer.relevance.health_topics import TOPICS, Topic
from indexer.relevance.judgements import QuerySet

KNOWN_ITEMS = "known-items"
HEALTH_TOPICS = "health-topics"
SEED = 16  # the number: any fixed seed gives a reproducible sample
MIN_TITLE_CHARS = 4  # "Art" alone is no known-item query a set can rank on


def scan_documents(engine, page: int = 2000) -> Iterator[dict]:
    """Every document of the index (its display record), in id order."""
    after = None
    while batch := engine.scan(after, page):
        yield from batch
        after = batch[-1]["id"]


def member_keys(display: dict) -> list[str]:
    return [f"{m['library']}:{m['record_id']}" for m in display.get("members") or []]


def surname(display: dict) -> str:
    """The first author's surname: personal names are catalogued inverted ("Gribbin, John")."""
    for author in display.get("authors") or []:
        name = author.get("name") or ""
        if author.get("type", "personal") == "personal" and "," in name:
            return name.split(",", 1)[0].strip()
    return ""


def known_item_queries(display: dict) -> list[str]:
    title = " ".join((display.get("title") or "").split())
    queries = [title] if len(title) >= MIN_TITLE_CHARS else []
    queries += (display.get("isbn_display") or [])[:1]
    if queries and queries[0] == title and (name := surname(display)):
        queries.append(f"{title} {name}")
    return queries


def _title(display: dict) -> str:
    return " ".join((display.get("title") or "").split())


def build_known_items(documents: Iterable[dict], count: int, seed: int = SEED) -> QuerySet:
    documents = list(documents)
    # Documents a query names just as well: the same title proper, the same ISBN.
    same: dict[str, list[dict]] = {}
    for d in documents:
        same.setdefault(_title(d).casefold(), []).append(d)
        for isbn in d.get("isbn_display") or []:
            same.setdefault(isbn, []).append(d)
    candidates = [d for d in documents if known_item_queries(d)]
    sample = random.Random(seed).sample(candidates, min(count, len(candidates)))
    qset = QuerySet(KNOWN_ITEMS)
    for display in sample:
        title, name = _title(display), surname(display)
        for query in known_item_queries(display):
            twins = same.get(query.casefold(), [])
            if name and query == f"{title} {name}":  # the same title by the same author
                twins = [t for t in same.get(title.casefold(), []) if surname(t) == name]
            for doc in [display, *twins]:
                for key in member_keys(doc):
                    qset.judge(query, key, 3)
    return qset


def headings(display: dict) -> list[str]:
    """The record's subject headings of one vocabulary: MeSH when it has any, else LCSH."""
    return list(display.get("subject_mesh") or display.get("subject_lcsh") or [])


def _names(terms: tuple[str, ...], text: str) -> bool:
    text = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text) for t in terms)


def topic_grade(topic: Topic, subject_headings: list[str]) -> int | None:
    """The grade of a record for `topic` from its headings; None when they do not name it."""
    if not any(_names(topic.terms, h) for h in subject_headings):
        return None
    if topic.group and not any(_names(topic.group, h) for h in subject_headings):
        return 1
    return 3 if _names(topic.terms, subject_headings[0]) else 2


def build_health_topics(documents: Iterable[dict], topics=TOPICS) -> QuerySet:
    qset = QuerySet(HEALTH_TOPICS)
    for display in documents:
        found = headings(display)
        if not found:
            continue
        for topic in topics:
            grade = topic_grade(topic, found)
            if grade is not None:
                for key in member_keys(display):
                    qset.judge(topic.query, key, grade)
    # A topic whose records are only "partly relevant" has nothing to rank first: left out.
    for query in [q for q, graded in qset.judgements.items() if max(graded.values()) < 2]:
        del qset.judgements[query]
    return qset


def build_starter_sets(engine, known_items: int, topics: bool, seed: int = SEED) -> list[QuerySet]:
    documents = list(scan_documents(engine))
    sets = []
    if known_items > 0:
        sets.append(build_known_items(documents, known_items, seed))
    if topics:
        sets.append(build_health_topics(documents))
    return sets
