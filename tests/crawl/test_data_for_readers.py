"""Data a journalist can use without SQL, from a real demo harvest of the replicas: the body's
identity on every row (stable over all its reports, the printed name kept beside it), every
statistic with a unit and integers as integers, money in one unit, the current-reports and
current-statistics views, the Datasette canned queries and `harvester browse`."""

from __future__ import annotations

import csv
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict

import pytest

from harvester.replicas import CURRENT_EDITION, hosting, manifest
from harvester.replicas.sites.pingtan import PingtanReplica
from harvester.sites import SITES
from harvester.storage.testing import free_port
from harvester.units import MONEY_FACTORS, MONEY_KEYS, normalise
from without_modules import env_without

from .conftest import ROOT, exported_reports, harvester_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("readers") / "harvest.db"
    out = harvester_cli("demo", "--db", str(db), "--port", str(free_port(len(hosting.host_order()))), "--renderer", "none",
                        "--progress", "off")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return db


@pytest.fixture(scope="module")
def csv_export(demo_db, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("csv")
    done = harvester_cli("export", "--db", str(demo_db), "--format", "csv", "--out", f"{out_dir}/")
    assert done.returncode == 0, done.stderr
    read = lambda name: list(csv.DictReader(open(out_dir / name, encoding="utf-8-sig")))  # noqa: E731
    return read("reports.csv"), read("stats.csv")


def test_body_identity_is_stable_over_every_replica_report(demo_db, csv_export):
    reports = exported_reports(demo_db)
    expected = manifest(edition=CURRENT_EDITION)
    assert len(reports) == len(expected)
    # every body, but pingtan where its real pages (../shared) are absent: its replica serves them
    served = {record["site"] for record in expected}
    assert served == set(SITES) - ({"pingtan"} if not PingtanReplica.available() else set())
    report_rows, stat_rows = csv_export
    for rows in (reports, report_rows, stat_rows):
        identities = defaultdict(set)
        for row in rows:
            identities[row["site"]].add((row["body_key"], row["body_name"], row["body_region"]))
        assert set(identities) == served
        for site, found in identities.items():
            assert found == {(site, SITES[site].agency, SITES[site].region)}, site
    # the name as printed is kept beside it, and it does vary (zhaoqing: 人民政府 / 人民政府办公室)
    printed = {r["agency"] for r in reports if r["site"] == "zhaoqing"}
    assert {"肇庆市人民政府", "肇庆市人民政府办公室"} <= printed


def test_every_statistic_has_a_unit_integers_and_money_in_yuan(csv_export):
    _, rows = csv_export
    assert rows
    for row in rows:
        assert row["unit"], row
        assert row["body_key"] and row["body_name"] and row["body_region"] and row["report_year"], row
        if row["key"] in MONEY_KEYS:
            assert row["unit"] == "元"
            printed_unit = row["unit_printed"] or MONEY_KEYS[row["key"]]
            assert float(row["value"]) == pytest.approx(float(row["value_printed"]) * MONEY_FACTORS[printed_unit])
        else:
            assert row["value"] == row["value_printed"]
        if float(row["value"]).is_integer():
            assert "." not in row["value"], row  # a count of 3, never 3.0
    assert {r["unit_printed"] for r in rows if r["key"] == "admin_fees.amount"} & {"万元", ""}


def test_views_agree_with_the_export(demo_db, csv_export):
    _, rows = csv_export
    with sqlite3.connect(demo_db) as conn:
        conn.row_factory = sqlite3.Row
        view = [dict(r) for r in conn.execute("select * from current_statistics order by report_id")]
        reports = conn.execute("select count(*) from current_reports").fetchone()[0]
    assert reports == len(manifest(edition=CURRENT_EDITION))
    assert len(view) == len(rows)
    key = lambda r: (int(r["report_id"]), r["key"], str(r["label"]), str(r["source"]))  # noqa: E731
    exported = {key(r): r for r in rows}
    for r in view:
        e = exported[key(r)]
        assert (r["body_key"], r["body_name"], r["unit"], r["unit_printed"]) == (
            e["body_key"], e["body_name"], e["unit"], e["unit_printed"])
        assert r["value"] == normalise(r["key"], r["value_printed"], r["unit_printed"]).value
        assert isinstance(r["value_printed"], int) or not float(r["value_printed"]).is_integer()


def test_canned_queries_answer_from_the_archive(demo_db):
    metadata = json.loads((ROOT / "harvester" / "storage" / "datasette-metadata.json").read_text(encoding="utf-8"))
    queries = metadata["databases"]["harvest"]["queries"]
    assert {"requests_per_body_per_year", "missing_years_per_body"} <= set(queries)
    with sqlite3.connect(demo_db) as conn:
        missing = conn.execute(queries["missing_years_per_body"]["sql"]).fetchall()
        requests = conn.execute(queries["requests_per_body_per_year"]["sql"]).fetchall()
    years = defaultdict(set)
    for report in manifest(edition=CURRENT_EDITION):
        years[report["site"]].add(report["year"])
    last = max(max(y) for y in years.values())
    expected = {(site, y) for site, ys in years.items() for y in range(2008, last + 1) if y not in ys}
    assert {(key, year) for key, _, year in missing} == expected
    assert {(key, year) for key, _, _, year, _, _ in requests} <= {(s, y) for s, ys in years.items() for y in ys}
    assert len(requests) > len(SITES) * 10 and all(unit == "件" for *_, unit in requests)


def _get_json(url: str, deadline: float) -> dict:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return json.loads(answer.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_browse_serves_the_views_with_facets(demo_db):
    pytest.importorskip("datasette", reason="Datasette is the [browse] extra")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "harvester", "browse", "--db", str(demo_db), "--port",
                                str(port), "--no-open"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        data = _get_json(f"http://127.0.0.1:{port}/harvest/current_reports.json?_extra=facet_results",
                         time.monotonic() + 60)
        assert data["rows"] and "body_name" in data["columns"]
        assert "body_name" in json.dumps(data["facet_results"], ensure_ascii=False)
        canned = _get_json(f"http://127.0.0.1:{port}/harvest/missing_years_per_body.json", time.monotonic() + 30)
        assert canned["rows"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Datasette went with it: nothing listens on the port any more.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.3)
    else:
        raise AssertionError(f"Datasette still serves port {port} after harvester browse was stopped")


def test_browse_without_datasette_says_how_to_install_it(demo_db, tmp_path):
    out = harvester_cli("browse", "--db", str(demo_db), "--no-open", env=env_without(tmp_path, "datasette"))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Datasette is not installed" in lines[0] and "pip install" in lines[0], out.stderr
