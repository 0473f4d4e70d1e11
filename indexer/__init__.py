"""Lantern's indexer: MARC and KBART sources -> mapped documents -> search engine."""
