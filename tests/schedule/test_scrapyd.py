"""The Scrapyd deployment, for real: Scrapyd 1.6 started on loopback with deploy/scrapyd.conf
(on a free port), the project egg built by deploy/build_egg.py and uploaded with
`scrapyd-deploy --egg`, a replica crawl scheduled through schedule.json with spider arguments and
settings, polled through listjobs.json, and its result checked in the database."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from harvester.replicas import manifest
from harvester.storage.testing import free_port

from .conftest import ROOT, rows

pytestmark = pytest.mark.slow


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as response:
        return json.load(response)


def wait_for(condition, what: str, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def scrapyd(tmp_path):
    if shutil.which("scrapyd") is None or shutil.which("scrapyd-deploy") is None:
        pytest.skip("scrapyd / scrapyd-client not installed (pip install -e '.[test]')")
    home = tmp_path / "scrapyd"
    home.mkdir()
    config = configparser.ConfigParser()
    config.read(ROOT / "deploy" / "scrapyd.conf")
    assert (config["scrapyd"]["bind_address"], config["scrapyd"]["http_port"]) == ("127.0.0.1", "6801")
    port = free_port()  # the shipped file says 6801; a test must not collide with a real one
    config["scrapyd"]["http_port"] = str(port)
    with open(home / "scrapyd.conf", "w") as f:
        config.write(f)
    log = open(home / "scrapyd.out", "w")
    proc = subprocess.Popen(["scrapyd"], cwd=home, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: api(base, "daemonstatus.json").get("status") == "ok", "scrapyd to answer")
        yield base, home
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_scrapyd_deploy_schedule_and_harvest(tmp_path, scrapyd, replica):
    base, home = scrapyd
    egg = tmp_path / "harvester.egg"
    build = subprocess.run([sys.executable, str(ROOT / "deploy" / "build_egg.py"), str(egg)], capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]

    # scrapyd-deploy reads its target from scrapy.cfg; the project's points at 127.0.0.1:6801,
    # this one at the test's port.
    project = tmp_path / "deploy-target"
    project.mkdir()
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = harvester.settings\n\n[deploy]\nurl = {base}/\nproject = harvester\n")
    deployed = subprocess.run(["scrapyd-deploy", "--egg", str(egg), "-v", "r1"], cwd=project, capture_output=True,
                              text=True, timeout=120)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert json.loads(deployed.stdout.strip().splitlines()[-1])["status"] == "ok", deployed.stdout
    assert "zhaoqing" in api(base, "listspiders.json?project=harvester")["spiders"]

    db = tmp_path / "h.db"
    settings = {"HARVESTER_DATABASE_URL": f"sqlite:///{db}", "HARVESTER_INCREMENTAL": "1",
                "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
    jobs = []
    for _ in range(2):  # the second job is the incremental re-harvest
        scheduled = api(base, "schedule.json", [("project", "harvester"), ("spider", "zhaoqing"),
                                                ("base_url", replica.base_urls["zhaoqing"]), ("render", "no"),
                                                *[("setting", f"{k}={v}") for k, v in settings.items()]])
        assert scheduled["status"] == "ok", scheduled
        job = scheduled["jobid"]
        wait_for(lambda: job in {j["id"] for j in api(base, "listjobs.json?project=harvester")["finished"]},
                 f"job {job} to finish")
        jobs.append(job)

    expected = {e["url"] for e in manifest(site="zhaoqing", base_urls=replica.base_urls)}
    assert {u for (u,) in rows(db, "select url from reports where is_current")} == expected
    outcomes = rows(db, "select outcome, pages_new, pages_changed, sweep, checks from harvest_runs order by id")
    # the column's notices, work plan and news are not fetched (their titles say so)
    assert [o[:2] for o in outcomes] == [("finished", len(expected)), ("finished", 0)]
    assert outcomes[1][3] == "partial"  # incremental: pagination stopped early
    assert json.loads(outcomes[1][4])["reports"]["status"] == "ok"
    job_log = (home / "scrapyd" / "logs" / "harvester" / "zhaoqing" / f"{jobs[0]}.log").read_text()
    assert "Traceback" not in job_log and "'finish_reason': 'finished'" in job_log
