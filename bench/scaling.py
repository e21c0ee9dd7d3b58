"""``python -m bench.scaling [RESULTS_JSON [CACHE_DIR]]``: the figures of docs/scaling.md.

Measured here, on the scaled replica (bench/scaled.py):

* **Redis**: the requests of a scaled-replica crawl pushed into the distributed crawl's leased
  queue and the scrapy-redis dupefilter of a real redis-server: bytes of memory per queued
  request and per remembered fingerprint (``INFO memory`` before/after).

Taken from a ``python -m bench`` run (RESULTS_JSON, default bench/.work/results.json) when
present: requests per report of a full and of an unchanged incremental harvest (figures 2/3),
bytes per report in SQLite (figure 5) and PostgreSQL (figure 7b), re-parse rates (figure 7a),
crawl rates (figures 2, 7b). The plan for 50,000 bodies x 18 years is then arithmetic on those
measured rates, printed with each input so the reader can redo it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .runner import REPO

BODIES = 50_000
YEARS = 18
#: Hosts: bodies of one county/prefecture mostly publish on their government's portal. China has
#: ~2,850 county-level and ~333 prefecture-level divisions and 31 provinces (an assumption about
#: the real world, not a measurement: stated so it can be changed).
HOSTS = 3_200


def measure_redis(cache_dir: Path | None, n: int = 10_000) -> dict:
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler
    from scrapy_redis.dupefilter import RFPDupeFilter

    from harvester.distributed import LeasedQueue, redis_client
    from harvester.storage.testing import redis_server

    from .scaled import ScaleSpec, iter_pages

    class Sim(Spider):
        name = "sim"

        def parse_detail(self, response):
            pass

    with redis_server() as url:
        server = redis_client(url)
        crawler = get_crawler(Sim)
        spider = Sim.from_crawler(crawler)
        queue = LeasedQueue(server, spider, "sim:requests")
        dupes = RFPDupeFilter(server, "sim:dupefilter")
        base = server.info("memory")["used_memory"]
        urls = []
        for site, page_url, _headers, _body, stub in iter_pages(ScaleSpec(reports=n), cache_dir):
            urls.append((site, page_url, stub))
        for site, page_url, stub in urls:
            request = Request(page_url, callback=spider.parse_detail, headers={"Referer": page_url.rsplit("/", 1)[0]},
                              meta={"listing_title": getattr(stub, "title", None), "listing_date": "2024-03-20",
                                    "listing_url": page_url.rsplit("/", 1)[0] + "/index.html"})
            dupes.request_seen(request)
        after_dupes = server.info("memory")["used_memory"]
        for site, page_url, stub in urls:
            queue.push(Request(page_url, callback=spider.parse_detail,
                               headers={"Referer": page_url.rsplit("/", 1)[0]},
                               meta={"listing_title": getattr(stub, "title", None), "listing_date": "2024-03-20",
                                     "listing_url": page_url.rsplit("/", 1)[0] + "/index.html"}))
        after_queue = server.info("memory")["used_memory"]
    return {"requests": len(urls), "dupefilter_bytes_per_request": round((after_dupes - base) / len(urls)),
            "queue_bytes_per_request": round((after_queue - after_dupes) / len(urls))}


def plan(results: dict, redis: dict) -> list[str]:
    out: list[str] = []
    reports = BODIES * YEARS
    f2, f3, f5 = results.get("figure2"), results.get("figure3"), results.get("figure5")
    f6 = results.get("figure7", {})
    lines = out.append
    if f2 and f3:
        first_req = f3["first"]["requests"] / f3["reports"]
        again_req = f3["again"]["requests"] / f3["reports"]
        lines(f"- requests per report, first (complete) harvest: {first_req:.3f} (figure 3, {f3['reports']} reports)")
        lines(f"- requests per report, unchanged incremental re-harvest: {again_req:.4f}")
        # The scaled replica has 2 sites; a real body costs robots.txt + entry + first listing page
        # per night even when nothing changed: the per-site part of the re-harvest.
        per_site_night = f3["again"]["requests"] / 2
        first_total = reports * first_req
        night_total = BODIES * per_site_night + reports / YEARS * first_req  # + one new report per body-year
        lines(f"- first harvest of {BODIES:,} bodies x {YEARS} years = {reports:,} reports: **{first_total:,.0f} requests**")
        lines(f"- a night: {per_site_night:.0f} requests per body with nothing new (figure 3) x {BODIES:,} + the year's "
              f"new reports ({reports // YEARS:,} x {first_req:.2f}) = **{night_total:,.0f} requests**")
        per_host = night_total / HOSTS
        lines(f"- politeness: DOWNLOAD_DELAY 1 s per host, {HOSTS:,} hosts (assumed): {per_host:.0f} requests per host "
              f"per night = {per_host / 60:.1f} min of one host's slot; the night is bounded by the workers' "
              f"concurrency, not by politeness")
        for concurrency in (8, 32):
            hours = night_total / concurrency / 3600  # each slot: one request per second per host
            lines(f"  - one worker with CONCURRENT_REQUESTS={concurrency} (1 req/s per slot): {hours:.1f} h per night; "
                  f"first harvest {first_total / concurrency / 3600 / 24:.1f} days")
    if f5:
        per = f5["by_group_per_report"]
        total = sum(per.values())
        lines(f"- SQLite bytes per report (figure 5, {f5['reports']} reports): {total / 1024:.1f} KiB -> "
              f"{reports * total / 2**30:.0f} GiB for {reports:,} reports")
    dist = f6.get("distributed")
    if dist:
        run = dist["runs"][max(dist["runs"], key=int)]
        pg = sum(run["pg_table_bytes"].values()) if run.get("pg_table_bytes") else None
        if pg:
            lines(f"- PostgreSQL bytes per report (figure 7b, {run['reports']} reports, tables+indexes+TOAST): "
                  f"{pg / run['reports'] / 1024:.1f} KiB -> {reports * pg / run['reports'] / 2**30:.0f} GiB")
        lines(f"- distributed crawl throughput on this 2-core machine: 2 workers {dist['throughput_2_vs_1']}x, "
              f"3 workers {dist['throughput_3_vs_1']}x one worker (figure 7b)")
    if redis:
        frontier = reports * 1.05
        lines(f"- Redis: {redis['queue_bytes_per_request']} B per queued request, {redis['dupefilter_bytes_per_request']} B "
              f"per fingerprint (simulation, {redis['requests']:,} scaled-replica requests); the first harvest's "
              f"dupefilter ({frontier:,.0f} fingerprints) {frontier * redis['dupefilter_bytes_per_request'] / 2**20:,.0f} MiB, "
              f"a queue of every request at once {frontier * redis['queue_bytes_per_request'] / 2**20:,.0f} MiB "
              f"(a nightly run: a few MiB)")
    re = f6.get("reparse")
    if re:
        for workers, rate in sorted(re["pages_per_s"].items()):
            lines(f"- re-parse of the archive ({reports:,} pages) with {workers} worker process(es) at {rate} pages/s "
                  f"(figure 7a): {reports / rate / 3600:.1f} h")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else REPO / "bench" / ".work" / "results.json"
    cache = Path(argv[1]) if len(argv) > 1 else REPO / "bench" / ".cache"
    results = json.loads(path.read_text()) if path.exists() else {}
    redis = measure_redis(cache if cache.exists() else None)
    print(json.dumps({"redis": redis}, indent=2))
    print("\n".join(plan(results, redis)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
