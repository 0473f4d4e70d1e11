"""Ranking metrics over graded judgements, per query (the caller averages).

Definitions, so that a reader of a report knows what the numbers mean:

- Grades: 0 not relevant .. 3 perfect. A result is *relevant* when its grade is >= 2
  (RELEVANT): "relevant" and "perfect" count, "partly relevant" does not.
- nDCG@10: DCG = sum over the top 10 of (2^grade - 1) / log2(rank + 1); divided by the DCG of
  the ideal order of every grade judged for the query (not only the ones retrieved), so a
  relevant record the search misses lowers the score. Unjudged results gain 0.
- MRR: 1 / rank of the first relevant result (0 when none is in the top 10); averaged
  over queries this is the mean reciprocal rank.
- precision@10: relevant results in the top 10, divided by 10 (a query with fewer than 10
  relevant records cannot reach 1; the figure is for comparing configurations).
- unjudged@10: results in the top 10 that no judgement covers; many of them mean the scores
  above say less (judge them, or the comparison may miss a change).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

K = 10
RELEVANT = 2


def document_grade(member_keys: Iterable[str], graded: dict[str, int]) -> int | None:
    """A result document's grade: the best grade of any of its member records; None when no
    member is judged."""
    grades = [graded[key] for key in member_keys if key in graded]
    return max(grades) if grades else None


def dcg(grades: Sequence[int | None], k: int = K) -> float:
    return sum((2 ** (g or 0) - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:k]))


def ndcg(grades: Sequence[int | None], judged: Iterable[int], k: int = K) -> float:
    """nDCG@k of a ranking's grades, the ideal taken from every grade judged for the query."""
    ideal = dcg(sorted(judged, reverse=True), k)
    return dcg(grades, k) / ideal if ideal > 0 else 0.0


def reciprocal_rank(grades: Sequence[int | None], k: int = K) -> float:
    for rank, g in enumerate(grades[:k], 1):
        if g is not None and g >= RELEVANT:
            return 1.0 / rank
    return 0.0


def precision(grades: Sequence[int | None], k: int = K) -> float:
    return sum(1 for g in grades[:k] if g is not None and g >= RELEVANT) / k


def unjudged(grades: Sequence[int | None], k: int = K) -> int:
    return sum(1 for g in grades[:k] if g is None)
