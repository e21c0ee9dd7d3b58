"""Readable everywhere: the harvest summary and `harvester runs` fit an 80-column terminal,
stay under 120 characters piped, keep every column on a wide terminal and in --json; a closed
pipe (`| head`) ends quietly."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from harvester.cli.runs import compact_lines as runs_lines
from harvester.cli.summary import COLUMNS, print_summary
from harvester.replicas import hosting
from harvester.runner import SiteResult
from harvester.storage.testing import free_port

from .conftest import ROOT, harvester_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def results() -> list[SiteResult]:
    """Stats as a harvest leaves them (values of the demo's order of magnitude, awkward years)."""
    out = []
    for i, site in enumerate(["zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua"]):
        out.append(SiteResult(site, "finished" if i != 3 else "renderer_missing", {
            "harvester/reports": 16 + i, "harvester/known_reports": 3 * (i % 2),
            "harvester/report_years": [2008, 2010, 2011, 2013, 2015, 2016, 2018] + list(range(2020, 2026)),
            "harvester/listing_pages": 46, "harvester/detail_pages": 21, "harvester/new": 20 + i,
            "harvester/failed": 1, "downloader/request_count": 12345, "downloader/response_bytes": 98765432,
            "harvester/sweep": "complete", "harvester/kind/notice": 2, "harvester/reports_with_warnings": 4}))
    return out


def rendered(width: int, terminal: bool) -> list[str]:
    buf = io.StringIO()
    print_summary(results(), Console(file=buf, width=width, force_terminal=terminal))
    return ANSI.sub("", buf.getvalue()).splitlines()


def test_summary_fits_80_columns_without_breaking_words():
    lines = rendered(80, terminal=True)
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if line.startswith("site"))
    assert header.split() == ["site", "reps", "warn", "new", "chg", "same", "gone", "fail", "sweep"]
    text = "\n".join(lines)
    for site in ("zhaoqing", "xuancheng", "panzhihua"):
        assert re.search(rf"^{site}\s", text, re.M)
    assert "renderer_missing" in text and "2008, 2010-2011, 2013, 2015-2016, 2018, 2020-2025" in text.replace(
        "\n         ", " ")


def test_summary_piped_stays_under_120(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    lines = rendered(80, terminal=False)  # a pipe: the console's width does not matter
    assert max(len(line) for line in lines) <= 120
    monkeypatch.setenv("COLUMNS", "80")
    assert max(len(line) for line in rendered(200, terminal=False)) <= 80


def test_summary_full_table_on_a_wide_terminal():
    text = "\n".join(rendered(260, terminal=True))
    for column in COLUMNS:
        assert column in text
    assert "98,765,432" in text


def test_runs_compact_lines_fit_80_with_problems_under_their_run():
    runs = [{"id": 1000 + i, "kind": "crawl", "site": "xuancheng", "started_at": "2026-12-01T17:35:39Z",
             "outcome": "finished", "new": 123, "changed": 4, "unchanged": 5678, "gone": 0, "failed": 12,
             "checks": {"reports": {"status": "ok"}, "last_year_report": {
                 "status": "alert", "message": "no 2025 report of 宣城市国防动员办公室（宣城市人民防空办公室） yet, due 2026-01-31"}}}
            for i in range(3)]
    lines = runs_lines(runs, 80)
    assert all(len(line) <= 80 for line in lines if line.isascii())
    assert sum("alert last_year_report" in line for line in lines) == 3


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("readable") / "harvest.db"
    out = harvester_cli("demo", "--db", str(db), "--port", str(free_port(len(hosting.host_order()))), "--renderer", "none",
                        "--site", "zhaoqing", "--site", "panzhihua", env={"COLUMNS": "80"})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, out.stdout
    return db


@pytest.mark.slow
def test_runs_piped_and_at_80_columns(demo_db):
    piped = harvester_cli("runs", "--db", str(demo_db))
    assert piped.returncode == 0 and max(len(line) for line in piped.stdout.splitlines()) <= 120
    narrow = harvester_cli("runs", "--db", str(demo_db), env={"COLUMNS": "80"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert "zhaoqing" in narrow.stdout and "panzhihua" in narrow.stdout
    full = json.loads(harvester_cli("runs", "--json", "--db", str(demo_db)).stdout)
    assert {"requests", "bytes", "checks", "report_years"} <= set(full[0])
    assert full[0]["report_years"] and all(isinstance(y, int) for y in full[0]["report_years"])


@pytest.mark.slow
@pytest.mark.parametrize("args", [["export", "--format", "jsonl", "--out", "-"], ["replica", "manifest"],
                                  ["replica", "manifest", "--json", "--all"], ["runs", "--json"]])
def test_closed_pipe_ends_quietly(demo_db, args):
    """`harvester ... | head -1`: the reader goes away after one line; no traceback, exit 0."""
    if args[0] in ("export", "runs"):
        args = [*args, "--db", str(demo_db)]
    process = subprocess.Popen([sys.executable, "-m", "harvester", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does
    _, err = process.communicate(timeout=120)
    assert first
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()[-2000:]
    assert process.returncode == 0


def test_live_progress_table_fits_80_columns():
    from rich.live import Live

    from harvester.progress import COUNTERS, LiveTable

    buf = io.StringIO()
    table = LiveTable.__new__(LiveTable)  # the shared instance writes to the real terminal
    table.rows = {}
    table.live = Live(console=Console(file=buf, width=80, force_terminal=True), auto_refresh=False)
    table.live.start()
    for site in ("zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua"):
        table.update(site, "finished", {name: 123456 if name == "requests" else 1234 for name, _ in COUNTERS})
    table.live.stop()
    lines = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", buf.getvalue()).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.split()[:3] == ["site", "state", "list"] for line in lines)
    assert any("xuancheng" in line and "123456" in line for line in lines)  # nothing cut to "…"
    assert not any("…" in line for line in lines)
