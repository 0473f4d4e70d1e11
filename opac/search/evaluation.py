"""Relevance evaluation over the search service: the query set's queries are searched exactly
as a reader's results page searches them (the same parameters read the same way, the same
service, the same engine with its synonyms and boosts), so the scores are what readers get.

A draft configuration is a directory like `synonyms/` (synonym files and boosts.toml): it is
tried by opening a second service with LANTERN_SYNONYMS_DIR pointed at it, over the same index.
No Flask here: `lantern relevance eval` and the staff console both call this.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from werkzeug.datastructures import MultiDict

from indexer.errors import JudgementError
from indexer.relevance.evaluate import Comparison, Report, Result, Search, compare, evaluate
from indexer.relevance.judgements import QuerySet
from indexer.relevance.metrics import K
from opac.search.params import parse_search_args
from opac.search.service import open_search_service


def results_page_search(service) -> Search:
    """query -> its first K results, as the results page ranks them with `service` (searched
    without `log`: an evaluation is not a reader's search)."""

    def search(query: str) -> list[Result]:
        params = parse_search_args(MultiDict({"q": query, "size": str(K)}))
        # Facet counts do not change the ranking; the page counts them, the evaluation need not.
        page = service.search(dataclasses.replace(params, facets=()))
        return [
            Result(
                id=r["id"],
                title=r["title"],
                member_keys=tuple(f"{m['library']}:{m['record_id']}" for m in r["members"]),
            )
            for r in page["results"]
        ]

    return search


def check_draft(draft_dir: Path) -> Path:
    draft_dir = Path(draft_dir)
    if not (draft_dir / "boosts.toml").is_file():
        raise JudgementError(
            f"{draft_dir} is not a draft configuration: a draft is a copy of the synonyms "
            "directory (synonym .txt files and boosts.toml) with your changes"
        )
    return draft_dir


def evaluate_live(settings, qset: QuerySet, service=None) -> Report:
    """`qset` scored on the live configuration (`service`: one already open for `settings`).
    The ideal ranking is of the documents holding the judged records now."""
    service = service or open_search_service(settings)
    return evaluate(qset, results_page_search(service), "live", service.catalogue_ids().doc_grades)


def evaluate_draft(
    settings, qset: QuerySet, draft_dir: Path, max_drop: float, service=None
) -> Comparison:
    """The live configuration and the draft in `draft_dir`, on the same index and queries."""
    live = service or open_search_service(settings)
    draft = dataclasses.replace(settings, synonyms_dir=check_draft(draft_dir))
    return compare(
        qset,
        results_page_search(live),
        results_page_search(open_search_service(draft)),
        max_drop=max_drop,
        regroup=live.catalogue_ids().doc_grades,
    )
