"""Benchmarks and the synthetic-consortium generator (`python -m bench.generate`)."""
