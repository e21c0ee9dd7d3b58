"""``python -m bench``: the five figures of issue 7, figure 6 of issue 10 (parse vs floor per
page) and figure 7 of issue 15 (parallel re-parse, distributed crawl), each a ratio measured side
by side in this run.

    python -m bench            # the full run (1k-50k reports, ~25 minutes on 2 cores)
    python -m bench --quick    # a small smoke run (< 2 minutes)
    python -m bench --figures 1,3 --pipeline-size 2000 ...

Results go to stdout and to ``<work-dir>/results.json`` / ``results.md``. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .machine import describe, one_line
from .parsecost import figure6
from .runner import REPO, ServerProcess, run_job
from .scaled import ScaleSpec, materialize


def cpu_budget(full: dict[str, Any], bare_pages_per_s: float) -> dict[str, Any]:
    """What the full pipeline's CPU per page allows on this machine: with every process of the
    crawl (replica server, crawl process, parse workers) on ``cores`` cores kept busy all the
    time, at most cores / (CPU seconds per page) pages a second, whatever the pipeline's design."""
    pages = full["detail_pages"]
    by_process = {name: round(1000 * seconds / pages, 2) for name, seconds in full["cpu_seconds"].items()}
    per_page = sum(full["cpu_seconds"].values()) / pages
    from harvester.pool import usable_cpus

    cores = usable_cpus()  # those the crawl's processes may run on, as the parse pool counts them
    return {"cores": cores, "cpu_ms_by_process": by_process, "cpu_ms_per_page": round(1000 * per_page, 2),
            "max_pages_per_s": round(cores / per_page, 1), "max_vs_bare": round(cores / per_page / bare_pages_per_s, 3),
            "cpu_ms_per_page_for_70pct": round(1000 * cores / (0.7 * bare_pages_per_s), 2)}


def zlib_reference(path: Path) -> int:
    """Bytes of every stored raw page compressed alone with zlib level 6: the issue's "compressed
    raw page", independent of how the store compresses (site dictionaries since migration 0009)."""
    import zlib

    from harvester.storage import Store

    total = 0
    with Store(f"sqlite:///{path}", migrate=False) as store, store.session() as session:
        from sqlalchemy import text

        for (sha,) in session.execute(text("SELECT sha256 FROM bodies")).all():
            total += len(zlib.compress(store.body(sha), 6))
    return total


@dataclass
class Plan:
    fig1_size: int = 1000
    pipeline_size: int = 5000
    crawl_sizes: tuple[int, ...] = (1000, 5000, 10000)
    reparse_sizes: tuple[int, ...] = (10000, 50000)
    workers: int = 2
    #: figure 7 (issue 15): re-parse with 1 vs 2 worker processes, distributed crawl 1 vs 2 vs 3 workers
    scale_reparse_size: int = 2000
    scale_crawl_size: int = 2000


QUICK = Plan(fig1_size=200, pipeline_size=500, crawl_sizes=(200, 500, 1000), reparse_sizes=(300, 1200),
             scale_reparse_size=300, scale_crawl_size=300)


