"""Check a synonym file's text as indexer/engine/synonyms.py reads it (one reading: the
problems are the lines the engines leave out), plus warnings.

Errors are lines the engine cannot read: two `=>`, an empty side of `=>`, an empty term between
commas, one term alone, a term longer than MAX_TERM_WORDS words, an unclosed quote, bytes that
are not UTF-8. Warnings are rules that work but probably do harm: one that expands a very common
word adds its alternatives to a large share of all searches. `share(term)` says what fraction of
the catalogue's documents a term finds; the caller supplies it (the search service in the CLI
and the console, so indexer never imports opac), or None to skip that check.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.engine.synonyms import read_rules, term_key
from indexer.tuning.report import Report

COMMON_TERM_SHARE = 0.05  # a term found in more than 5% of the catalogue is "very common"

Share = Callable[[str], float]


def check_synonyms(content: str | bytes, share: Share | None = None) -> Report:
    rules, report = read_rules(content)
    if share is not None:
        _warn_common([(rule.line, term) for rule in rules for term in rule.sources], share, report)
    return report


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
