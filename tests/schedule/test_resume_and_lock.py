"""SIGKILL in the middle of a harvest, then a rerun: the full set, no duplicates, stored pages not
downloaded again; one harvest of a site at a time, a stale lock taken over."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from harvester.replicas import manifest

from .conftest import ROOT, detail_downloads, harvest, harvest_cmd, last_runs, rows, runs

pytestmark = pytest.mark.slow

#: Slow enough to kill in the middle: one request at a time, evenly apart (start_slow's delay;
#: storing no longer slows the crawl: it runs off the reactor thread; the columns' notices and
#: news are not fetched any more).
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY_JITTER=0"]


def wait_for(condition, what: str, timeout: float = 120.0, proc: subprocess.Popen | None = None):
    """Poll until ``condition()`` is truthy (the test waits for states, it never measures time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"harvest ended before {what}: {proc.stderr.read()[-3000:]}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def count(db, sql: str) -> int:
    try:
        return rows(db, sql)[0][0]
    except Exception:  # schema not created yet
        return 0


def start_slow(db, replica, site: str, *extra: str, delay: float = 0.6) -> subprocess.Popen:
    """A harvest of ``site`` fetching one page every ``delay`` seconds."""
    return subprocess.Popen(harvest_cmd(db, replica, [site], *SLOW, "-s", f"DOWNLOAD_DELAY={delay}", *extra),
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())


def test_sigkill_then_rerun_resumes_without_redownloading(tmp_path, replica):
    db = tmp_path / "h.db"
    site = "panzhihua"
    proc = start_slow(db, replica, site)
    try:
        wait_for(lambda: count(db, "select count(*) from pages") >= 6, "6 stored pages", proc=proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    stored_before = {url for (url,) in rows(db, "select url from pages")}
    assert 6 <= len(stored_before) < len(manifest(site=site))  # killed in the middle
    assert [r["outcome"] for r in runs(db)] == ["running"]
    killed_downloads = {r.path for r in detail_downloads(replica, site)}

    rerun = harvest(db, replica, [site])
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert "took over a stale harvest lock" in rerun.stderr and "process" in rerun.stderr
    first, second = runs(db)
    assert first["outcome"] == "abandoned" and second["outcome"] == "finished"
    assert second["stats"]["harvester/walk"].startswith("resume")
    assert second["sweep"] == "complete"  # a resume walks every listing page

    # the full set, each page once
    expected = {e["url"] for e in manifest(site=site, base_urls=replica.base_urls)}
    exported = {url for (url,) in rows(db, "select url from reports where is_current")}
    assert exported == expected
    assert count(db, "select count(*) from snapshots") == count(db, "select count(*) from pages")
    assert count(db, "select count(*) from (select url from pages group by url having count(*) > 1)") == 0
    # pages stored before the kill were not downloaded again
    all_downloads = [r.path for r in detail_downloads(replica, site) if r.status == 200]
    stored_paths = {url.split(replica.base_urls[site], 1)[1] for url in stored_before}
    for path in stored_paths:
        assert all_downloads.count(path) == 1, path
    assert stored_paths <= killed_downloads
    assert second["new"] == count(db, "select count(*) from pages") - len(stored_before)


def test_second_concurrent_harvest_is_refused_then_a_stale_lock_is_taken_over(tmp_path, replica):
    db = tmp_path / "h.db"
    site = "zhaoqing"
    # slow enough to be still running when the second harvest, started on a loaded machine, asks
    # for the lock (at 0.6 s a page it once finished first); it is killed once refused
    proc = start_slow(db, replica, site, delay=3)
    try:
        wait_for(lambda: count(db, "select count(*) from harvest_locks"), "the lock", proc=proc)
        holder_pid = rows(db, "select pid from harvest_locks")[0][0]
        second = harvest(db, replica, [site])
        assert second.returncode != 0
        text = second.stdout + second.stderr
        assert "Traceback" not in text
        assert f"harvest refused: another harvest of {site} is running (pid {holder_pid} on " in text, text
        assert "since" in text
        # the refused harvest opened no run and left the holder's lock alone
        assert rows(db, "select pid from harvest_locks")[0][0] == holder_pid
        assert [r["outcome"] for r in runs(db)] == ["running"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert count(db, "select count(*) from harvest_locks") == 1  # killed: its lock stays behind

    third = harvest(db, replica, [site])
    assert third.returncode == 0, third.stdout[-3000:] + third.stderr[-3000:]
    assert f"took over a stale harvest lock (process {holder_pid} is gone)" in third.stderr
    assert count(db, "select count(*) from harvest_locks") == 0  # released at the end
    assert last_runs(db)[site]["stats"]["harvester/lock_taken_over"].startswith(f"pid {holder_pid}")


def test_a_harvest_whose_lock_was_taken_over_stops(tmp_path, replica):
    """Another process judged this harvest stale and took its lock: it must stop writing."""
    db = tmp_path / "h.db"
    site = "zhaoqing"
    proc = start_slow(db, replica, site, "-s", "HARVESTER_LOCK_HEARTBEAT_SECONDS=0.2")
    try:
        wait_for(lambda: count(db, "select count(*) from pages") >= 2, "2 stored pages", proc=proc)
        holder_pid = rows(db, "select pid from harvest_locks")[0][0]
        # what a taking-over process leaves in the row: its own token and pid
        with sqlite3.connect(db, timeout=30) as conn:
            conn.execute("update harvest_locks set token = 'taken-over', pid = ? where pid = ?",
                         (holder_pid + 100000, holder_pid))
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert "Traceback" not in out + err
    assert "was taken over by another process" in err
    assert "lock_lost" in out + err
    assert runs(db)[-1]["outcome"] == "lock_lost"
    assert count(db, "select count(*) from pages") < len(manifest(site=site))  # stopped early
