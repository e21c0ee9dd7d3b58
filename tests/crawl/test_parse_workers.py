"""How many parse workers a crawl starts and at which priority (HARVESTER_PARSE_WORKERS,
HARVESTER_PARSE_WORKER_NICE; harvester.pool)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harvester.pool import ParsePool, usable_cpus, worker_count

needs_affinity = pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")


@needs_affinity
def test_auto_is_one_worker_per_usable_cpu():
    cpus = len(os.sched_getaffinity(0))
    assert usable_cpus() == cpus
    for auto in (None, "", "auto"):
        assert worker_count(auto) == cpus


@needs_affinity
def test_auto_counts_the_cpus_the_process_may_run_on():
    """A process limited to one CPU (taskset, a container's cpuset) gets one worker."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from harvester.pool import usable_cpus, worker_count; print(usable_cpus(), worker_count(None))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "1"]


def test_explicit_counts_are_kept():
    assert worker_count(0) == 0  # clean and parse in the reactor thread
    assert worker_count("3") == 3
    assert worker_count(-2) == 0


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this OS")
@pytest.mark.parametrize("nice", [0, 7])
def test_workers_run_at_the_lowered_priority(nice):
    """The reactor's process keeps its priority; its parse workers lower theirs by ``nice``."""
    own = os.nice(0)
    pool = ParsePool(1, nice)
    try:
        pool.start()
        assert pool._executor.submit(os.nice, 0).result(timeout=60) == min(19, own + nice)
    finally:
        pool.shutdown()
    assert os.nice(0) == own


@pytest.mark.slow
def test_in_process_parsing_stores_what_the_workers_store(replicas, tmp_path):
    """HARVESTER_PARSE_WORKERS = 0 cleans (the clean pipeline, then in the item chain) and parses
    in the reactor thread; the reports stored are those the parse workers give."""
    from .conftest import exported_reports, scrapy_crawl

    stored = {}
    for workers in (0, 2):
        db = tmp_path / f"w{workers}.db"
        done = scrapy_crawl("zhaoqing", replicas.base_urls["zhaoqing"], db, "-s", f"HARVESTER_PARSE_WORKERS={workers}")
        assert done.returncode == 0, done.stderr[-3000:]
        stored[workers] = sorted(({k: v for k, v in r.items() if k not in ("fetched_at", "harvest_run")}
                                  for r in exported_reports(db)), key=lambda r: r["url"])
    assert len(stored[0]) >= 10
    assert stored[0] == stored[2]