@dataclass
class Bench:
    plan: Plan
    work: Path
    cache: Path
    figures: set[int]
    out: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def say(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f}s] {text}", flush=True)

    def spec(self, reports: int) -> dict[str, Any]:
        return asdict(ScaleSpec(reports=reports))

    def db(self, name: str) -> tuple[str, Path]:
        path = self.work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", path

    # ------------------------------------------------------------------ figure 1
    def figure1(self) -> None:
        n = self.plan.fig1_size
        self.say(f"figure 1: re-parse vs HTTPCACHE replay vs floor, {n} reports")
        url, _ = self.db("fig1")
        replay_url, _ = self.db("fig1-replay")
        cache = self.work / "httpcache"
        shutil.rmtree(cache, ignore_errors=True)
        with ServerProcess(self.spec(n), self.cache) as server:
            first = run_job("crawl", {"db": url, "base_urls": server.base_urls, "pipelines": True,
                                      "httpcache": str(cache)})
        self.remember_crawl_rss(n, first, "fig1 crawl (HTTPCACHE storing)")
        # the server is gone: the replay can only be served by the cache
        replay = run_job("crawl", {"db": replay_url, "base_urls": server.base_urls, "pipelines": True,
                                   "httpcache": str(cache), "replay": True})
        # the same replay without pipelines: what Scrapy itself costs per replayed page
        replay_bare = run_job("crawl", {"db": None, "base_urls": server.base_urls, "pipelines": False,
                                        "httpcache": str(cache), "replay": True})
        reparse = run_job("reparse", {"db": url})
        floor = run_job("floor", {"db": url})
        reports = reparse["reports_examined"]
        rate = lambda count, seconds: count / seconds if seconds else float("nan")  # noqa: E731
        r_reparse = rate(reparse["examined"], reparse["seconds"])
        r_replay = rate(replay["detail_pages"], replay["seconds"])
        r_floor = rate(floor["pages"], floor["seconds"])
        r_replay_bare = rate(replay_bare["detail_pages"], replay_bare["seconds"])
        self.out["figure1"] = {
            "reports": reports, "pages": reparse["examined"],
            "reparse": {**reparse, "pages_per_s": round(r_reparse, 1)},
            "replay": {**replay, "pages_per_s": round(r_replay, 1)},
            "floor": {**floor, "pages_per_s": round(r_floor, 1)},
            "replay_no_pipelines": {**replay_bare, "pages_per_s": round(r_replay_bare, 1)},
            "reparse_vs_replay": round(r_reparse / r_replay, 2),
            "reparse_vs_floor": round(r_floor / r_reparse, 2),
        }
        f = self.out["figure1"]
        self.say(f"  re-parse {r_reparse:.1f} pages/s; replay {r_replay:.1f}/s (cache hits {replay['cache_hits']}, "
                 f"misses {replay['cache_misses']}); floor {r_floor:.1f}/s; "
                 f"replay without pipelines {r_replay_bare:.1f}/s")
        self.say(f"  re-parse / replay = {f['reparse_vs_replay']}x (target >= 10x); "
                 f"re-parse time / floor time = {f['reparse_vs_floor']}x (target <= 3x)")

    # --------------------------------------------------------------- figures 2, 3
    def figure2_3(self) -> None:
        n = self.plan.pipeline_size
        self.say(f"figures 2+3: full pipeline vs bare crawl, then an unchanged re-harvest, {n} reports")
        url, _ = self.db("fig2")
        with ServerProcess(self.spec(n), self.cache) as server:
            server.clear()
            served_before = server.cpu_seconds()
            bare = run_job("crawl", {"db": None, "base_urls": server.base_urls, "pipelines": False})
            bare["cpu_seconds"]["replica_server"] = round(server.cpu_seconds() - served_before, 2)
            bare_wire = server.log()
            server.clear()
            served_before = server.cpu_seconds()
            full = run_job("crawl", {"db": url, "base_urls": server.base_urls, "pipelines": True})
            full["cpu_seconds"]["replica_server"] = round(server.cpu_seconds() - served_before, 2)
            first_wire = server.log()
            server.clear()
            again = run_job("crawl", {"db": url, "base_urls": server.base_urls, "pipelines": True})
            again_wire = server.log()
        self.remember_crawl_rss(n, full, "fig2 full-pipeline crawl")
        r_bare = bare["detail_pages"] / bare["seconds"]
        r_full = full["detail_pages"] / full["seconds"]
        budget = cpu_budget(full, r_bare)
        self.out["figure2"] = {"reports": n, "bare": {**bare, "wire": bare_wire, "pages_per_s": round(r_bare, 1)},
                               "full": {**full, "wire": first_wire, "pages_per_s": round(r_full, 1)},
                               "full_vs_bare": round(r_full / r_bare, 3), "cpu_budget": budget}
        self.say(f"  bare {r_bare:.1f} pages/s, full pipeline {r_full:.1f} pages/s = "
                 f"{100 * r_full / r_bare:.0f}% of bare (target >= 70%)")
        self.say(f"  full pipeline CPU {budget['cpu_ms_per_page']} ms/page ({budget['cpu_ms_by_process']}): "
                 f"{budget['cores']} cores allow at most {budget['max_pages_per_s']} pages/s = "
                 f"{100 * budget['max_vs_bare']:.0f}% of bare")
        req = again_wire["requests"] / first_wire["requests"]
        byt = again_wire["bytes"] / first_wire["bytes"]
        self.out["figure3"] = {"reports": n, "first": {**first_wire, "stored": full["stored"]},
                               "again": {**again_wire, "stored": again["stored"], "seconds": again["seconds"]},
                               "requests_ratio": round(req, 4), "bytes_ratio": round(byt, 4)}
        self.say(f"  re-harvest: {again_wire['requests']} requests / {again_wire['bytes']} bytes vs first "
                 f"{first_wire['requests']} / {first_wire['bytes']}: {100 * req:.1f}% requests, {100 * byt:.1f}% bytes "
                 f"(target <= 5%); stored {again['stored']}")

    # ------------------------------------------------------------------ figure 4
    def remember_crawl_rss(self, n: int, result: dict, what: str) -> None:
        self.out.setdefault("figure4", {}).setdefault("crawl", {})[str(n)] = {
            "peak_rss_mb": result["peak_rss_mb"], "rss_quartiles_mb": result.get("rss_quartiles_mb"),
            "seconds": result["seconds"], "detail_pages": result["detail_pages"], "what": what}

    def figure4_crawls(self) -> None:
        done = self.out.get("figure4", {}).get("crawl", {})
        for n in self.plan.crawl_sizes:
            if str(n) in done:
                continue
            self.say(f"figure 4: peak RSS of a full-pipeline crawl, {n} reports")
            url, _ = self.db(f"crawl{n}")
            with ServerProcess(self.spec(n), self.cache) as server:
                result = run_job("crawl", {"db": url, "base_urls": server.base_urls, "pipelines": True})
            self.remember_crawl_rss(n, result, "full-pipeline crawl")
        for n, r in sorted(self.out["figure4"]["crawl"].items(), key=lambda kv: int(kv[0])):
            self.say(f"  crawl {n:>6}: peak RSS {r['peak_rss_mb']} MB (RSS over time {r['rss_quartiles_mb']})")

    def figure4_reparse(self) -> None:
        for n in self.plan.reparse_sizes:
            self.say(f"figure 4: re-parse of {n} stored pages (archived raw, every report new), peak RSS")
            url, path = self.db(f"reparse{n}")
            imported = run_job("import", {"db": url, "spec": self.spec(n), "cache_dir": str(self.cache)})
            result = run_job("reparse", {"db": url})
            self.out.setdefault("figure4", {}).setdefault("reparse", {})[str(n)] = {
                **result, "import_seconds": imported["seconds"], "import_peak_rss_mb": imported["peak_rss_mb"],
                "pages_per_s": round(result["examined"] / result["seconds"], 1)}
            self.say(f"  re-parse {n:>6}: peak RSS {result['peak_rss_mb']} MB (over time {result['rss_quartiles_mb']}), "
                     f"{result['examined'] / result['seconds']:.1f} pages/s, {result['newly_reports']} reports created")
            self.storage_db = (n, url, path)

    # ------------------------------------------------------------------ figure 5
    def figure5(self) -> None:
        n, url, path = self.storage_db
        self.say(f"figure 5: bytes on disk per stored report and export time, {n} reports")
        with sqlite3.connect(path) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            reports = con.execute("SELECT count(*) FROM reports WHERE is_current").fetchone()[0]
            raw_bytes = con.execute("SELECT sum(size), sum(length(data)) FROM bodies").fetchone()
            # the reference of the issue: each raw page compressed alone with zlib (level 6, as
            # bodies were stored before migration 0009), whatever the store does now
            raw_bytes = (*raw_bytes, zlib_reference(path))
            try:
                by_table = dict(con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
                index_of = {name: tbl for name, tbl in con.execute(
                    "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")}
            except sqlite3.OperationalError:  # SQLite built without dbstat
                by_table, index_of = {}, {}
        groups: dict[str, int] = {}
        kind = {"bodies": "raw", "body_dictionaries": "raw", "snapshots": "provenance", "pages": "provenance", "reports": "parsed",
                "report_stats": "parsed", "report_attachments": "parsed", "stat_keys": "parsed"}
        for name, size in by_table.items():
            groups[kind.get(index_of.get(name, name), "other")] = groups.get(kind.get(index_of.get(name, name), "other"), 0) + size
        file_bytes = path.stat().st_size
        export = run_job("export", {"db": url, "out_dir": str(self.work / "export")})
        self.out["figure5"] = {
            "reports": reports, "file_bytes": file_bytes, "bytes_per_report": round(file_bytes / reports),
            "by_group_bytes": groups,
            "by_group_per_report": {k: round(v / reports) for k, v in groups.items()},
            "raw_uncompressed_bytes": raw_bytes[0], "raw_stored_bytes": raw_bytes[1],
            "raw_compressed_bytes": raw_bytes[2],
            "ratio_to_compressed_raw": round(file_bytes / raw_bytes[2], 2),
            "export": export,
        }
        per = self.out["figure5"]["by_group_per_report"]
        self.say(f"  {file_bytes / reports / 1024:.1f} KiB per report on disk ({', '.join(f'{k} {v / 1024:.1f} KiB' for k, v in per.items())}); "
                 f"raw pages {raw_bytes[0] / reports / 1024:.1f} KiB -> {raw_bytes[2] / reports / 1024:.1f} KiB zlib "
                 f"(stored: {raw_bytes[1] / reports / 1024:.1f} KiB); on disk / compressed raw page = "
                 f"{file_bytes / raw_bytes[2]:.2f}x (target <= 2x)")
        self.say(f"  export of {export['jsonl_reports']} reports: jsonl {export['jsonl_seconds']}s, "
                 f"csv {export['csv_seconds']}s ({export['csv_stats']} statistics rows)")

    # ------------------------------------------------------------------ figure 7
    def figure7(self) -> None:
        """Issue 15: re-parse with 1 and 2 worker processes (and vs the floor), a distributed
        crawl with 1, 2 and 3 workers (redis-server + PostgreSQL on loopback)."""
        n = self.plan.scale_reparse_size
        self.say(f"figure 7a: re-parse of {n} pages with --workers 1 and 2, and the floor")
        results: dict[str, Any] = {}
        for workers in (1, 2):
            url, _ = self.db(f"scale-reparse-{workers}")
            run_job("import", {"db": url, "spec": self.spec(n), "cache_dir": str(self.cache)})
            results[str(workers)] = run_job("reparse_parallel", {"db": url, "workers": workers})
        floor = run_job("floor", {"db": url})
        rate = {w: r["examined"] / r["seconds"] for w, r in results.items()}
        floor_rate = floor["pages"] / floor["seconds"] if floor.get("pages") else float("nan")
        self.out["figure7"] = {"reparse": {"pages": n, "runs": results, "pages_per_s": {k: round(v, 1) for k, v in rate.items()},
                                           "speedup_2_vs_1": round(rate["2"] / rate["1"], 2),
                                           "floor_pages_per_s": round(floor_rate, 1),
                                           "one_worker_vs_floor": round(floor_rate / rate["1"], 2)}}
        self.say(f"  1 worker {rate['1']:.1f} pages/s, 2 workers {rate['2']:.1f} pages/s = {rate['2'] / rate['1']:.2f}x "
                 f"(target >= 1.7x); floor {floor_rate:.1f} pages/s: 1 worker = {floor_rate / rate['1']:.1f}x the floor (target <= 3x)")
        n = self.plan.scale_crawl_size
        self.say(f"figure 7b: distributed crawl of a {n}-report replica with 1, 2, 3 workers")
        crawls: dict[str, Any] = {}
        with ServerProcess(self.spec(n), self.cache) as server:
            for workers in (1, 2, 3):
                crawls[str(workers)] = run_job("distributed", {"base_urls": server.base_urls, "workers": workers})
                c = crawls[str(workers)]
                self.say(f"  {workers} worker(s): {c['seconds']} s, {c['pages']} pages, {c['reports']} reports, "
                         f"{c['runs']} runs, {c['duplicate_pages']} duplicate pages, exits {c['exit_codes']}")
        self.out["figure7"]["distributed"] = {
            "reports": n, "runs": crawls,
            "throughput_2_vs_1": round(crawls["1"]["seconds"] / crawls["2"]["seconds"], 2),
            "throughput_3_vs_1": round(crawls["1"]["seconds"] / crawls["3"]["seconds"], 2)}

    # -------------------------------------------------------------------- driver
    def run(self) -> dict[str, Any]:
        self.out["machine"] = describe(REPO)
        self.out["plan"] = asdict(self.plan)
        self.say("machine: " + one_line(self.out["machine"]))
        biggest = max([self.plan.fig1_size, self.plan.pipeline_size, *self.plan.crawl_sizes, *self.plan.reparse_sizes,
                       self.plan.scale_reparse_size, self.plan.scale_crawl_size])
        self.say(f"rendering the scaled replica's pages into {self.cache} ({biggest} reports, cached across runs)")
        self.out["pages"] = materialize(ScaleSpec(reports=biggest), self.cache, workers=self.plan.workers)
        self.say(f"  {self.out['pages']}")
        steps: list[tuple[int, Callable[[], None]]] = [
            (1, self.figure1), (2, self.figure2_3), (3, lambda: None), (4, self.figure4_crawls),
            (4, self.figure4_reparse), (5, self.figure5), (6, lambda: figure6(self)), (7, self.figure7)]
        if 2 not in self.figures and 3 in self.figures:
            steps[1] = (3, self.figure2_3)
        if 5 in self.figures and 4 not in self.figures:
            steps[4] = (5, self.figure4_reparse)
        for number, step in steps:
            if number in self.figures:
                step()
                # partial results survive a later failure
                (self.work / "results.json").write_text(json.dumps(self.out, indent=2, ensure_ascii=False))
        self.out["total_seconds"] = round(time.perf_counter() - self.started, 1)
        self.say(f"done in {self.out['total_seconds']}s")
        return self.out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run under 2 minutes")
    parser.add_argument("--figures", default="1,2,3,4,5,6,7", help="which figures (default: all)")
    parser.add_argument("--scale-reparse-size", type=int, help="figure 7 re-parse pages (default 2000)")
    parser.add_argument("--scale-crawl-size", type=int, help="figure 7 distributed-crawl reports (default 2000)")
    parser.add_argument("--fig1-size", type=int, help="reports for figure 1 (default 1000)")
    parser.add_argument("--pipeline-size", type=int, help="reports for figures 2 and 3 (default 5000)")
    parser.add_argument("--crawl-sizes", help="figure 4 crawl sizes, comma separated (default 1000,5000,10000)")
    parser.add_argument("--reparse-sizes", help="figure 4 re-parse sizes; the largest is figure 5's (default 10000,50000)")
    parser.add_argument("--work-dir", default=str(REPO / "bench" / ".work"), help="databases and exports (wiped)")
    parser.add_argument("--cache-dir", default=str(REPO / "bench" / ".cache"), help="rendered pages (kept)")
    args = parser.parse_args(argv)
    plan = Plan(**asdict(QUICK)) if args.quick else Plan()
    if args.fig1_size:
        plan.fig1_size = args.fig1_size
    if args.pipeline_size:
        plan.pipeline_size = args.pipeline_size
    if args.crawl_sizes:
        plan.crawl_sizes = tuple(int(x) for x in args.crawl_sizes.split(","))
    if args.scale_reparse_size:
        plan.scale_reparse_size = args.scale_reparse_size
    if args.scale_crawl_size:
        plan.scale_crawl_size = args.scale_crawl_size
    if args.reparse_sizes:
        plan.reparse_sizes = tuple(int(x) for x in args.reparse_sizes.split(","))
    work = Path(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    bench = Bench(plan, work, Path(args.cache_dir), {int(x) for x in args.figures.split(",")})
    out = bench.run()
    (work / "results.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(f"results: {work / 'results.json'}")
    return 0
