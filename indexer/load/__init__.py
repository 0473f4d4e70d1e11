"""Loading a library's files, step 1 to 4 of the pipeline: read -> map -> store -> merge and index.

`runner` drives a load (`lantern load`): `pipeline` splits the files into batches and parses and
maps them in the processes `pool` starts; the records go into the catalogue (`indexer.catalogue`),
which merges and indexes what changed; `report` counts and describes the outcome. `reindex`
rebuilds every document from the catalogue store into a new index.
"""
