"""Every request that waits for a host's robots.txt is checked against it.

Scrapy 2.19's RobotsTxtMiddleware hands the parser only to the first request waiting for the
download of a host's robots.txt; the others get None and are fetched unchecked. A distributed
worker joining a run pops many requests to one host at once, so it fetched a disallowed page now
and then (bench/RESULTS.md, figure 7b). harvester.middlewares.RobotsTxtMiddleware replaces it
(harvester.settings). Here: a real HTTP server on loopback whose robots.txt answers slowly, and a
crawl in its own process whose first requests to the host all arrive while robots.txt downloads.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import ROOT

ROBOTS = b"User-agent: *\nDisallow: /private/\nAllow: /\n"


@pytest.fixture
def slow_robots_site():
    log: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            log.append(self.path)
            if self.path == "/robots.txt":
                time.sleep(0.5)  # every first request to the host waits for it
                body, kind = ROBOTS, "text/plain"
            else:
                body, kind = f"<html><body><p>{self.path}</p></body></html>".encode(), "text/html"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


CRAWL = textwrap.dedent("""
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from harvester import settings as harvester_settings

    base = sys.argv[1]

    class Burst(scrapy.Spider):
        name = "burst"

        async def start(self):
            for i in range(12):
                yield scrapy.Request(f"{base}/private/{i}.html", dont_filter=True)
            for i in range(3):
                yield scrapy.Request(f"{base}/public/{i}.html", dont_filter=True)

        def parse(self, response):
            pass

    process = CrawlerProcess({
        "DOWNLOADER_MIDDLEWARES": harvester_settings.DOWNLOADER_MIDDLEWARES,
        "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(Burst)
    process.crawl(crawler)
    process.start()
    print("STATS " + json.dumps({k: v for k, v in crawler.stats.get_stats().items() if k.startswith("robotstxt/")}))
""")


def test_requests_that_wait_for_robots_txt_are_all_checked(slow_robots_site, tmp_path):
    base, log = slow_robots_site
    script = tmp_path / "burst.py"
    script.write_text(CRAWL, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), base], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    fetched = [path for path in log if path != "/robots.txt"]
    assert log.count("/robots.txt") == 1
    assert sorted(fetched) == [f"/public/{i}.html" for i in range(3)], "robots.txt forbids /private/"
    assert '"robotstxt/forbidden": 12' in done.stdout
