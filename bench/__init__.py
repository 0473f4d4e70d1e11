"""Benchmarks, run from the checkout (`python -m bench.load_bench` ...); not installed. The sample
consortium they load comes from `lantern.sample`."""
