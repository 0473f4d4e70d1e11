"""The union catalogue: records that describe the same title become one search document.

`rebuild` finds the records around a change, clusters them again (`indexer.dedup` decides which
match) and rebuilds their documents, in worker processes when there are many; `document` builds
one document from its member records, with every library's holdings.
"""
