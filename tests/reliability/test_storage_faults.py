"""Issue 14, points 7, 12 and 13: failing disks and databases. A full disk is a small tmpfs
mounted in the test (root only; skipped with the reason otherwise), a read-only archive the same
tmpfs remounted read-only, a locked database a real SQLite write lock held by the test, a corrupt
one a real file with damaged pages."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from harvester.storage.testing import free_port

from .conftest import ROOT, cli, current_reports, harvest, last_run, rows
from .faultserver import html, report_page

POST = "/gkmlpt/content/2/2/post_{}.html"


@contextmanager
def tmpfs(path: Path, size: str):
    """A small tmpfs at ``path`` (a disk that fills up); skips the test when it cannot be mounted."""
    path.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs (a full disk) needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for the full-disk test: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(disk: Path, leave: int, name: str = "filler") -> Path:
    """Fill ``disk`` but ``leave`` bytes with one file; delete it to free the space again."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    filler = disk / name
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def big_report(n: int) -> bytes:
    """The fixture report, re-dated, with ~120 KB of incompressible noise in a comment (a page
    the archive must spend real space on)."""
    page = report_page().replace(b"2014", str(1990 + n).encode())
    return page.replace(b"</body>", b"<!-- " + secrets.token_hex(60_000).encode() + b" --></body>")


def test_full_disk_stops_the_crawl_loudly_and_the_rerun_recovers(tmp_path, fault_server):
    """Point 7: a full disk gives a non-zero exit with the reason, the run is not left looking
    fine, nothing stored before is damaged, and once space is back the next harvest stores
    every page (a resume: every listing page walked again)."""
    site = fault_server.site
    for n in range(30):
        site.add(POST.format(n), html(big_report(n)))
    with tmpfs(tmp_path / "disk", "24m") as disk:
        db = disk / "h.db"
        assert cli("db", "upgrade", "--db", str(db)).returncode == 0
        filler = fill(disk, leave=900_000)
        out = harvest(db, fault_server)
        assert out.returncode == 1, out.stdout + out.stderr
        assert "Traceback" not in out.stderr
        assert "disk holding the database is full" in out.stdout + out.stderr
        assert "no report found" not in out.stdout
        stored_then = current_reports(db)
        assert len(stored_then) < 30
        filler.unlink()
        again = harvest(db, fault_server)
        assert again.returncode == 0, again.stdout + again.stderr
        assert len(current_reports(db)) == 30
        assert all(current_reports(db)[url] == 1 for url in stored_then)  # earlier pages intact, no duplicates
        outcomes = [o for (o,) in rows(db, "select outcome from harvest_runs order by id")]
        assert outcomes[0] in ("storage_failed", "abandoned") and outcomes[-1] == "finished"
        assert rows(db, "pragma integrity_check") == [("ok",)]
        # a resume, unless no batch was committed before the disk filled (then nothing is known)
        assert "resume" in last_run(db)["stats"]["harvester/walk"] or not stored_then


def test_export_onto_a_full_disk_leaves_no_truncated_file(tmp_path, fault_server):
    """Point 13: export writes a temporary file and renames it: a full disk leaves the previous
    export as it was (or no file), with a one-line error."""
    site = fault_server.site
    for n in range(12):
        site.add(POST.format(n), html(big_report(n)))
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    with tmpfs(tmp_path / "disk", "2m") as disk:
        old = disk / "reports.jsonl"
        old.write_text('{"old": true}\n')
        fill(disk, leave=200_000)
        out = cli("export", "--format", "jsonl", "--out", str(old), "--db", str(db))
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.startswith("harvester: error: cannot write") and len(out.stderr.strip().splitlines()) == 1
        assert old.read_text() == '{"old": true}\n'
        (disk / "csv").mkdir()
        fill(disk, leave=0, name="filler2")
        csv_out = cli("export", "--format", "csv", "--out", str(disk / "csv") + "/", "--db", str(db))
        assert csv_out.returncode == 2 and "Traceback" not in csv_out.stderr, csv_out.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["csv", "filler", "filler2", "reports.jsonl"]
        assert list((disk / "csv").iterdir()) == []


