"""The measured jobs, each run in a fresh subprocess (``python -m bench.jobs JOB JSON``) so that its
peak RSS is its own and imports/caches of one job never flatter the next.

A job prints one line ``BENCH_RESULT {json}`` on stdout; everything else is logging. The scaled
replica server is a job too (``serve``), so the crawler and the server never share a GIL.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

RESULT_PREFIX = "BENCH_RESULT "
REPO = Path(__file__).resolve().parent.parent
SITES = ("zhaoqing", "panzhihua")


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds of this process (RUSAGE_SELF) or of its waited-for descendants
    (RUSAGE_CHILDREN: the parse workers once the pool is shut down)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of another live process, from /proc (Linux; 0.0 elsewhere)."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def current_rss_mb() -> float:
    """Resident set size now, from /proc (Linux; 0.0 elsewhere: the quartiles then say nothing)."""
    import os

    try:
        with open("/proc/self/statm") as statm:
            resident_pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return round(resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


class RssSampler:
    """Current RSS every ``interval`` seconds (to show whether memory grows during a job)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append((round(time.perf_counter() - self._started, 1), current_rss_mb()))

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def quartiles(self) -> list[float]:
        """RSS at 25/50/75/100 % of the job's duration."""
        if not self.samples:
            return []
        n = len(self.samples)
        return [self.samples[min(n - 1, max(0, round(n * q) - 1))][1] for q in (0.25, 0.5, 0.75, 1.0)]


def emit(result: dict) -> None:
    result.setdefault("peak_rss_mb", peak_rss_mb())
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------------------- serve

def job_serve(args: dict) -> None:
    """Serve the scaled replica until stdin closes; ``log`` on stdin answers the request log's
    totals since the last ``clear``."""
    from .scaled import ScaledServer, ScaledWorld, ScaleSpec

    world = ScaledWorld(ScaleSpec(**args["spec"]), Path(args["cache_dir"]))
    server = ScaledServer(world).start()
    for site in SITES:  # build the listings before the first (timed) request
        server.replicas[site].docs_by_path()
    emit({"base_urls": server.base_urls})
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "log":
                with server._log_lock:
                    log = list(server.request_log)
                statuses: dict[str, int] = {}
                for r in log:
                    statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
                emit({"requests": len(log), "bytes": sum(r.bytes_sent for r in log),
                      "conditional": sum(r.conditional for r in log), "statuses": statuses})
            elif command == "clear":
                server.clear_log()
                emit({"cleared": True})
    finally:
        server.stop()


# --------------------------------------------------------------------------------------- crawl

def crawl_settings(db: str | None, pipelines: bool, httpcache: str | None, replay: bool) -> dict[str, Any]:
    from harvester.runner import fast_local_settings, log_settings

    settings: dict[str, Any] = {
        **log_settings("ERROR"),
        **fast_local_settings(),
        # politeness off for the benchmark: loopback replicas only
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "HARVESTER_DATABASE_URL": db,
    }
    if not pipelines:
        settings["ITEM_PIPELINES"] = {}
        # no archive to be incremental against: a plain complete crawl
        settings["HARVESTER_INCREMENTAL"] = False
    if httpcache:
        settings.update({
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_DIR": httpcache,
            "HTTPCACHE_EXPIRATION_SECS": 0,
            "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.DummyPolicy",
            "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage",
            # replay: a page missing from the cache is an error, never a network fetch
            "HTTPCACHE_IGNORE_MISSING": replay,
        })
    return settings


