"""Relevance judgements and their evaluation: the evidence that a ranking change helped.

- `judgements`: query sets with graded judgements (0..3) keyed to member record keys
  (LIB:CONTROLNUMBER), one readable CSV per set in LANTERN_RELEVANCE_DIR.
- `metrics`: nDCG@10, MRR, precision@10 and unjudged results, per query.
- `evaluate`: a query set scored over a search function; live and draft compared.
- `formats`: Quepid's ratings CSV and OpenSearch/Elasticsearch `_rank_eval` JSON, in and out.
- `starter`: starter sets built from a loaded catalogue (known items, health topics).

No Flask and no search service here: the caller passes the search (see
`opac/search/evaluation.py`, which runs it exactly as the results page does).
"""
