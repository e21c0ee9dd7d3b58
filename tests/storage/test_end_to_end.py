"""harvest -> edit -> harvest -> reparse -> export through the zhaoqing replica, on both backends.

The real spider crawls the replica over loopback (in its own process, the project's pipelines);
the replica then serves edition 2, in which one report was edited after publication.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.cli import main
from harvester.storage import Store
from harvester.storage.queries import page_history

PROJECT_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def crawl_zhaoqing(base_url: str, db_url: str) -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "zhaoqing", "-a", f"base_url={base_url}",
               "-s", f"HARVESTER_DATABASE_URL={db_url}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "LOG_LEVEL=WARNING"]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]


def test_edited_report_has_two_snapshots_and_versions_and_reparse_needs_no_network(db_url, tmp_path, capsys):
    from harvester.replicas.manifest import manifest, manifest_all
    from harvester.replicas.server import ReplicaOptions, ReplicaServer

    server = ReplicaServer(sites=["zhaoqing"], options=ReplicaOptions(edition=1)).start()
    try:
        base_urls = dict(server.base_urls)
        crawl_zhaoqing(base_urls["zhaoqing"], db_url)
        crawl_zhaoqing(base_urls["zhaoqing"], db_url)  # nothing new
        server.options.edition = 2
        crawl_zhaoqing(base_urls["zhaoqing"], db_url)
    finally:
        server.stop()

    (edited,) = [r for r in manifest_all(edition=2, base_urls=base_urls, site="zhaoqing") if r["edited"]]
    with Store(db_url) as store:
        history = page_history(store, edited["url"])
        assert len(history["snapshots"]) == 2 and len(history["report_versions"]) == 2
        assert history["report_versions"][1]["current"] and history["report_versions"][1]["changed_fields"]

        from harvester.storage.queries import iter_runs

        runs = list(iter_runs(store))
        assert [r["outcome"] for r in runs] == ["finished"] * 3
        assert runs[1]["new"] == runs[1]["changed"] == 0 and runs[1]["unchanged"] == runs[2]["new"]
        assert runs[0]["changed"] == 1 and runs[0]["new"] == 1  # edition 2 adds one report, edits one

    # The replica is stopped: re-parse works from the stored bytes alone.
    assert main(["reparse", "--db", db_url]) == 0
    assert "reports examined:" in capsys.readouterr().out

    out = tmp_path / "zq.jsonl"
    assert main(["export", "--format", "jsonl", "--out", str(out), "--db", db_url]) == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = {r["url"] for r in manifest(edition=2, base_urls=base_urls, site="zhaoqing")}
    assert {e["url"] for e in exported} == expected
    assert all(e["content_sha256"] and e["harvest_run"] and e["fetched_at"] for e in exported)
