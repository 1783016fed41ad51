"""Benchmarks for low-spec laptops: `make bench` runs them and writes docs/benchmarks.md."""
