"""Check a synonym file's text, line by line, as indexer/engine/synonyms.py will read it.

Errors are lines the engine would read wrongly or not at all (it skips them silently, so a
librarian would never know): two `=>`, an empty side of `=>`, an empty term between commas, one
term alone, a term longer than MAX_TERM_WORDS words, bytes that are not UTF-8. Warnings are rules
that work but probably do harm: one that expands a very common word adds its alternatives to a
large share of all searches. `share(term)` says what fraction of the catalogue's documents a
term finds; the caller supplies it (the search service in the CLI and the console, so indexer
never imports opac), or None to skip that check.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.engine.synonyms import MAX_TERM_WORDS, term_key
from indexer.tuning.report import Report

COMMON_TERM_SHARE = 0.05  # a term found in more than 5% of the catalogue is "very common"

Share = Callable[[str], float]


def check_synonyms(content: str | bytes, share: Share | None = None) -> Report:
    report = Report()
    sources: list[tuple[int, str]] = []  # (line, term) of every term a query is looked up by
    for number, line in _lines(content, report):
        rule = line.split("#", 1)[0].strip()
        if rule:
            sources.extend((number, term) for term in _check_rule(rule, number, report))
    if share is not None:
        _warn_common(sources, share, report)
    return report


def _lines(content: str | bytes, report: Report):
    if isinstance(content, str):
        yield from enumerate(content.splitlines(), 1)
        return
    for number, raw in enumerate(content.splitlines(), 1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.error(
                number,
                f"is not UTF-8 text (byte {exc.start + 1}); save the file as UTF-8",
            )


def _check_rule(rule: str, number: int, report: Report) -> list[str]:
    """The line's source terms when it is a valid rule, else [] after reporting why not."""
    arrows = rule.count("=>")
    if arrows > 1:
        report.error(number, f"has {arrows} `=>`; a rule has at most one")
        return []
    if arrows:
        left, _, right = rule.partition("=>")
        sides = [("left of =>", left), ("right of =>", right)]
    else:
        sides = [("", rule)]
    terms_by_side = []
    for where, text in sides:
        terms = _terms(text, where, number, report)
        if terms is None:
            return []
        terms_by_side.append(terms)
    if not arrows and len(terms_by_side[0]) == 1:
        report.error(
            number,
            f"{terms_by_side[0][0]!r} alone does nothing: list its equivalents after a comma "
            "(`a, b`) or what it expands to after `=>` (`a => b`)",
        )
        return []
    sources = terms_by_side[0]
    too_long = [t for t in sources if len(term_key(t).split()) > MAX_TERM_WORDS]
    for term in too_long:
        report.error(
            number,
            f"{term!r} has {len(term_key(term).split())} words; searches are only looked up "
            f"for terms of up to {MAX_TERM_WORDS} words, so it would never expand",
        )
    return [] if too_long else sources


def _terms(text: str, where: str, number: int, report: Report) -> list[str] | None:
    side = f" {where}" if where else ""
    if not text.strip():
        report.error(number, f"has nothing{side}")
        return None
    terms = [t.strip() for t in text.split(",")]
    for position, term in enumerate(terms, 1):
        if not term:
            report.error(number, f"has an empty term{side} (term {position}: two commas?)")
            return None
        if not term_key(term):
            report.error(number, f"term {term!r}{side} has no letters or digits to search for")
            return None
    return terms


def _warn_common(sources: list[tuple[int, str]], share: Share, report: Report) -> None:
    seen: dict[str, float] = {}
    for number, term in sources:
        key = term_key(term)
        if key not in seen:
            seen[key] = share(term)
        if seen[key] > COMMON_TERM_SHARE:
            report.warn(
                number,
                f"{term!r} is a very common word: it finds {seen[key]:.0%} of the catalogue "
                f"(more than {COMMON_TERM_SHARE:.0%}), so this rule adds its alternatives to "
                "a large share of all searches",
            )
