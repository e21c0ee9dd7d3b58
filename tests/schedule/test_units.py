"""The pieces of scheduled harvests on real databases (SQLite and PostgreSQL) and as plain
functions: the site lock, run bookkeeping, 304 storage, the incremental rules, the monitors, the
systemd timer's calendar."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from harvester.incremental import Action, detail_action, walk_decision
from harvester.items import PageItem
from harvester.locks import LockHeld, SiteLock, current_holders
from harvester.monitoring import check_error_ratio, check_last_year, check_reports, due_date
from harvester.storage import KnownFailure, KnownPage
from harvester.storage.models import HarvestLock

from .conftest import ROOT

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)



def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


# --- the lock -------------------------------------------------------------------------------

def test_second_holder_is_refused_with_the_holders_name(store):
    first = SiteLock(store, "zhaoqing").acquire(run_id=7)
    with pytest.raises(LockHeld) as refused:
        SiteLock(store, "zhaoqing", host=first.host).acquire()
    holder = refused.value.holder
    assert (holder.pid, holder.host, holder.run_id) == (first.pid, first.host, 7)
    assert f"pid {first.pid} on {first.host} since " in str(refused.value)
    SiteLock(store, "yuxi").acquire()  # other sites are independent
    first.release()
    SiteLock(store, "zhaoqing").acquire()  # free again


def test_lock_of_a_dead_process_is_taken_over(store):
    gone = SiteLock(store, "zhaoqing", pid=dead_pid()).acquire()
    taker = SiteLock(store, "zhaoqing").acquire()
    assert taker.took_over is not None and "is gone" in taker.took_over[1]
    assert [h.pid for h in current_holders(store)] == [taker.pid]
    # the old holder cannot release or refresh the new holder's lock
    gone.release()
    assert not gone.heartbeat()
    assert [h.pid for h in current_holders(store)] == [taker.pid]


def test_lock_on_another_host_is_stale_only_without_heartbeat(store):
    remote = SiteLock(store, "zhaoqing", host="other-host", pid=1).acquire()
    with pytest.raises(LockHeld):
        SiteLock(store, "zhaoqing", stale_after=600).acquire()
    assert remote.heartbeat()
    with store.session() as session, session.begin():
        session.execute(update(HarvestLock).values(heartbeat_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    taker = SiteLock(store, "zhaoqing", stale_after=600).acquire()
    assert "no heartbeat for" in taker.took_over[1]


def test_concurrent_acquirers_exactly_one_wins(store):
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def contend() -> None:
        lock = SiteLock(store, "panzhihua")
        barrier.wait()
        try:
            lock.acquire()
            outcomes.append("won")
        except LockHeld:
            outcomes.append("refused")

    threads = [threading.Thread(target=contend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 3 + ["won"]


# --- runs and 304s ---------------------------------------------------------------------------

def test_killed_runs_become_abandoned_and_force_a_resume(store):
    killed = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
    current = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
    assert store.abandon_runs("zhaoqing", keep=current) == [killed]
    previous = store.previous_crawl("zhaoqing", before=current)
    assert (previous["id"], previous["outcome"]) == (killed, "abandoned")
    store.finish_run(current, "finished", {}, sweep="complete")
    assert store.last_complete_sweep("zhaoqing") is not None
    assert store.previous_crawl("zhaoqing")["sweep"] == "complete"


def page(url: str, body: bytes, status: int = 200, **headers) -> PageItem:
    return PageItem(site="zhaoqing", url=url, final_url=url, status=status,
                    headers={k.replace("_", "-"): [v] for k, v in headers.items()}, body=body,
                    fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), listing_date="2025-01-20")


def test_304_moves_last_seen_only(store):
    url = "http://zq/post_1.html"
    run1 = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
    first = page(url, b"<html>report</html>", etag='"abc"', last_modified="Mon, 20 Jan 2025 07:00:00 GMT")
    first.harvest_run = run1
    assert store.save_page(first) == "new"
    known = store.known_pages("zhaoqing")[url]
    assert (known.etag, known.last_modified) == ('"abc"', "Mon, 20 Jan 2025 07:00:00 GMT")
    run2 = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
    not_modified = page(url, b"", status=304)
    not_modified.harvest_run = run2
    assert store.save_page(not_modified) == "unchanged"
    from harvester.storage.queries import page_history

    history = page_history(store, url)
    assert len(history["snapshots"]) == 1 and history["snapshots"][0]["current"]
    assert history["fetch_count"] == 1  # a 304 is not a download
    assert store.known_pages("zhaoqing")[url].content_sha256 == known.content_sha256
    orphan = page("http://zq/never-stored.html", b"", status=304)
    assert store.save_page(orphan) == "failed"


# --- incremental rules (plain functions) ----------------------------------------------------------

def known(days_ago: float, listing_date: str | None = "2025-01-20", etag: str | None = '"e"', gone=False):
    return KnownPage(etag=etag, last_modified=None, listing_date=listing_date,
                     last_fetched_at=NOW - timedelta(days=days_ago), content_sha256="x", kind="report", gone=gone)


@pytest.mark.parametrize("page_state, listing_date, incremental, recheck, expected", [
    (None, "2025-01-20", True, 30, Action.FETCH),                      # new page
    (known(1), "2025-01-20", True, 30, Action.SKIP),                   # recent, same listing date
    (known(1), "2025-02-03", True, 30, Action.CONDITIONAL),            # listing date moved
    (known(40), "2025-01-20", True, 30, Action.CONDITIONAL),           # due for a recheck
    (known(1), "2025-01-20", True, 0, Action.CONDITIONAL),             # recheck window 0
    (known(1), "2025-01-20", False, 30, Action.CONDITIONAL),           # --full
    (known(40, etag=None), "2025-01-20", True, 30, Action.FETCH),      # no validators stored
    (known(1, gone=True), "2025-01-20", True, 30, Action.FETCH),       # back from the dead
])
def test_detail_action(page_state, listing_date, incremental, recheck, expected):
    assert detail_action(page_state, None, listing_date, now=NOW, recheck_days=recheck,
                         incremental=incremental, conditional=True) is expected


def test_dead_links_wait_for_the_recheck_but_timeouts_do_not():
    dead = KnownFailure(404, NOW - timedelta(days=1))
    timeout = KnownFailure(None, NOW - timedelta(days=1))
    kw = dict(now=NOW, recheck_days=30, conditional=True)
    assert detail_action(None, dead, None, incremental=True, **kw) is Action.SKIP
    assert detail_action(None, dead, None, incremental=False, **kw) is Action.FETCH
    assert detail_action(None, timeout, None, incremental=True, **kw) is Action.FETCH


def test_walk_decision():
    sweep = NOW - timedelta(days=2)
    finished = {"id": 3, "outcome": "finished"}
    kw = dict(now=NOW, sweep_days=7)
    assert walk_decision(full=True, known_pages=5, previous=finished, last_sweep=sweep, **kw)[0]
    assert walk_decision(full=False, known_pages=0, previous=None, last_sweep=None, **kw)[1] == "first harvest of the site"
    walk, why = walk_decision(full=False, known_pages=5, previous={"id": 3, "outcome": "abandoned"}, last_sweep=sweep, **kw)
    assert walk and why == "resume: run 3 ended abandoned"
    walk, why = walk_decision(full=False, known_pages=5, previous=finished, last_sweep=NOW - timedelta(days=8), **kw)
    assert walk and why.startswith("periodic full sweep")
    assert not walk_decision(full=False, known_pages=5, previous=finished, last_sweep=sweep, **kw)[0]


# --- monitors ---------------------------------------------------------------------------------

def test_due_dates_follow_the_regulation_of_the_report_year():
    assert due_date(2018) == date(2019, 3, 31)  # 2008 regulation
    assert due_date(2019) == date(2020, 1, 31)  # 2019 regulation
    assert check_last_year({2017}, date(2019, 3, 31), "X").status == "ok"     # 2018 report due that day
    assert check_last_year({2017}, date(2019, 4, 1), "X").status == "alert"
    assert check_last_year({2024}, date(2026, 2, 1), "X").message == "no 2025 report of X yet, due 2026-01-31"
    assert check_last_year({2025}, date(2026, 11, 22), "X").status == "ok"


def test_zero_reports_and_error_ratio_fail():
    assert check_reports({}).status == "fail"
    assert check_reports({"harvester/known_reports": 3}).status == "ok"
    stats = {"harvester/listing_pages": 4, "harvester/detail_pages": 16, "harvester/failed": 1}
    assert check_error_ratio(stats, 0.2).status == "ok"
    assert check_error_ratio({**stats, "harvester/failed": 5}, 0.2).status == "fail"


# --- the systemd timer ------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_timer_runs_daily_in_report_season_and_weekly_otherwise():
    timer = (ROOT / "deploy" / "systemd" / "harvester-harvest.timer").read_text()
    season, rest = [line.split("=", 1)[1] for line in timer.splitlines() if line.startswith("OnCalendar=")]
    out = subprocess.run(["systemd-analyze", "calendar", "--iterations=4", season, rest], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    elapses = [line.split(":", 1)[1].strip() for line in out.stdout.splitlines()
               if "Next elapse" in line or "Iter. #" in line]
    days = [datetime.strptime(" ".join(e.split()[1:3]), "%Y-%m-%d %H:%M:%S") for e in elapses]
    season_days, rest_days = days[:4], days[4:]
    # (whatever today is: consecutive days within January-March, Mondays within April-December)
    assert all(d.month in (1, 2, 3) and (d.hour, d.minute) == (3, 17) for d in season_days)
    assert all((b - a) == timedelta(days=1) for a, b in zip(season_days, season_days[1:]) if a.year == b.year
               and not (a.month == 3 and a.day == 31))
    assert all(d.month >= 4 and d.weekday() == 0 and (d.hour, d.minute) == (3, 17) for d in rest_days)


def test_a_progress_line_is_one_write_with_its_newline(monkeypatch):
    """Another thread's log record (the run's closing alerts) must not land between a progress
    line and its newline: each line reaches the stream in one write."""
    from harvester.progress import ProgressExtension, count_progress

    class Writes(list):
        def write(self, text: str) -> int:
            self.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    class Stats:
        def get_stats(self) -> dict:
            return {"harvester/listing_pages": 3, "harvester/reports": 2}

    stream = Writes()
    extension = ProgressExtension(type("Crawler", (), {"stats": Stats()})(), "plain", 30.0, stream)
    extension.site = "zhaoqing"
    extension.report("finished")
    assert len(stream) == 1 and stream[0].endswith("\n") and " progress zhaoqing finished: listing 3," in stream[0]
    stdout = Writes()
    monkeypatch.setattr("sys.stdout", stdout)
    count_progress(10, "{done}/{total}")(4)
    assert stdout == ["4/10\n"]
