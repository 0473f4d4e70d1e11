"""The sample consortium: made-up NHS libraries and their MARC exports, for `lantern demo`, the
tests and the benchmarks (`python -m lantern.sample.generate OUT --records N`).

`generate` drives it; `consortium` makes the libraries and their `libraries.toml`, `titles` the
works and editions they share (word lists in `topics` and `vocabulary`), `records` and `holdings`
each library's record and items, written by `indexer.marc.writer` (MARC-8 through `marc8`).
"""
