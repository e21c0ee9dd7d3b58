"""End-to-end crawls: real replicas on loopback, real `scrapy crawl` / `harvester` processes
(a Twisted reactor cannot restart inside one pytest process), real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer

ROOT = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]


@pytest.fixture(scope="module")
def redis_url():
    """A throw-away redis-server on a free loopback port (the distributed-crawl tests)."""
    from harvester.storage.testing import RedisUnavailable, redis_server

    try:
        with redis_server() as url:
            yield url
    except RedisUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def replicas():
    """All five replicas, xuancheng's challenge off (the rendering tests switch it on)."""
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as server:
        yield server


def scrapy_crawl(site: str, base_url: str, db_path: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawl", site, "-a", f"base_url={base_url}", "-a", "render=no",
           "-s", f"HARVESTER_DATABASE_URL=sqlite:///{db_path}", "-s", "LOG_LEVEL=INFO", *FAST, *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def harvester_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def exported_reports(db_path: Path, site: str | None = None) -> list[dict]:
    args = ["export", "--format", "jsonl", "--out", "-", "--db", str(db_path)]
    if site:
        args += ["--site", site]
    out = harvester_cli(*args)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def last_run_stats(db_path: Path, site: str) -> dict:
    out = harvester_cli("runs", "--json", "--db", str(db_path))
    assert out.returncode == 0, out.stderr
    runs = [r for r in json.loads(out.stdout) if r.get("site") == site]
    assert runs, f"no run recorded for {site}"
    return max(runs, key=lambda r: r["id"])
