"""Distributed harvests: 3 worker processes (`harvester harvest --distributed`) share one real
redis-server (scheduler queue, dupefilter, politeness, the run) and one real PostgreSQL, over the
replicas on loopback. Every report is stored exactly once, one run per site, and a worker
killed mid-run loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harvester.replicas import ReplicaOptions, ReplicaServer, manifest, manifest_all
from harvester.storage.testing import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
#: The replicas that need no browser (xuancheng's spider renders: tests/render covers it).
SITES = ("zhaoqing", "yongkang", "yuxi", "panzhihua")
DELAY = 0.05  # shared politeness: one request start per site per 50 ms across all workers


@pytest.fixture
def pg_url(postgres_url):
    if isinstance(postgres_url, Exception):
        pytest.skip(f"PostgreSQL not available: {postgres_url}")
    url = create_database(postgres_url)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def replica():
    with ReplicaServer(sites=list(SITES), options=ReplicaOptions(challenge=False)) as server:
        yield server


def worker(db: str, redis: str, server: ReplicaServer, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "harvester", "harvest", *SITES, "--distributed", "--redis", redis, "--db", db,
           "--concurrency", "4", "--progress", "off", "-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=0",
           "-s", "DOWNLOAD_DELAY_JITTER=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
           "-s", "HARVESTER_LEASE_SECONDS=4", "-s", "HARVESTER_STORE_FLUSH_SECONDS=0.5", *extra]
    for site in SITES:
        cmd += ["--base-url", f"{site}={server.base_urls[site]}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())


def query(db: str, sql: str) -> list[tuple]:
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def check_archive(db: str, server: ReplicaServer) -> None:
    """Every report once, every linked page once, one finished run per site with all counts."""
    expected_reports = {e["url"] for e in manifest(base_urls=server.base_urls) if e["site"] in SITES}
    current = sorted(u for (u,) in query(db, "select url from reports where is_current"))
    missing = expected_reports - set(current)
    # what became of a missing report's page (never stored? stored as another kind?)
    assert current == sorted(expected_reports), (missing, [row for row in query(
        db, "select p.url, s.status, s.kind, s.kind_reason, s.encoding, b.size from pages p"
            " join snapshots s on s.page_id = p.id join bodies b on b.sha256 = s.content_sha256")
        if row[0] in missing])  # each exactly once
    assert query(db, "select count(*) from (select url from pages group by url having count(*) > 1) d") == [(0,)]
    assert query(db, "select count(*) from snapshots")[0][0] == query(db, "select count(*) from pages")[0][0]
    assert query(db, "select count(*) from (select page_id from reports group by page_id having count(*) > 1) d") == [(0,)]
    runs = query(db, "select site_key, outcome, pages_new, requests from harvest_runs where kind = 'crawl' order by site_key")
    assert [r[0] for r in runs] == sorted(SITES)  # one run per site, seeded once
    for site, outcome, new, requests in runs:
        stored = query(db, f"select count(*) from pages where site_key = '{site}'")[0][0]
        assert outcome == "finished", (site, outcome)
        assert new == stored and requests and requests >= stored
    assert query(db, "select count(*) from harvest_locks") == [(0,)]


def check_politeness(server: ReplicaServer) -> None:
    """Across all workers, each site saw at most one request per shared delay on average (the
    replica logs a request when it answers, so single gaps vary with response times; three
    workers without the shared limit would reach three times the rate)."""
    for site in SITES:
        times = sorted(r.at.timestamp() for r in server.request_log if r.site == site and r.path != "/robots.txt")
        assert len(times) > 10
        rate_gap = (times[-1] - times[0]) / (len(times) - 1)
        assert rate_gap >= DELAY * 0.9, (site, rate_gap)


def upgraded(db: str) -> str:
    """The schema is created once before the workers start (as a deployment runs `harvester db
    upgrade` once): N processes migrating one empty database at the same moment would race."""
    done = subprocess.run([sys.executable, "-m", "harvester", "db", "upgrade", "--db", db], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return db


def test_three_workers_store_every_report_exactly_once(pg_url, redis_url, replica):
    upgraded(pg_url)
    workers = [worker(pg_url, redis_url, replica) for _ in range(3)]
    outputs = [w.communicate(timeout=600) for w in workers]
    for w, (out, err) in zip(workers, outputs):
        assert w.returncode == 0, out[-2000:] + err[-3000:]
        assert "Traceback" not in err, err[-3000:]
    check_archive(pg_url, replica)
    check_politeness(replica)
    # no detail page was fetched twice (one shared dupefilter), and every worker had a share
    detail = {(e["site"], e["path"]) for e in manifest_all() if e["site"] in SITES}
    fetched = [(r.site, r.path) for r in replica.request_log if (r.site, r.path) in detail and r.status == 200]
    twice = sorted(path for path, n in Counter(fetched).items() if n > 1)
    assert fetched and not twice, (twice, [(r.site, r.path, r.status, r.at) for r in replica.request_log
                                           if (r.site, r.path) in twice])
    for out, _ in outputs:
        assert "distributed worker" in out


def test_a_worker_killed_mid_run_loses_nothing(pg_url, redis_url, replica):
    upgraded(pg_url)
    workers = [worker(pg_url, redis_url, replica) for _ in range(3)]
    victim = workers[1]
    deadline = time.time() + 120
    while time.time() < deadline:  # kill it once the crawl is well under way
        if len(replica.request_log) >= 25:
            break
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    _, victim_err = victim.communicate(timeout=30)
    errs = []
    for w in (workers[0], workers[2]):
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, out[-2000:] + err[-3000:]
        errs.append(err)
    try:
        check_archive(pg_url, replica)
    except AssertionError as exc:  # what every worker said, the killed one included
        failures = query(pg_url, "select url, error from fetch_failures")
        raise AssertionError(f"{exc}\nfailures recorded: {failures}\nkilled worker: {victim_err[-3000:]}\n"
                             + "\n".join(f"worker: {e[-2000:]}" for e in errs)) from None
    # a killed worker's share is partial: nothing may be marked gone on its account
    sweeps = query(pg_url, "select distinct sweep from harvest_runs where kind = 'crawl'")
    assert ("complete",) not in sweeps or query(pg_url, "select count(*) from pages where gone_at is not null") == [(0,)]


ADDON_SETTINGS = """
import json, sys
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

settings = get_project_settings()
install_reactor(settings["TWISTED_REACTOR"])
crawler = Crawler(Spider, settings)
crawler._apply_settings()
print(json.dumps({"scheduler": crawler.settings.get("SCHEDULER"),
                  "redis_modules": sorted(m for m in sys.modules if m.split(".")[0] in ("redis", "scrapy_redis"))}))
"""


@pytest.mark.parametrize("redis", [None, "redis://127.0.0.1:9/0"])
def test_only_a_distributed_crawl_imports_redis(redis):
    """The add-on is loaded by every crawl: a crawl of its own imports neither scrapy-redis nor
    redis (~0.13 s of CPU at each crawl start); a worker gets the Redis scheduler."""
    env = {k: v for k, v in os.environ.items() if k != "HARVESTER_REDIS_URL"}
    if redis:
        env["HARVESTER_REDIS_URL"] = redis
    done = subprocess.run([sys.executable, "-c", ADDON_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    if redis:
        assert loaded["scheduler"] == "harvester.distributed.DistributedScheduler"
    else:
        assert loaded["redis_modules"] == [] and "distributed" not in loaded["scheduler"]
