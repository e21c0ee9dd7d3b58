"""The crawl's parse workers (harvester.pool.ParsePool): how many a crawl starts and at which
priority (HARVESTER_PARSE_WORKERS, HARVESTER_PARSE_WORKER_NICE), what they answer, and what
happens when one dies. The pool lives in a reactor, so each test runs it in a fresh Python
process with Twisted's asyncio reactor, as a crawl does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harvester.items import ReportItem, Section, Stat
from harvester.parsing import ParseResult
from harvester.pool import usable_cpus, worker_count

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "tests/fixtures/pages").glob("*.html"))


def run_pool(body: str, timeout: int = 120, cwd: Path = ROOT):
    """Run ``body`` (statements; ``await`` allowed) in a coroutine inside a running reactor in a
    fresh process (in ``cwd``, with this checkout's harvester), with ``ParsePool``, ``PAGES``
    (url, body, headers, site of the fixture pages) and ``report(value)`` in scope; return the
    value reported."""
    script = f"""
import json, os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import defer, reactor
from harvester.pool import ParsePool
PAGES = [("http://fixture.invalid/" + p.rsplit("/", 1)[-1], open(p, "rb").read(), {{}}, None)
         for p in {[str(p) for p in PAGES]!r}]
outcome = {{}}
def report(value):
    outcome["value"] = value
async def main():
{textwrap.indent(textwrap.dedent(body), "    ")}
def run():
    done = defer.ensureDeferred(main())
    done.addErrback(lambda failure: outcome.setdefault("error", failure.getTraceback()))
    done.addBoth(lambda _: reactor.stop())
reactor.callWhenRunning(run)
reactor.run()
print(json.dumps(outcome))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert "error" not in outcome, outcome["error"]
    return outcome["value"]

needs_affinity = pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")


@needs_affinity
def test_auto_is_one_worker_per_usable_cpu():
    cpus = len(os.sched_getaffinity(0))
    assert usable_cpus() == cpus
    for auto in (None, "", "auto"):
        assert worker_count(auto) == cpus


@needs_affinity
def test_auto_counts_the_cpus_the_process_may_run_on():
    """A process limited to one CPU (taskset, a container's cpuset) gets one worker."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from harvester.pool import usable_cpus, worker_count; print(usable_cpus(), worker_count(None))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "1"]


def test_explicit_counts_are_kept():
    assert worker_count(0) == 0  # clean and parse in the reactor thread
    assert worker_count("3") == 3
    assert worker_count(-2) == 0


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this OS")
@pytest.mark.parametrize("nice", [0, 7])
def test_workers_run_at_the_lowered_priority(nice):
    """The reactor's process keeps its priority; its parse workers lower theirs by ``nice``."""
    own = os.nice(0)
    assert run_pool(f"""
        pool = ParsePool(1, {nice})
        await pool.submit(*PAGES[0])  # answered: the worker has lowered its priority
        report([os.nice(0), os.getpriority(os.PRIO_PROCESS, pool.pids[0])])
        pool.shutdown()
    """) == [own, min(19, own + nice)]


@pytest.mark.slow
def test_in_process_parsing_stores_what_the_workers_store(replicas, tmp_path):
    """HARVESTER_PARSE_WORKERS = 0 cleans (the clean pipeline, then in the item chain) and parses
    in the reactor thread; the reports stored are those the parse workers give."""
    from .conftest import exported_reports, scrapy_crawl

    stored = {}
    for workers in (0, 2):
        db = tmp_path / f"w{workers}.db"
        done = scrapy_crawl("zhaoqing", replicas.base_urls["zhaoqing"], db, "-s", f"HARVESTER_PARSE_WORKERS={workers}")
        assert done.returncode == 0, done.stderr[-3000:]
        stored[workers] = sorted(({k: v for k, v in r.items() if k not in ("fetched_at", "harvest_run")}
                                  for r in exported_reports(db)), key=lambda r: r["url"])
    assert len(stored[0]) >= 10
    assert stored[0] == stored[2]


@pytest.mark.parametrize("workers, parser_imported", [(2, False), (0, True)])
def test_the_crawl_process_imports_the_parser_only_to_parse_itself(workers, parser_imported):
    """With parse workers the crawl process never parses: loading its pipelines leaves the parser
    (~0.3 s of imports, regexes and tables at every crawl's start) to the workers. Either way the
    pipelines leave Scrapy's exporters (and the pydantic they import) to crawls writing a CSV feed."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from scrapy.exceptions import NotConfigured
        from scrapy.utils.test import get_crawler
        from harvester.items import PageItem
        from pipelines.clean import CleanPipeline
        from pipelines.parse import ParsePipeline
        from pipelines.feed import ReportFeedPipeline
        crawler = get_crawler(settings_dict={{"HARVESTER_PARSE_WORKERS": {workers}}})
        ParsePipeline.from_crawler(crawler)
        try:
            ReportFeedPipeline.from_crawler(crawler)
        except NotConfigured:  # no feed
            pass
        try:
            cleaner = CleanPipeline.from_crawler(crawler)
        except NotConfigured:  # the workers clean
            pass
        else:
            page = PageItem(site=None, url="http://a.invalid/", final_url=None, status=200, headers={{}},
                            fetched_at="2026-12-02T00:00:00Z", body=b"<p>x</p>")
            cleaner.process_item(page)
        print("harvester.parsing.parse" in sys.modules, "scrapy.exporters" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == [str(parser_imported), "False"]


def test_workers_answer_every_page_as_the_crawl_process_would():
    """More pages than the workers hold at once: each comes back, to its own Deferred, as
    ``extract_shipped`` gives it in this process."""
    from harvester.pool import extract_shipped

    pages = PAGES * 3
    answers = run_pool("""
        pool = ParsePool(2)
        results = await defer.gatherResults([pool.submit(*page) for page in PAGES * 3])
        report([[r.encoding, r.failed_stage, r.result.kind, r.result.title, r.result.content_sha256]
                for r in results])
        pool.shutdown()
    """)
    assert len(pages) > 2 * 2
    expected = []
    for path in pages:
        local = extract_shipped("http://fixture.invalid/" + path.name, path.read_bytes(), {}, None)
        expected.append([local.encoding, local.failed_stage, local.result.kind, local.result.title,
                         local.result.content_sha256])
    assert answers == expected
    assert sum(1 for a in answers if a[2] == "report") >= len(PAGES)


class Note(Stat):
    pass


@dataclass
class Result(ParseResult):
    extra: int = 0


def test_a_shipped_parse_result_unpickles_as_the_parsed_one():
    """A ShippedResult carries its ParseResult pickled flat (the report's parts as their
    ``__dict__``): what the crawl process unpickles is the ParseResult the worker made, to the
    pickle byte (types, attribute order, strings shared). Parts of other types (a subclass, an
    attribute added) and results of other types go as pickle writes them."""
    import pickle

    from harvester.pool import ShippedResult, extract

    results = [extract("http://fixture.invalid/" + path.name, path.read_bytes(), {}, None).result for path in PAGES]
    stat, odd = Stat("k", 1, None, "标签", "text"), Section(1, "t", "x")
    odd.note = "added"
    mixed = ReportItem("s", "http://x.invalid/", sections=[odd, Section(2, "u", "y")], stats=[stat, Note("n", 2.5, "万元", "l", "table")])
    results += [ParseResult("report", "odd", mixed), Result("report", "subclass", ReportItem("s", "u", stats=[stat]), 3)]
    for result in results:
        shipped = pickle.loads(pickle.dumps(ShippedResult(result, "0" * 64), pickle.HIGHEST_PROTOCOL))
        unpickled = shipped.parse_result()
        assert unpickled == result and type(unpickled) is type(result)
        assert pickle.dumps(unpickled, pickle.HIGHEST_PROTOCOL) == pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    assert unpickled.extra == 3 and shipped.parse_result().item.sections == []


def test_workers_use_the_crawl_process_s_harvester_whatever_their_working_directory(tmp_path):
    """A crawl started in a directory that holds another ``harvester`` package (an old checkout)
    still parses with its own: the workers put its copy first on their path."""
    (tmp_path / "harvester").mkdir()
    (tmp_path / "harvester" / "__init__.py").write_text("raise ImportError('not this harvester')\n")
    answers = run_pool("""
        pool = ParsePool(1)
        result = await pool.submit(*PAGES[0])
        report([result.failed_stage, result.result and result.result.kind])
        pool.shutdown()
    """, cwd=tmp_path)
    assert answers == [None, "report"]


def test_a_worker_killed_fails_its_page_only_and_is_replaced():
    """A worker killed (OOM killer, a crash in a C library) fails the page it held first, which the
    crawl then stores unparsed; the page queued behind it and those waiting go to a new worker."""
    answers = run_pool("""
        pool = ParsePool(1)
        await pool.submit(*PAGES[0])
        victim = pool.pids[0]
        pending = [pool.submit(*page) for page in PAGES[:4]]  # two sent to the worker, two waiting
        os.kill(victim, signal.SIGKILL)  # before the reactor has even written the pages out
        results = await defer.gatherResults(pending)
        report({"victim": victim, "now": pool.pids,
                "results": [[r.failed_stage, r.error, r.result and r.result.kind] for r in results]})
        pool.shutdown()
    """)
    first, *rest = answers["results"]
    assert first[0] == "parse" and "killed by signal 9" in first[1] and first[2] is None
    assert [r[0] for r in rest] == [None, None, None]
    assert len(answers["now"]) == 1 and answers["now"] != [answers["victim"]]


@pytest.mark.parametrize("interpreter, reason", [("/bin/false", "keep dying before parsing anything"),
                                                 ("/nonexistent/python3", "could not start a parse worker")])
def test_workers_that_cannot_start_break_the_pool_with_a_reason(interpreter, reason):
    """Workers that die before answering anything (an interpreter that is not Python), or that
    cannot be started at all, are not restarted forever; every page then comes back failed,
    saying why (the crawl stores it unparsed for a later re-parse)."""
    answers = run_pool(f"""
        sys.executable = {interpreter!r}
        pool = ParsePool(2)
        first = await defer.gatherResults([pool.submit(*page) for page in PAGES[:3]])
        later = await pool.submit(*PAGES[0])
        report({{"pids": pool.pids, "errors": [r.error for r in first + [later]],
                 "stages": [r.failed_stage for r in first + [later]]}})
    """)
    assert answers["pids"] == []
    assert answers["stages"] == ["parse"] * 4
    assert all(answers["errors"])  # the first ones: the worker that held them died
    assert reason in answers["errors"][-1] and "harvester reparse" in answers["errors"][-1]


def test_the_pool_ends_with_the_reactor_without_errors_or_new_workers():
    """A crawl that ends stops the reactor with the pool still open (nothing calls shutdown): the
    reactor closing the workers' sockets is the end, not a worker death to log and replace."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from twisted.internet import asyncioreactor
        asyncioreactor.install()
        from twisted.internet import defer, reactor
        from harvester.pool import ParsePool
        pool = ParsePool(2)
        async def crawl():
            page = open({str(PAGES[0])!r}, "rb").read()
            await pool.submit("http://fixture.invalid/a.html", page, {{}}, None)
        def go():
            defer.ensureDeferred(crawl()).addBoth(lambda _: reactor.stop())
        reactor.callWhenRunning(go)
        reactor.run()
        print(len(pool.pids), pool._closing, flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "parse worker" not in done.stderr, done.stderr
    assert done.stdout.split() == ["0", "True"]  # ended with the reactor, none started after


def test_workers_exit_when_the_crawl_process_dies():
    """A crawl process killed outright (no shutdown, no atexit) leaves no parse worker behind: the
    end of its socket is the end of their input, also while they are still starting."""
    script = textwrap.dedent("""
        import os, signal, sys
        from twisted.internet import asyncioreactor
        asyncioreactor.install()
        from twisted.internet import reactor
        from harvester.pool import ParsePool
        def go():
            pool = ParsePool(2)
            pool.start()
            print(" ".join(map(str, pool.pids)), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        reactor.callWhenRunning(go)
        reactor.run()
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert "Traceback" not in done.stderr, done.stderr  # the workers, still starting, just exit
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (not a zombie: the workers' parent is gone, so init
    reaps them)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_page_over_the_time_limit_is_stopped_and_the_next_one_parsed():
    """HARVESTER_PARSE_TIMEOUT: a page that keeps a worker busy too long (here ~2.5 MB of 24,000
    one-row tables between paragraphs, several seconds of parsing) fails with the reason, its
    worker is replaced and the page behind it is parsed. The limit counts from the worker being
    ready, not from its start."""
    answers = run_pool("""
        tables = "".join(f"<table><tr><td>第{i}项</td><td>{i}</td></tr></table><p>说明{i}。</p>" for i in range(24000))
        huge = ("http://fixture.invalid/huge.html", f"<html><body>{tables}</body></html>".encode(), {}, None)
        pool = ParsePool(1, 0, 1.0)
        first = pool.pids
        slow, normal = await defer.gatherResults([pool.submit(*huge), pool.submit(*PAGES[0])])
        report({"slow": [slow.failed_stage, slow.error], "normal": [normal.failed_stage, normal.result.kind],
                "replaced": pool.pids != first and len(pool.pids) == 1})
        pool.shutdown()
    """)
    assert answers["slow"][0] == "parse" and "took more than 1 s" in answers["slow"][1]
    assert answers["normal"] == [None, "report"]
    assert answers["replaced"]


@pytest.mark.slow
def test_pages_whose_parse_is_stopped_are_stored_unparsed_and_reparsed_later(replicas, tmp_path):
    """End to end: a crawl whose every parse is stopped (a time limit no page meets) still stores
    every page it fetched, none as a report, and exits 0; `harvester reparse` then parses them."""
    import sqlite3

    from .conftest import exported_reports, harvester_cli, scrapy_crawl

    db = tmp_path / "stopped.db"
    done = scrapy_crawl("zhaoqing", replicas.base_urls["zhaoqing"], db, "-s", "HARVESTER_PARSE_TIMEOUT=0.0001",
                        "-s", "HARVESTER_PARSE_WORKERS=1")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "took more than 0.0001 s (HARVESTER_PARSE_TIMEOUT) and was stopped" in done.stderr
    with sqlite3.connect(db) as con:
        pages = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
        reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert pages >= 10 and reports == 0
    reparsed = harvester_cli("reparse", "--db", str(db))
    assert reparsed.returncode == 0, reparsed.stderr[-3000:]
    assert len(exported_reports(db)) >= 10
