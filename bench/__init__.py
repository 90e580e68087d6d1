"""Benchmarks: `python -m bench` (make bench). Not installed with the package."""
