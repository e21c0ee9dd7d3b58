"""Store and re-parse cost per page, besides parsing (issue 15): CPU milliseconds, one process.

    python -m bench.storecost store --reports 1000      # Store.save_pages of crawled pages
    python -m bench.storecost reparse --reports 1000    # harvester reparse, parse time apart

``store``: the scaled replica's pages are cleaned and parsed first, as a crawl's parse workers
do (harvester.pool.extract_shipped: the items carry ShippedResults), untimed; then stored into a
fresh SQLite archive in the store pipeline's batches (HARVESTER_STORE_BATCH) and the CPU time of
``Store.save_pages`` is what is reported, per page: the crawl process's store thread, which
shares the GIL with the reactor (figure 2).

``reparse``: the pages are imported raw (bench.jobs' import job), then re-parsed
(harvester.storage.reparse.reparse) with the parse timed apart (the re-parse's own
``_parse_with_files``): what is left is reading, digesting, packing and storing (figure 7a: every
report new). With ``--unchanged`` the archive was re-parsed once already and its parser version
then made an older one: every report comes out unchanged (figure 1).

Each measure is the median of ``--rounds`` fresh archives. Results on stdout as JSON.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import tempfile
import time
from pathlib import Path

from .jobs import REPO


def _pages(reports: int, cache_dir: Path):
    from .scaled import ScaleSpec, iter_pages

    return list(iter_pages(ScaleSpec(reports=reports), cache_dir))


def store_cost(reports: int, cache_dir: Path, rounds: int, batch: int, profile: str | None) -> dict:
    from harvester.items import PageItem
    from harvester.pool import extract_shipped
    from harvester.storage import Store

    pages = _pages(reports, cache_dir)
    # pickled as a parse worker sends them: every round stores fresh copies (a ShippedResult
    # unpickles its rows once, when stored)
    shipped = [pickle.dumps(extract_shipped(url, body, headers, site), pickle.HIGHEST_PROTOCOL)
               for site, url, headers, body, _ in pages]
    cpu, wall = [], []
    for round_ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/store.db")
            run_id = store.start_run(None, "bench-store", {}, "bench", "none")
            items = [PageItem(site=site, url=url, final_url=url, status=200, headers=headers, body=body,
                              fetched_at="2025-06-01T00:00:00Z", harvest_run=run_id, decoded_as=e.encoding,
                              result=e.result)
                     for (site, url, headers, body, _), e in zip(pages, map(pickle.loads, shipped))]
            profiler = None
            if profile and round_ == rounds - 1:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started, started_cpu = time.perf_counter(), time.thread_time()
            for start in range(0, len(items), batch):
                outcomes = store.save_pages(items[start:start + batch])
                assert all(o == "new" for o in outcomes), outcomes
            cpu.append(time.thread_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
            store.close()
    n = len(pages)
    return {"job": "store", "pages": n, "batch": batch, "cpu_ms_per_page": round(statistics.median(cpu) / n * 1000, 3),
            "wall_ms_per_page": round(statistics.median(wall) / n * 1000, 3),
            "cpu_rounds_ms": [round(c / n * 1000, 3) for c in cpu]}


def reparse_cost(reports: int, cache_dir: Path, rounds: int, batch: int, profile: str | None,
                 unchanged: bool = False) -> dict:
    import shutil

    from harvester.items import PageItem
    from harvester.storage import Store, reparse as reparse_module
    from harvester.storage.reparse import reparse

    from .jobs import warm_parser

    warm_parser()
    pages = _pages(reports, cache_dir)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "imported.db"
        store = Store(f"sqlite:///{template}")
        run_id = store.start_run(None, "bench-import", {}, "bench", "none")
        for site, url, headers, body, _ in pages:
            store.save_page(PageItem(site=site, url=url, final_url=url, status=200, headers=headers, body=body,
                                     fetched_at="2025-06-01T00:00:00Z", harvest_run=run_id))
        store.finish_run(run_id, "finished", {})
        if unchanged:  # figure 1's case: reports stored by an older parser that read them the same
            reparse(store, batch_size=batch)
            with store.engine.begin() as connection:
                connection.exec_driver_sql("UPDATE snapshots SET parser_version = 'older'")
                connection.exec_driver_sql("UPDATE reports SET checked_parser_version = 'older'")
        store.close()
        original = reparse_module._parse_with_files
        for round_ in range(rounds):
            db = Path(tmp) / f"round{round_}.db"
            shutil.copy(template, db)
            parse_cpu = [0.0]

            def timed(*args, **kwargs):
                started = time.thread_time()
                try:
                    return original(*args, **kwargs)
                finally:
                    parse_cpu[0] += time.thread_time() - started

            reparse_module._parse_with_files = timed
            store = Store(f"sqlite:///{db}")
            profiler = None
            if profile and round_ == rounds - 1:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            try:
                started, started_cpu = time.perf_counter(), time.thread_time()
                summary = reparse(store, batch_size=batch)
                cpu = time.thread_time() - started_cpu
                wall = time.perf_counter() - started
            finally:
                reparse_module._parse_with_files = original
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(profile)
                store.close()
            assert (summary.unchanged if unchanged else summary.newly_reports) > 0 and not summary.failed, \
                summary.to_dict()
            results.append((cpu, wall, parse_cpu[0], summary.examined))
    n = results[0][3]
    cpu = statistics.median(r[0] for r in results)
    parse = statistics.median(r[2] for r in results)
    besides = statistics.median(r[0] - r[2] for r in results)
    return {"job": "reparse", "unchanged": unchanged, "pages": n, "batch": batch, "pages_per_s": round(n / statistics.median(r[1] for r in results), 1),
            "cpu_ms_per_page": round(cpu / n * 1000, 3), "parse_ms_per_page": round(parse / n * 1000, 3),
            "besides_parse_ms_per_page": round(besides / n * 1000, 3),
            "besides_rounds_ms": [round((r[0] - r[2]) / n * 1000, 3) for r in results]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", choices=("store", "reparse"))
    parser.add_argument("--reports", type=int, default=1000, help="pages of the scaled replica (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh archives measured; the median is reported")
    parser.add_argument("--batch", type=int, default=0, help="pages per transaction (default: the store "
                        "pipeline's HARVESTER_STORE_BATCH, re-parse's batch_size)")
    parser.add_argument("--cache-dir", default=str(REPO / "bench" / ".cache"), help="rendered pages (kept)")
    parser.add_argument("--profile", help="write a cProfile of the last round here")
    parser.add_argument("--unchanged", action="store_true", help="reparse: the archive's reports were "
                        "parsed already, by an older parser version that read them the same (figure 1)")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir)
    if args.job == "store":
        from harvester import settings

        result = store_cost(args.reports, cache, args.rounds, args.batch or settings.HARVESTER_STORE_BATCH, args.profile)
    else:
        result = reparse_cost(args.reports, cache, args.rounds, args.batch or 100, args.profile, args.unchanged)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
