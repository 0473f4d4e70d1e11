"""The scaled-out engine: an OpenSearch cluster, reached with opensearch-py (LANTERN_ENGINE=
opensearch).

`engine.OpenSearchEngine` implements `indexer.engine.base.Engine` on a versioned index behind an
alias; the other modules are its parts: the index mapping, the query DSL, the search request
body, bulk writes and suggestions. Only this package imports `opensearchpy`.
"""
