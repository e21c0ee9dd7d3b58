"""Monitoring after each run (stored with the run, printed, a broken site fails the harvest) and
the progress output off a terminal (plain lines) and on one (a live table)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from .conftest import ROOT, harvest, harvest_cmd, last_runs

pytestmark = pytest.mark.slow

PLAIN_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d progress (?P<site>\w+) (?P<state>\w+): listing (?P<listing>\d+), "
    r"detail \d+, reports (?P<reports>\d+), new \d+, changed \d+, unchanged \d+, skipped \d+, errors \d+, requests \d+$")


def test_checks_stored_with_the_run_and_printed(tmp_path, replica):
    db = tmp_path / "h.db"
    result = harvest(db, replica, ["zhaoqing", "panzhihua"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for site, run in last_runs(db).items():
        checks = run["checks"]
        assert set(checks) == {"reports", "error_ratio", "warning_share", "kept_reports", "last_year_report"}
        assert checks["reports"]["status"] == "ok" and checks["error_ratio"]["status"] == "ok"
        # edition 1 lacks the 2025 reports, due 2026-01-31: an alert, not a failure
        assert checks["last_year_report"] == {
            "status": "alert", "message": checks["last_year_report"]["message"], "value": 2025,
            "threshold": "2026-01-31"}
        assert f"checks {site}: reports ok, error_ratio ok" in result.stdout
        assert re.search(rf"alert {site}: no 2025 report of .+ yet, due 2026-01-31", result.stdout)
    # `harvester runs` shows them too
    table = subprocess.run([sys.executable, "-m", "harvester", "runs", "--db", str(db)], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert "alert last_year_report: no 2025 report" in table.stdout  # the checks not ok, under their run


def test_report_not_yet_due_is_no_alert(tmp_path, replica):
    db = tmp_path / "h.db"
    result = harvest(db, replica, ["panzhihua"], "-s", "HARVESTER_TODAY=2026-01-20")
    assert result.returncode == 0
    check = last_runs(db)["panzhihua"]["checks"]["last_year_report"]
    assert check["status"] == "ok" and "not due before 2026-01-31" in check["message"]


def test_broken_site_fails_the_harvest_with_a_clear_alert(tmp_path, replica):
    db = tmp_path / "h.db"
    assert harvest(db, replica, ["zhaoqing", "yuxi"]).returncode == 0
    replica.options.broken = frozenset({"yuxi"})  # empty listings: the layout "changed"
    result = harvest(db, replica, ["zhaoqing", "yuxi"])
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "ALERT yuxi: no report found" in result.stdout
    assert "ALERT zhaoqing" not in result.stdout
    runs = last_runs(db)
    assert runs["yuxi"]["checks"]["reports"]["status"] == "fail"
    assert runs["zhaoqing"]["checks"]["reports"]["status"] == "ok"
    assert runs["yuxi"]["sweep"] == "partial" and runs["yuxi"]["gone"] == 0  # nothing marked gone


def test_progress_off_a_terminal_is_plain_lines(tmp_path, replica):
    db = tmp_path / "h.db"
    result = harvest(db, replica, ["zhaoqing", "yongkang"], "-s", "HARVESTER_PROGRESS_INTERVAL=0.05",
                     "-s", "DOWNLOAD_DELAY=0.05")
    assert result.returncode == 0
    output = result.stdout + result.stderr
    assert "\x1b[" not in output  # no escape codes in cron mail
    lines = [m for m in map(PLAIN_LINE.match, result.stderr.splitlines()) if m]
    finals = {m["site"]: m for m in lines if m["state"] == "finished"}
    assert set(finals) == {"zhaoqing", "yongkang"}
    runs = last_runs(db)
    for site, line in finals.items():
        assert int(line["listing"]) == runs[site]["stats"]["harvester/listing_pages"]
    assert any(m["state"] == "running" for m in lines)  # periodic lines while crawling


def test_progress_on_a_terminal_is_a_live_table(tmp_path, replica):
    db = tmp_path / "h.db"
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(harvest_cmd(db, replica, ["panzhihua"]), cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=secondary, stderr=secondary, env={**os.environ, "COLUMNS": "200"})
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(primary)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, screen[-3000:]
    assert "harvest progress" in screen and "panzhihua" in screen
    assert not re.search(PLAIN_LINE.pattern, screen.replace("\r", ""), re.M)
