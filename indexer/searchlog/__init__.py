"""What readers search for: the search log (no Flask).

redact   the query as it is kept: normalised, personal data replaced by a marker
store    the SQLite file DATA_DIR/searchlog.sqlite: one row per search, purge
buffer   SearchLog: the OPAC's in-memory buffer and background writer
reports  top, zero-result and suggestion-taken searches by ISO week; CSV
"""
