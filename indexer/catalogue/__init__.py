"""The catalogue: every member library's records in one SQLite store, and the one writer that
keeps the search index in step with it.

`store` holds the records, their blocking keys, clusters, document datestamps and tombstones;
`writer.CatalogueWriter` puts loaded records in, re-merges what changed (`indexer.union`) and
commits the index, then the store.
"""