def job_crawl(args: dict) -> None:
    """Crawl both scaled sites with the project's spiders (full pipelines or none)."""
    from harvester.runner import run_sites

    settings = crawl_settings(args.get("db"), args["pipelines"], args.get("httpcache"), args.get("replay", False))
    if args.get("db"):
        # create the schema first, as `harvester harvest` does: two crawlers opening a fresh
        # database at once race on the migration
        from harvester.storage import Store

        Store(args["db"]).close()
    spider_args = {site: {"base_url": url, "max_pages": 100000, "render": "no"} for site, url in args["base_urls"].items()}
    with RssSampler() as sampler:
        cpu_before = cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        results = run_sites(list(args["base_urls"]), settings=settings, spider_args=spider_args)
        elapsed = time.perf_counter() - started
        # the parse workers' CPU is counted once they have exited: shut the pool down first
        from harvester.pool import ParsePool

        if ParsePool._shared is not None:
            ParsePool._shared.shutdown()
        cpu = {"crawl_process": round(cpu_seconds() - cpu_before[0], 2),
               "parse_workers": round(cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before[1], 2)}
    total = lambda name: sum(int(r.stat(name) or 0) for r in results)  # noqa: E731
    emit({
        "seconds": round(elapsed, 2),
        "detail_pages": total("harvester/detail_pages"),
        "listing_pages": total("harvester/listing_pages"),
        "reports": total("harvester/reports"),
        "requests": total("downloader/request_count"),
        "response_bytes": total("downloader/response_bytes"),
        "cache_hits": total("httpcache/hit"),
        "cache_misses": total("httpcache/miss"),
        "stored": {k: total(f"harvester/{k}") for k in ("new", "changed", "unchanged", "failed")},
        "finish_reasons": [r.finish_reason for r in results],
        "rss_quartiles_mb": sampler.quartiles(),
        "cpu_seconds": cpu,
    })


# -------------------------------------------------------------------------------------- import

def job_import(args: dict) -> None:
    """Archive the scaled replica's pages straight into a store (raw pages, no parse): the
    cheapest way to a 50k-report archive that re-parse then turns into reports."""
    from harvester.items import PageItem
    from harvester.storage import Store

    from .scaled import ScaleSpec, iter_pages

    spec = ScaleSpec(**args["spec"])
    store = Store(args["db"])
    run_id = store.start_run(None, "bench-import", {"reports": spec.reports}, "bench", "none")
    started = time.perf_counter()
    fetched_at = "2025-06-01T00:00:00Z"
    n = 0
    for site, url, headers, body, _stub in iter_pages(spec, Path(args["cache_dir"])):
        item = PageItem(site=site, url=url, final_url=url, status=200, headers=headers, body=body,
                        fetched_at=fetched_at, harvest_run=run_id)
        store.save_page(item)
        n += 1
    store.finish_run(run_id, "finished", {})
    store.close()
    emit({"pages": n, "seconds": round(time.perf_counter() - started, 2)})


# ------------------------------------------------------------------------------------- reparse

def warm_parser() -> None:
    """Pay a re-parse's one-time costs before its timer starts, as ``job_floor`` builds its OpenCC
    converter before its own: the lazily imported modules (the store, registry hints, file
    readers), regex compilation and the OpenCC dictionaries, by parsing one fixture page. Re-parse
    is timed per page; these ~0.3-0.6 s are paid once per process, not per page."""
    import harvester.files.report  # noqa: F401  (re-parse reads linked files through it)
    import harvester.hints  # noqa: F401
    import harvester.storage.store  # noqa: F401
    from harvester.cleaning.chinese import converter
    from harvester.parsing import parse_page

    converter()
    page = REPO / "tests" / "fixtures" / "pages" / "zhaoqing.html"
    parse_page("http://fixture.invalid/zhaoqing.html", page.read_bytes(), None)


def job_reparse(args: dict) -> None:
    from harvester.storage import Store
    from harvester.storage.reparse import reparse

    warm_parser()
    store = Store(args["db"])
    done = [0]

    def progress(n: int) -> None:
        done[0] += n

    with RssSampler() as sampler:
        started = time.perf_counter()
        summary = reparse(store, progress=progress)
        elapsed = time.perf_counter() - started
    store.close()
    s = summary.to_dict()
    emit({
        "seconds": round(elapsed, 2), "examined": s["examined"], "reports_examined": s["reports_examined"],
        "changed": s["changed"], "unchanged": s["unchanged"], "newly_reports": s["newly_reports"],
        "failed": s["failed"], "rss_quartiles_mb": sampler.quartiles(),
    })


