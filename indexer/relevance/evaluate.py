"""Score a query set over a search function; compare the live configuration with a draft.

The search function is passed in (`Search`: query -> its top results in order) so this stays
free of the web app: `opac/search/evaluation.py` passes the search service's own search, the
one the results page runs, and tests may pass any ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from indexer.relevance import metrics
from indexer.relevance.judgements import QuerySet


@dataclass(frozen=True)
class Result:
    """One result as ranked: its document id, title and member record keys."""

    id: str
    title: str
    member_keys: tuple[str, ...]


Search = Callable[[str], Sequence[Result]]
# Judged member records -> the grades of the documents that hold them now (each by its best
# member). The ideal ranking nDCG divides by is one of documents, as the results are: graded by
# record, a title merged from three judged records would count three times in the ideal.
Regroup = Callable[[dict[str, int]], dict[str, int]]


@dataclass
class QueryScore:
    query: str
    ndcg: float
    reciprocal_rank: float
    precision: float
    unjudged: int
    judged: int  # judgements the query has
    ranking: list[tuple[Result, int | None]] = field(default_factory=list)  # top 10, graded

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "ndcg@10": round(self.ndcg, 4),
            "rr": round(self.reciprocal_rank, 4),
            "p@10": round(self.precision, 4),
            "unjudged@10": self.unjudged,
            "judged": self.judged,
            "top": [{"id": r.id, "title": r.title, "grade": grade} for r, grade in self.ranking],
        }


@dataclass
class Report:
    """A query set's scores under one configuration."""

    set_name: str
    label: str  # "live" or "draft"
    scores: list[QueryScore]

    def _mean(self, attr: str) -> float:
        return sum(getattr(s, attr) for s in self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def ndcg(self) -> float:
        return self._mean("ndcg")

    @property
    def mrr(self) -> float:
        return self._mean("reciprocal_rank")

    @property
    def precision(self) -> float:
        return self._mean("precision")

    @property
    def unjudged(self) -> int:
        return sum(s.unjudged for s in self.scores)

    def summary(self) -> dict:
        return {
            "queries": len(self.scores),
            "ndcg@10": round(self.ndcg, 4),
            "mrr": round(self.mrr, 4),
            "p@10": round(self.precision, 4),
            "unjudged@10": self.unjudged,
        }

    def as_dict(self) -> dict:
        return {
            "set": self.set_name,
            "label": self.label,
            **self.summary(),
            "per_query": [s.as_dict() for s in self.scores],
        }


def score_query(
    query: str, graded: dict[str, int], results: Sequence[Result], regroup: Regroup | None = None
) -> QueryScore:
    top = list(results[: metrics.K])
    grades = [metrics.document_grade(r.member_keys, graded) for r in top]
    ideal = (regroup(graded) if regroup else graded).values()
    return QueryScore(
        query=query,
        ndcg=metrics.ndcg(grades, ideal),
        reciprocal_rank=metrics.reciprocal_rank(grades),
        precision=metrics.precision(grades),
        unjudged=metrics.unjudged(grades),
        judged=len(graded),
        ranking=list(zip(top, grades, strict=True)),
    )


def evaluate(
    qset: QuerySet, search: Search, label: str = "live", regroup: Regroup | None = None
) -> Report:
    """Every judged query of `qset` searched once and scored (the ideal ranking of documents
    when `regroup` is given, else of judged records)."""
    scores = [score_query(q, graded, search(q), regroup) for q, graded in qset.judgements.items()]
    return Report(qset.name, label, scores)


@dataclass
class Comparison:
    """The live configuration and a draft on the same set, query by query."""

    live: Report
    draft: Report
    max_drop: float

    @property
    def drop(self) -> float:
        """How much the mean nDCG@10 falls from live to draft (negative: the draft is better)."""
        return self.live.ndcg - self.draft.ndcg

    @property
    def worse(self) -> bool:
        """The draft loses more mean nDCG@10 than `max_drop` allows (rounding noise aside)."""
        return self.drop > self.max_drop + 1e-9

    def changes(self) -> list[dict]:
        """Queries whose nDCG@10 or reciprocal rank differ, largest change first."""
        out = []
        for live, draft in zip(self.live.scores, self.draft.scores, strict=True):
            delta = draft.ndcg - live.ndcg
            if abs(delta) > 1e-9 or live.reciprocal_rank != draft.reciprocal_rank:
                out.append(
                    {
                        "query": live.query,
                        "live_ndcg@10": round(live.ndcg, 4),
                        "draft_ndcg@10": round(draft.ndcg, 4),
                        "delta": round(delta, 4),
                        "live_rr": round(live.reciprocal_rank, 4),
                        "draft_rr": round(draft.reciprocal_rank, 4),
                    }
                )
        return sorted(out, key=lambda c: -abs(c["delta"]))

    def as_dict(self) -> dict:
        return {
            "set": self.live.set_name,
            "live": self.live.as_dict(),
            "draft": self.draft.as_dict(),
            "drop": round(self.drop, 4),
            "max_drop": self.max_drop,
            "worse": self.worse,
            "changes": self.changes(),
        }


def compare(
    qset: QuerySet, live: Search, draft: Search, max_drop: float, regroup: Regroup | None = None
) -> Comparison:
    return Comparison(
        evaluate(qset, live, "live", regroup), evaluate(qset, draft, "draft", regroup), max_drop
    )
