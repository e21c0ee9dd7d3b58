"""Hostile-site tests: a fault server on loopback (faultserver.py) in place of a site, real
`harvester harvest` / `scrapy crawl` processes, real SQLite files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .faultserver import FaultServer

ROOT = Path(__file__).resolve().parents[2]
#: Politeness off (loopback only); short timeouts so hanging answers fail fast.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=1"]


@pytest.fixture
def fault_server():
    with FaultServer() as server:
        yield server


#: Runs a command and prints the peak RSS of it and its descendants: RUSAGE_CHILDREN of the test
#: process itself keeps the largest child of the whole session (an OCR test's), not this one's.
PEAK_RSS_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
                    "sys.stderr.write('\\npeak-rss-kib %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
                    "sys.exit(r.returncode)")


def peak_rss_kib(out: subprocess.CompletedProcess) -> int:
    """The peak RSS a ``harvest(..., measure_peak=True)`` run reported."""
    return int(out.stderr.rsplit("peak-rss-kib ", 1)[1].split()[0])


def harvest(db: Path, server: FaultServer, *extra: str, site: str = "zhaoqing", timeout: int = 240,
            env: dict | None = None, measure_peak: bool = False) -> subprocess.CompletedProcess:
    """`harvester harvest zhaoqing` against the fault server (incremental by default, like cron)."""
    cmd = [sys.executable, "-m", "harvester", "harvest", site, "--db", str(db), "--progress", "off",
           "--base-url", f"{site}={server.base_url}", *FAST, *extra]
    if measure_peak:
        cmd = [sys.executable, "-c", PEAK_RSS_WRAPPER, *cmd]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def cli(*args: str, timeout: int = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def failures(db: Path) -> dict[str, tuple]:
    """url -> (status, error) of every recorded fetch failure."""
    return {url: (status, error) for url, status, error in rows(db, "select url, status, error from fetch_failures")}


def current_reports(db: Path) -> dict[str, int]:
    """url -> version of every current report."""
    return dict(rows(db, "select url, version from reports where is_current"))


def last_run(db: Path) -> dict:
    out = cli("runs", "--json", "--limit", "0", "--db", str(db))
    assert out.returncode == 0, out.stderr
    return max(json.loads(out.stdout), key=lambda r: r["id"])