# --------------------------------------------------------------------------------------- floor

def job_floor(args: dict) -> None:
    """The floor of a re-parse: read + decompress + decode + lxml parse + OpenCC convert of the
    same stored bodies, nothing else."""
    import lxml.html
    from sqlalchemy import select

    from harvester.cleaning.chinese import converter
    from harvester.storage import Store, rawpages
    from harvester.storage.models import Body, Page, Snapshot

    store = Store(args["db"])
    cc = converter()
    query = (select(Body.compression, Body.data, Body.dictionary_id, Snapshot.encoding)
             .join(Snapshot, Snapshot.content_sha256 == Body.sha256)
             .join(Page, Page.current_snapshot_id == Snapshot.id).execution_options(yield_per=200))
    n = chars = 0
    started = time.perf_counter()
    with store.session() as session, store.session() as lookups:
        dictionaries = rawpages.Dictionaries()
        for compression, data, dictionary_id, encoding in session.execute(query):
            dictionary = dictionaries.get(lookups, dictionary_id) if dictionary_id is not None else None
            text = rawpages.decompress(compression, data, dictionary).decode(encoding or "utf-8", "replace")
            root = lxml.html.document_fromstring(text)
            chars += len(cc.convert(root.text_content()))
            n += 1
    elapsed = time.perf_counter() - started
    store.close()
    emit({"pages": n, "seconds": round(elapsed, 3), "chars": chars})


# -------------------------------------------------------------------------------------- export

