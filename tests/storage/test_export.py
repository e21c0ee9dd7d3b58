"""Export: jsonl round-trips report items; csv/parquet give reports and long-format statistics."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from harvester.cli import main
from harvester.bodies import BODY_COLUMNS
from harvester.sites import SITES
from harvester.items import REPORT_FIELDS, ReportItem

from .conftest import notice_html, report_html

BASE = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/{}/post_{}.html"


@pytest.fixture
def stored(store, make_item):
    """Three reports (2019, 2020, and a 2021 one edited once), a notice, a yongkang report."""
    run = store.start_run("zhaoqing", "zhaoqing", {}, "test", "test")
    items = []
    for year in (2019, 2020, 2021):
        items.append(make_item(BASE.format(year, year), report_html(year=year, proactive=year), run=run))
    items.append(make_item(BASE.format(2021, 2021), report_html(year=2021, proactive=9999), run=run, minutes=30))
    items.append(make_item(BASE.format(1, 1), notice_html(), run=run))
    items.append(make_item("http://www.yk.gov.cn/art/2021/3/1/art_1_1.html", report_html(year=2020), site="yongkang"))
    for item in items:
        item.result.item.content_sha256 = hashlib.sha256(item.body).hexdigest()
        store.save_page(item)
    # the current report of each page, as the pipelines produced it
    current = {}
    for item in items:
        if item.result.is_report:
            current[item.url] = item.result.item
    return current


def normalised(item: ReportItem) -> dict:
    return json.loads(json.dumps(item.to_dict(), ensure_ascii=False))


def test_jsonl_round_trips_every_report_field(db_url, stored, tmp_path):
    out = tmp_path / "reports.jsonl"
    assert main(["export", "--format", "jsonl", "--out", str(out), "--db", db_url]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    exported = {json.loads(line)["url"]: json.loads(line) for line in lines}
    assert set(exported) == set(stored)  # one line per page: current versions only, no notice
    for url, item in stored.items():
        # every field of the contract, and the body's identity beside the printed agency
        assert set(exported[url]) == set(REPORT_FIELDS) | set(BODY_COLUMNS)
        site = SITES[item.site]
        assert {k: exported[url][k] for k in BODY_COLUMNS} == {
            "body_key": site.key, "body_name": site.agency, "body_region": site.region}
        assert {k: v for k, v in exported[url].items() if k not in BODY_COLUMNS} == normalised(item)
        assert ReportItem.from_dict(exported[url]) == ReportItem.from_dict(normalised(item))
    edited = exported[BASE.format(2021, 2021)]
    assert edited["content_sha256"] == hashlib.sha256(report_html(year=2021, proactive=9999)).hexdigest()
    assert edited["fetched_at"] == "2026-11-01T08:30:00Z" and edited["status"] == 200


def test_jsonl_to_stdout_with_filters(db_url, stored, capsys):
    assert main(["export", "--format", "jsonl", "--out", "-", "--site", "zhaoqing", "--year", "2020", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["url"] for line in lines] == [BASE.format(2020, 2020)]


def test_csv_reports_and_long_statistics(db_url, stored, tmp_path):
    out = tmp_path / "zq.csv"
    assert main(["export", "--format", "csv", "--out", str(out), "--db", db_url, "--site", "zhaoqing"]) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        reports = list(csv.DictReader(f))
    with open(tmp_path / "zq.stats.csv", encoding="utf-8-sig", newline="") as f:
        stats = list(csv.DictReader(f))
    zq = {u: i for u, i in stored.items() if i.site == "zhaoqing"}
    assert sorted(r["url"] for r in reports) == sorted(zq)
    assert all(r["content_sha256"] and r["fetched_at"] and r["harvest_run"] for r in reports)
    expected = sorted((i.url, s.key, float(s.value)) for i in zq.values() for s in i.stats)
    assert expected, "the test reports must carry statistics"
    assert sorted((s["url"], s["key"], float(s["value"])) for s in stats) == expected
    assert all(s["report_id"] and s["content_sha256"] and s["parser_version"] for s in stats)
    for report in reports:
        assert int(report["stats_count"]) == len(zq[report["url"]].stats)


def test_parquet_into_a_directory(db_url, stored, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["export", "--format", "parquet", "--out", str(tmp_path) + "/", "--db", db_url]) == 0
    reports = pq.read_table(tmp_path / "reports.parquet").to_pylist()
    stats = pq.read_table(tmp_path / "stats.parquet").to_pylist()
    assert sorted(r["url"] for r in reports) == sorted(stored)
    assert {r["report_year"] for r in reports} == {i.report_year for i in stored.values()}
    expected = sorted((i.url, s.key, float(s.value)) for i in stored.values() for s in i.stats)
    assert sorted((s["url"], s["key"], s["value"]) for s in stats) == expected


def test_export_errors_are_one_line(tmp_path, capsys):
    missing = tmp_path / "none.db"
    assert main(["export", "--format", "jsonl", "--out", "-", "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and not missing.exists()
    assert main(["export", "--format", "csv", "--out", "-", "--db", str(missing)]) == 2
    assert "two files" in capsys.readouterr().err


def test_current_views_on_both_backends(store, stored):
    """current_reports / current_statistics (migration 0006) answer on SQLite and PostgreSQL:
    current versions only, the body's identity, values in the normalised unit of harvester.units."""
    from sqlalchemy import text

    from harvester.units import normalise

    with store.engine.connect() as conn:
        reports = conn.execute(text("select body_key, body_name, report_year, url from current_reports")).all()
        stats = conn.execute(text("select body_key, key, value, unit, value_printed, unit_printed "
                                  "from current_statistics")).all()
    assert {r.url for r in reports} == set(stored)
    assert {(r.body_key, r.body_name) for r in reports} == {(s, SITES[s].agency) for s in ("zhaoqing", "yongkang")}
    expected = sorted((i.site, s.key) for i in stored.values() for s in i.stats)
    assert sorted((s.body_key, s.key) for s in stats) == expected
    for s in stats:
        measure = normalise(s.key, float(s.value_printed), s.unit_printed)
        assert float(s.value) == pytest.approx(float(measure.value)) and s.unit == measure.unit
