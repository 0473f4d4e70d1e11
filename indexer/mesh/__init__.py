"""MeSH as a vocabulary: NLM's descriptor file imported into one SQLite file (`importer`), read
by `vocabulary` for lookups by UI, entry term and tree number."""