def job_export(args: dict) -> None:
    from harvester.storage import Store
    from harvester.storage.export import iter_current_reports, output_paths, write_csv, write_jsonl

    store = Store(args["db"])
    out = Path(args["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    started = time.perf_counter()
    with open(out / "reports.jsonl", "w", encoding="utf-8") as fh:
        result["jsonl_reports"] = write_jsonl(iter_current_reports(store), fh)
    result["jsonl_seconds"] = round(time.perf_counter() - started, 2)
    result["jsonl_bytes"] = (out / "reports.jsonl").stat().st_size
    started = time.perf_counter()
    reports_path, stats_path = output_paths(out / "csv/", "csv")
    reports_path.parent.mkdir(parents=True, exist_ok=True)
    result["csv_reports"], result["csv_stats"] = write_csv(iter_current_reports(store), reports_path, stats_path)
    result["csv_seconds"] = round(time.perf_counter() - started, 2)
    store.close()
    emit(result)


# ------------------------------------------------------------------------- scale (issue 15)

def job_reparse_parallel(args: dict) -> None:
    """Re-parse with ``workers`` processes claiming batches (harvester reparse --workers N)."""
    from harvester.storage import Store
    from harvester.storage.reparse import reparse_parallel

    warm_parser()  # forked workers inherit it, as they inherit the coordinator's own warm-up
    store = Store(args["db"])
    with RssSampler() as sampler:
        started = time.perf_counter()
        summary = reparse_parallel(store, workers=args["workers"], batch_size=args.get("batch_size", 50))
        elapsed = time.perf_counter() - started
    store.close()
    s = summary.to_dict()
    emit({"seconds": round(elapsed, 2), "examined": s["examined"], "workers": args["workers"],
          "newly_reports": s["newly_reports"], "failed": s["failed"], "rss_quartiles_mb": sampler.quartiles()})


def job_distributed(args: dict) -> None:
    """``workers`` processes of `harvester harvest --distributed` over the scaled replica, one
    redis-server, one PostgreSQL database (both on loopback): wall time until every worker exited."""
    import os
    import subprocess
    import tempfile

    from sqlalchemy import create_engine, text

    from harvester.storage.testing import create_database, drop_database, postgres_server, redis_server

    with postgres_server() as server_url, redis_server() as redis_url:
        db = create_database(server_url)
        try:
            from harvester.storage import Store

            Store(db).close()
            cmd = [sys.executable, "-m", "harvester", "harvest", *args["base_urls"], "--distributed", "--redis", redis_url,
                   "--db", db, "--progress", "off", "--concurrency", "2",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS=32",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=ERROR"]
            for site, url in args["base_urls"].items():
                cmd += ["--base-url", f"{site}={url}"]
            started = time.perf_counter()
            # each worker's log (errors only) in a file: a pipe nobody reads could fill and stall it
            logs = [tempfile.TemporaryFile("w+") for _ in range(args["workers"])]
            procs = [subprocess.Popen(cmd, cwd=str(REPO), stdout=subprocess.DEVNULL,
                                      stderr=log, text=True, env=os.environ.copy())
                     for log in logs]
            codes = [p.wait() for p in procs]
            worker_errors = []
            for log in logs:
                log.seek(0)
                worker_errors += [line.strip()[:300] for line in log if "ERROR" in line or "robots" in line]
                log.close()
            elapsed = time.perf_counter() - started
            engine = create_engine(db)
            with engine.connect() as connection:
                pages = connection.execute(text("select count(*) from pages")).scalar()
                reports = connection.execute(text("select count(*) from reports where is_current")).scalar()
                runs = connection.execute(text("select count(*) from harvest_runs where kind = 'crawl'")).scalar()
                dupes = connection.execute(text(
                    "select count(*) from (select url from pages group by url having count(*) > 1) d")).scalar()
                # PostgreSQL bytes on disk (tables + indexes + TOAST) per group, for docs/scaling.md
                sizes = dict(connection.execute(text(
                    "select relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n "
                    "on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'")).all())
                raw = connection.execute(text("select coalesce(sum(length(data)), 0) from bodies")).scalar()
                # robots.txt as the workers saw it (Scrapy's stats, summed over the workers by the run)
                robots = {}
                for (stats,) in connection.execute(text("select stats from harvest_runs where kind = 'crawl'")).all():
                    stats = json.loads(stats) if isinstance(stats, str) else (stats or {})
                    for key, value in stats.items():
                        if key.startswith("robotstxt/") and isinstance(value, (int, float)):
                            robots[key] = robots.get(key, 0) + value
                # pages stored without a current report (an error stub, a page that is no report)
                without_report = [f"{url} ({status})" for url, status in connection.execute(text(
                    "select p.url, s.status from pages p left join snapshots s on s.id = p.current_snapshot_id "
                    "where not exists (select 1 from reports r where r.page_id = p.id and r.is_current) "
                    "order by p.url limit 5")).all()]
            engine.dispose()
        finally:
            drop_database(db)
    emit({"seconds": round(elapsed, 2), "workers": args["workers"], "exit_codes": codes, "pages": pages,
          "reports": reports, "runs": runs, "duplicate_pages": dupes, "pages_without_report": without_report,
          "worker_errors": worker_errors[:5], "robots_stats": robots,
          "pg_table_bytes": sizes,
          "raw_compressed_bytes": raw})


JOBS: dict[str, Callable[[dict], None]] = {
    "serve": job_serve, "crawl": job_crawl, "import": job_import, "reparse": job_reparse,
    "floor": job_floor, "export": job_export, "reparse_parallel": job_reparse_parallel,
    "distributed": job_distributed,
}
from .parsecost import job_parse_cost  # noqa: E402  (figure 6, issue 10; its own module)

JOBS["parse_cost"] = job_parse_cost


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    JOBS[argv[0]](json.loads(argv[1]) if len(argv) > 1 else {})


if __name__ == "__main__":
    main()