def test_read_only_archive_serves_the_reading_commands(tmp_path, fault_server):
    """Point 13: runs, history and export work on an archive that cannot be written."""
    site = fault_server.site
    for n in range(3):
        site.add(POST.format(n), html(big_report(n)))
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    with tmpfs(tmp_path / "ro", "20m") as ro:
        shutil.copy(db, ro / "h.db")
        remount = subprocess.run(["mount", "-o", "remount,ro", str(ro)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount the tmpfs read-only: {remount.stderr.strip()}")
        copy = str(ro / "h.db")
        runs = cli("runs", "--db", copy)
        assert runs.returncode == 0, runs.stderr
        history = cli("history", fault_server.url(POST.format(1)), "--db", copy)
        assert history.returncode == 0, history.stderr
        export = cli("export", "--format", "jsonl", "--out", "-", "--db", copy)
        assert export.returncode == 0 and len(export.stdout.splitlines()) == 3
        refused = harvest(Path(copy), fault_server)
        assert refused.returncode == 2 and "cannot write database" in refused.stderr


def test_locked_database_is_reported_as_locked(tmp_path, fault_server):
    """Point 12: a database another process keeps locked ends in "locked", not "no report
    found: the layout changed"."""
    site = fault_server.site
    site.add(POST.format(1), html(big_report(1)))
    db = tmp_path / "h.db"
    assert cli("db", "upgrade", "--db", str(db)).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        out = harvest(db, fault_server, env={"HARVESTER_SQLITE_BUSY_TIMEOUT": "1000"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert "database is locked by another process" in out.stdout + out.stderr
    assert "layout" not in out.stdout


def test_corrupt_database_is_reported_as_corrupt(tmp_path, fault_server):
    """Point 12: a partly overwritten database file: export and harvest say it is corrupt in one
    line, never a traceback or "layout changed"."""
    site = fault_server.site
    for n in range(4):
        site.add(POST.format(n), html(big_report(n)))
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):  # damage every third page after the schema
        data[start:start + page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    for command in (["export", "--format", "jsonl", "--out", "-"], ["runs"]):
        out = cli(*command, "--db", str(db))
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "corrupt" in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    again = harvest(db, fault_server)
    assert again.returncode != 0 and "Traceback" not in again.stderr
    assert "corrupt" in again.stdout + again.stderr
    assert "layout" not in again.stdout


def test_storage_waits_do_not_stall_the_downloads(tmp_path, fault_server):
    """Point 12: while another process holds the database's write lock, the crawl keeps
    downloading (the store waits in its own thread, not on the reactor)."""
    site = fault_server.site
    for n in range(24):
        site.add(POST.format(n), html(big_report(n)))
    db = tmp_path / "h.db"
    assert cli("db", "upgrade", "--db", str(db)).returncode == 0
    window: dict[str, float] = {}

    def hold_lock_after_first_detail() -> None:
        while not any("/post_" in h.path for h in list(site.log)):
            time.sleep(0.01)
        holder = sqlite3.connect(db, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        window["start"] = time.monotonic()
        time.sleep(4)
        window["end"] = time.monotonic()
        holder.execute("ROLLBACK")
        holder.close()

    locker = threading.Thread(target=hold_lock_after_first_detail)
    locker.start()
    out = harvest(db, fault_server, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.1",
                  env={"HARVESTER_SQLITE_BUSY_TIMEOUT": "20000"})
    locker.join()
    assert out.returncode == 0, out.stdout + out.stderr
    during = [h for h in site.log if window["start"] < h.at < window["end"] and "/post_" in h.path]
    assert len(during) >= 8, f"only {len(during)} downloads while the database was locked"
    assert len(current_reports(db)) == 24


def test_killed_reparse_is_closed_and_resumed(tmp_path, fault_server):
    """Point 13: a re-parse killed with SIGKILL is marked abandoned by the next one, which resumes
    after the last committed batch instead of starting over."""
    site = fault_server.site
    for n in range(40):
        site.add(POST.format(n), html(report_page().replace(b"2014", str(1980 + n).encode())))
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "harvester", "reparse", "--db", str(db), "--batch-size", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("re-parsed 5/"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert rows(db, "select outcome from harvest_runs where kind = 'reparse'") == [("running",)]
    out = cli("reparse", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "resumed the interrupted run" in out.stdout
    assert rows(db, "select outcome from harvest_runs where kind = 'reparse' order by id") == [
        ("abandoned",), ("finished",)]


def test_replica_port_is_free_right_after_a_kill(tmp_path):
    """Point 13: `harvester replica serve` killed with connections in TIME_WAIT can be started
    again on the same port at once."""
    port = free_port()
    cmd = [sys.executable, "-m", "harvester", "replica", "serve", "--port", str(port), "--site", "zhaoqing",
           "--no-challenge"]

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/gkmlpt/index", timeout=2) as r:
                    assert r.status == 200
                return proc
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"replica did not start: {proc.stderr.read()}")
                time.sleep(0.05)
        raise AssertionError("replica did not answer")

    first = start()
    for _ in range(5):  # server-closed connections: TIME_WAIT on the server's port
        urllib.request.urlopen(f"http://127.0.0.1:{port}/gkmlpt/index", timeout=2).read()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = start()
    try:
        assert second.poll() is None
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
