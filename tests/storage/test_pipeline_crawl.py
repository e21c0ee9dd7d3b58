"""The store pipeline inside real Scrapy crawls of pages served over HTTP on loopback.

Each crawl runs in its own process (`scrapy runspider`, the project's settings and pipelines),
three times: first harvest, the same again (nothing new), then one page edited and one unlinked.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harvester.storage import Store
from harvester.storage.models import Body, FetchFailure, HarvestRun, Page, Report, Snapshot
from harvester.storage.queries import page_history

from .conftest import report_html

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SPIDER = '''
from datetime import datetime, timezone

import scrapy

from harvester.items import PageItem


class TinySpider(scrapy.Spider):
    """A listing page linking detail pages: the shape of every site spider, nothing more."""

    name = "tiny"
    site_key = "zhaoqing"

    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url
        self.seen_urls = set()

    async def start(self):
        yield scrapy.Request(self.base_url + "/list.html", callback=self.parse_list)

    def parse_list(self, response):
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            self.seen_urls.add(url)
            yield scrapy.Request(url, callback=self.parse_detail, cb_kwargs={"referer": response.url})

    def parse_detail(self, response, referer):
        headers = {k.decode().lower(): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}
        yield PageItem(
            site=self.site_key, url=response.url, final_url=response.url, status=response.status,
            headers=headers, body=response.body, referer=referer,
            fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            error=f"HTTP {response.status}" if response.status >= 400 else None,
        )
'''


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def site(tmp_path):
    """A tiny site served over HTTP from a directory the test edits between crawls."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_listing(root: Path, names: list[str]) -> None:
    links = "".join(f'<li><a href="{name}">{name}</a></li>' for name in names)
    (root / "list.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")


def crawl(tmp_path: Path, base_url: str, db_url: str, **extra: str) -> subprocess.CompletedProcess:
    spider = tmp_path / "tiny_spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    settings = {
        "HARVESTER_DATABASE_URL": db_url,
        "ROBOTSTXT_OBEY": "False",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    command = [sys.executable, "-W", "always::DeprecationWarning", "-m", "scrapy", "runspider", str(spider),
               "-a", f"base_url={base_url}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    return completed


def test_store_pipeline_in_real_crawls(tmp_path, site, db_url):
    root, base_url = site
    (root / "a.html").write_bytes(report_html(year=2019))
    (root / "b.html").write_bytes(report_html(year=2020))
    write_listing(root, ["a.html", "b.html", "dead.html"])  # dead.html: 404

    first = crawl(tmp_path, base_url, db_url)
    store_warnings = [line for line in first.stderr.splitlines() if "Deprecat" in line and "pipelines" in line]
    assert not store_warnings, store_warnings

    with Store(db_url) as store:
        with store.session() as session:
            run1 = session.scalars(select(HarvestRun)).one()
            counts1 = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                       for m in (Page, Snapshot, Body, Report, FetchFailure)}
        assert (run1.site_key, run1.spider, run1.outcome) == ("zhaoqing", "tiny", "finished")
        assert (run1.pages_new, run1.pages_changed, run1.pages_unchanged, run1.pages_failed) == (2, 0, 0, 1)
        assert run1.requests >= 4 and run1.response_bytes > len(report_html())
        assert run1.stats["harvester/new"] == 2 and run1.stats["harvester/failed"] == 1
        assert run1.args == {"base_url": base_url} and run1.finished_at is not None
        assert counts1["pages"] == 2 and counts1["snapshots"] == 2 and counts1["fetch_failures"] == 1
        history = page_history(store, f"{base_url}/a.html")
        assert history["snapshots"][0]["harvest_run"] == run1.id
        assert history["snapshots"][0]["referer"] == f"{base_url}/list.html"

    crawl(tmp_path, base_url, db_url)  # same site again: nothing new
    with Store(db_url) as store:
        with store.session() as session:
            run2 = session.scalars(select(HarvestRun).order_by(HarvestRun.id.desc())).first()
            counts2 = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                       for m in (Page, Snapshot, Body, Report, FetchFailure)}
        assert counts2 == counts1
        assert (run2.pages_new, run2.pages_unchanged, run2.pages_failed, run2.pages_gone) == (0, 2, 1, 0)

    (root / "b.html").write_bytes(report_html(year=2020, proactive=4444))  # edited after publication
    write_listing(root, ["b.html"])  # a.html no longer linked
    crawl(tmp_path, base_url, db_url)
    with Store(db_url) as store:
        with store.session() as session:
            run3 = session.scalars(select(HarvestRun).order_by(HarvestRun.id.desc())).first()
        assert (run3.pages_changed, run3.pages_gone) == (1, 1)
        known = store.known_pages("zhaoqing")
        assert known[f"{base_url}/a.html"].gone and not known[f"{base_url}/b.html"].gone
        edited = page_history(store, f"{base_url}/b.html")
        assert len(edited["snapshots"]) == 2
        if edited["report_versions"]:  # reports exist once the parser classifies these pages
            assert len(edited["report_versions"]) == 2
    runs = subprocess.run([sys.executable, "-m", "harvester", "runs", "--json", "--db", db_url],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    listed = json.loads(runs.stdout)
    assert [(r["new"], r["changed"], r["unchanged"], r["gone"], r["failed"]) for r in listed] == [
        (0, 1, 0, 1, 0), (0, 0, 2, 0, 1), (2, 0, 0, 0, 1)]


def test_the_last_batch_is_written_once_the_crawl_has_nothing_more_to_store(tmp_path, site, db_url):
    """HARVESTER_STORE_QUIET_SECONDS: the spider cannot close while items wait for their batch, so
    the last, partial batch is written once no item has joined it for a moment, not when its
    first item has waited HARVESTER_STORE_FLUSH_SECONDS (here a minute: the crawl would last
    that long)."""
    root, base_url = site
    (root / "a.html").write_bytes(report_html(year=2019))
    (root / "b.html").write_bytes(report_html(year=2020))
    write_listing(root, ["a.html", "b.html"])
    crawl(tmp_path, base_url, db_url, HARVESTER_STORE_FLUSH_SECONDS="60")
    with Store(db_url) as store:
        with store.session() as session:
            run = session.scalars(select(HarvestRun)).one()
    assert (run.outcome, run.pages_new) == ("finished", 2)
    assert run.stats["elapsed_time_seconds"] < 30


def test_store_pipeline_uses_a_run_created_by_the_harvest_command(tmp_path, site, db_url):
    root, base_url = site
    (root / "a.html").write_bytes(report_html(year=2019))
    write_listing(root, ["a.html"])
    with Store(db_url) as store:
        run_id = store.start_run("zhaoqing", "tiny", {"scheduled": True}, "test", "test")

    spider = tmp_path / "tiny_spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"base_url={base_url}",
         "-s", f"HARVESTER_DATABASE_URL={db_url}", "-s", f"HARVESTER_RUN_ID={run_id}",
         "-s", "ROBOTSTXT_OBEY=False", "-s", "DOWNLOAD_DELAY=0"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    with Store(db_url) as store:
        with store.session() as session:
            runs = session.scalars(select(HarvestRun)).all()
        assert [r.id for r in runs] == [run_id]  # no second run
        assert (runs[0].pages_new, runs[0].outcome, runs[0].args) == (1, "finished", {"scheduled": True})
        assert page_history(store, f"{base_url}/a.html")["snapshots"][0]["harvest_run"] == run_id
