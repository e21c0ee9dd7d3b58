"""Scheduled harvests against the replicas: real `harvester` / `scrapy` / Scrapyd processes on
loopback, real SQLite files (and PostgreSQL for the lock), the replicas' own request logs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Iterable

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer, manifest_all

ROOT = Path(__file__).resolve().parents[2]
#: Politeness off (loopback replicas only); robots.txt still obeyed.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]
#: Sites whose replicas need no browser (xuancheng's challenge is off, but its spider renders).
SITES = ("zhaoqing", "yongkang", "yuxi", "panzhihua")


@pytest.fixture
def replica():
    """Fresh replicas (their own request logs and editions), xuancheng's challenge off."""
    with ReplicaServer(sites=list(SITES), options=ReplicaOptions(challenge=False)) as server:
        yield server


def harvest_cmd(db: Path, server: ReplicaServer, sites: Iterable[str], *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "harvester", "harvest", *sites, "--db", str(db), "--concurrency", "4", *FAST]
    for site in sites:
        cmd += ["--base-url", f"{site}={server.base_urls[site]}"]
    return cmd + list(extra)


def harvest(db: Path, server: ReplicaServer, sites: Iterable[str], *extra: str,
            timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(harvest_cmd(db, server, list(sites), *extra), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=os.environ.copy())


def runs(db: Path) -> list[dict]:
    """Recorded runs, oldest first, with their stats (`harvester runs --json`)."""
    out = subprocess.run([sys.executable, "-m", "harvester", "runs", "--json", "--limit", "0", "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return sorted(json.loads(out.stdout), key=lambda r: r["id"])


def last_runs(db: Path) -> dict[str, dict]:
    """site -> its newest run."""
    latest: dict[str, dict] = {}
    for run in runs(db):
        latest[run["site"]] = run
    return latest


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def detail_paths(site: str, edition: int = 1) -> set[str]:
    """Paths of every detail page a site's listings link (reports, notices, dead link...)."""
    return {e["path"] for e in manifest_all(edition=edition, site=site)}


def detail_downloads(server: ReplicaServer, site: str, edition: int = 1) -> list:
    """Detail-page requests the replica answered with a body (not 304)."""
    paths = detail_paths(site, edition)
    return [r for r in server.request_log if r.site == site and r.path.split("?")[0] in paths and r.status != 304]


def file_paths(site: str, edition: int = 1) -> set[str]:
    """Paths of the files (PDF, DOC, XLS, pictures) report pages link: fetched by the files
    pipeline with their page, no listing requests."""
    from harvester.replicas import ReplicaOptions
    from harvester.replicas.sites import REPLICA_CLASSES

    return {p.split("?")[0] for p in REPLICA_CLASSES[site](ReplicaOptions(edition=edition)).attachment_index()}


def listing_requests(server: ReplicaServer, site: str, edition: int = 1) -> list:
    paths = detail_paths(site, edition) | file_paths(site, edition) | {"/robots.txt"}
    return [r for r in server.request_log if r.site == site and r.path.split("?")[0] not in paths]


