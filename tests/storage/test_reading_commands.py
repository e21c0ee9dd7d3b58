"""`harvester history` and `harvester runs`, and the Datasette metadata of the schema."""

from __future__ import annotations

import json
from pathlib import Path

from harvester.cli import main
from harvester.storage import Store
from harvester.storage.models import Base

from .conftest import report_html

URL = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2020/post_2020.html"


def test_history_shows_two_snapshots_and_two_versions_of_an_edited_page(db_url, make_item, capsys):
    with Store(db_url) as store:
        run1 = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
        store.save_page(make_item(URL, report_html(proactive=100), run=run1))
        run2 = store.start_run("zhaoqing", "zhaoqing", {}, "t", "t")
        store.save_page(make_item(URL, report_html(proactive=200), run=run2, minutes=90))
    assert main(["history", URL, "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "2 snapshots:" in out and "2 report versions:" in out
    assert out.count("<- current") == 2  # one snapshot, one report version
    assert "fetched 2026-11-01T09:30:00Z" in out and "changed: body_text" in out

    assert main(["history", URL, "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["harvest_run"] for s in data["snapshots"]] == [run1, run2]
    assert [v["version"] for v in data["report_versions"]] == [1, 2]

    assert main(["history", URL + "?nope", "--db", db_url]) == 1
    assert "no page" in capsys.readouterr().err


def test_runs_lists_counts_and_checks(db_url, make_item, capsys):
    with Store(db_url) as store:
        run = store.start_run("zhaoqing", "zhaoqing", {"base_url": "http://127.0.0.1:1"}, "t", "t")
        store.save_page(make_item(URL, report_html(), run=run))
        store.record_failure("zhaoqing", URL + "x", run, "HTTP 404", status=404)
        store.finish_run(run, "finished", {"downloader/request_count": 3, "downloader/response_bytes": 2048})
        store.set_run_checks(run, {"reports_found": {"status": "ok"},
                                   "last_year_report": {"status": "alert", "message": "no 2025 report yet"}})
    assert main(["runs", "--json", "--db", db_url]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["new"], listed["failed"], listed["requests"], listed["bytes"]) == (1, 1, 3, 2048)
    assert listed["checks"]["reports_found"] == {"status": "ok"} and listed["stats"]["downloader/request_count"] == 3
    assert main(["runs", "--db", db_url]) == 0
    out = capsys.readouterr().out  # piped: the compact lines; the checks that are not ok under the run
    assert "zhaoqing" in out and "alert last_year_report: no 2025 report yet" in out
    assert "reports_found" not in out and max(len(line) for line in out.splitlines()) <= 120


def test_datasette_metadata_describes_every_table_and_column():
    path = Path(__file__).resolve().parents[2] / "harvester" / "storage" / "datasette-metadata.json"
    tables = json.loads(path.read_text(encoding="utf-8"))["databases"]["harvest"]["tables"]
    for name, table in Base.metadata.tables.items():
        assert tables[name]["description"]
        assert set(tables[name]["columns"]) == set(table.columns.keys()), name
