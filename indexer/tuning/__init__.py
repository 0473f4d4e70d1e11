"""Synonyms and boosts edited with history: validate, publish, keep every version, preview.

No Flask here, so the staff console's pages and `lantern synonyms ...` are a few lines over it:

- `report.py`: the Problem and Report a check returns (errors and warnings by line);
- `synonyms_check.py`: a synonym file's text (Solr syntax, as indexer/engine/synonyms.py reads it);
- `boosts.py`: every key of boosts.toml with its plain-words label and allowed range;
- `files.py`: which names may be edited and where they live, hashes, atomic writes;
- `history.py`: every version kept under DATA_DIR/tuning/NAME/, diff between any two;
- `publish.py`: publish (refused when the file changed on disk since it was opened), rollback;
- `preview.py`: a query run on the live and on a draft configuration, side by side.

The files in LANTERN_SYNONYMS_DIR stay the source of truth: a change made in git or by hand is
recorded as a version when next seen, never silently overwritten.
"""
