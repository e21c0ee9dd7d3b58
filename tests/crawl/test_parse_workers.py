"""How many parse workers a crawl starts (HARVESTER_PARSE_WORKERS, harvester.pool.worker_count)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harvester.pool import usable_cpus, worker_count

needs_affinity = pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")


@needs_affinity
def test_auto_leaves_the_crawl_process_a_cpu():
    cpus = len(os.sched_getaffinity(0))
    assert usable_cpus() == cpus
    for auto in (None, "", "auto"):
        assert worker_count(auto) == max(1, cpus - 1)


@needs_affinity
def test_auto_counts_the_cpus_the_process_may_run_on():
    """A process limited to one CPU (taskset, a container's cpuset) still gets one worker."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from harvester.pool import usable_cpus, worker_count; print(usable_cpus(), worker_count(None))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "1"]


def test_explicit_counts_are_kept():
    assert worker_count(0) == 0  # clean and parse in the reactor thread
    assert worker_count("3") == 3
    assert worker_count(-2) == 0
