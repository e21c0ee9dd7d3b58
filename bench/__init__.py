"""Benchmarks of the harvester (issue 7): ``python -m bench`` (``--quick`` for a smoke run).

Not part of the test run; see docs/benchmarks.md and bench/RESULTS.md.
"""
