"""Every registry body on the replicas, no per-body code: one harvest of all replicas (six
sites, twenty bodies and more) finds exactly every manifest report; pingtan's real pages give
each captured report once, as a report, with its year and body, and not the letter; a column
crawled by URL alone (platform detected) finds what its registry rows find; a body added as one
row of a user registry file is crawled; coverage reads the harvest."""

from __future__ import annotations

import json
import os
from collections import Counter
from urllib.parse import urlsplit

import pytest

from harvester import registry
from harvester.replicas import CURRENT_EDITION, ReplicaOptions, ReplicaServer, hosting, manifest, manifest_all
from harvester.replicas.sites.pingtan import PingtanReplica, corpus_dir
from harvester.sites import SITES

from .conftest import exported_reports, harvester_cli, scrapy_crawl

pytestmark = pytest.mark.slow


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    """One `harvester harvest --replica` of every body a replica serves, into one database."""
    db = tmp_path_factory.mktemp("all") / "harvest.db"
    out = harvester_cli("harvest", "--replica", "--port", "0", "--db", str(db), "--renderer", "none",
                        "--progress", "off", "--full")
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    return db, out


def test_one_harvest_of_all_replicas_finds_exactly_every_manifest_report(harvested):
    db, out = harvested
    served = hosting.servable()
    if not PingtanReplica.available():
        assert "pingtan" not in served
        print(f"pingtan skipped: {PingtanReplica.unavailable_reason()}")
    assert len(served) >= 20 - (0 if PingtanReplica.available() else 1)
    owners = {hosting.owner_of(SITES[k]) for k in served}
    assert len(owners & {"zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua", "pingtan"}) >= (
        6 if PingtanReplica.available() else 5)
    stored = exported_reports(db)
    found = Counter((r["site"], path_of(r["url"])) for r in stored)
    expected = {(e["site"], e["path"]) for e in manifest(edition=CURRENT_EDITION)}
    assert set(found) == expected, {"missed": sorted(expected - set(found))[:10],
                                    "not in manifest": sorted(set(found) - expected)[:10]}
    assert max(found.values()) == 1  # each report once
    assert {s for s, _ in found} == set(served)
    # the non-reports of every column (notices, work plans, news, the letter) are not reports
    others = {(e["site"], e["path"]) for e in manifest_all(edition=CURRENT_EDITION)
              if e["kind"] not in ("report", "dead_link")}
    assert others and not (others & set(found))
    by_key = {(e["site"], e["path"]): e for e in manifest(edition=CURRENT_EDITION)}
    for r in stored:
        assert r["report_year"] == by_key[(r["site"], path_of(r["url"]))]["year"], r["url"]


@pytest.mark.skipif(not PingtanReplica.available(), reason=PingtanReplica.unavailable_reason())
def test_pingtan_real_pages_each_captured_report_once_as_a_report(harvested):
    db, _ = harvested
    index = json.loads((corpus_dir() / "index.json").read_text("utf-8"))
    stored = {path_of(r["url"]): r for r in exported_reports(db, "pingtan")}
    problems = []
    for name, record in index.items():
        path = path_of(record["url"])
        if record["kind"] == "report":
            golden = json.loads((corpus_dir() / record["golden"]).read_text("utf-8"))
            report = stored.get(path)
            if report is None:
                problems.append(f"{name}: not stored as a report")
            elif report["report_year"] != golden["report_year"] or report["site"] != "pingtan":
                problems.append(f"{name}: year {report['report_year']} site {report['site']}")
        elif record["kind"] == "not_report":
            assert path not in stored, f"{name} (the letter) stored as a report"
    assert not problems, problems


PLATFORM_COLUMNS = {"gkmlpt": "zq-dinghu", "hanweb": "yongkang", "trs": "yuxi", "anhui": "xuancheng",
                    "static": "panzhihua", "trs (list2.trsapi)": "pingtan"}


@pytest.mark.parametrize("platform", list(PLATFORM_COLUMNS))
def test_harvest_by_url_finds_what_the_registry_rows_find(replicas, tmp_path, platform):
    key = PLATFORM_COLUMNS[platform]
    if key not in replicas.base_urls:
        pytest.skip(PingtanReplica.unavailable_reason())
    url = replicas.entry_urls()[key]
    db = tmp_path / "url.db"
    out = harvester_cli("harvest", "--url", url, "--db", str(db), "--progress", "off", "--renderer", "none",
                        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    stored = exported_reports(db)
    keys = {r["site"] for r in stored}
    assert len(keys) == 1 and keys.pop().startswith(f"web-127-0-0-1-{urlsplit(url).port}-")
    # every registry body whose column this is (the Yunnan cities share the portal's column)
    sharing = [k for k in hosting.servable() if SITES[k].entry_url == SITES[key].entry_url]
    expected = {e["path"] for k in sharing for e in manifest(site=k)}
    assert {path_of(r["url"]) for r in stored} == expected


def test_a_body_added_as_one_registry_row_is_crawled(tmp_path):
    user = tmp_path / "mine.toml"
    out = harvester_cli("add-body", "zq-gaj", "肇庆市公安局", "http://www.zhaoqing.gov.cn/zqgaj/gkmlpt/index",
                        "--level", "department", "--region", "广东省肇庆市", "--code", "441200",
                        "--parent", "zhaoqing", "--column-name", "政府信息公开年报", "--append", str(user))
    assert out.returncode == 0, out.stderr
    registry.reload([user])
    try:
        with ReplicaServer(sites=["zq-gaj"], options=ReplicaOptions()) as server:
            db = tmp_path / "h.db"
            env_before = os.environ.get("HARVESTER_REGISTRY")
            os.environ["HARVESTER_REGISTRY"] = str(user)
            try:
                result = scrapy_crawl("zq-gaj", server.base_urls["zq-gaj"], db)
            finally:
                if env_before is None:
                    os.environ.pop("HARVESTER_REGISTRY")
                else:
                    os.environ["HARVESTER_REGISTRY"] = env_before
            assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
            expected = {e["path"] for e in manifest(site="zq-gaj")}
            assert len(expected) >= 8
            stored = exported_reports(db, "zq-gaj")
            assert {path_of(r["url"]) for r in stored} == expected
            assert {r["site"] for r in stored} == {"zq-gaj"}
    finally:
        registry.reload()


def test_coverage_per_body_and_year_rolled_up(harvested):
    db, _ = harvested
    out = harvester_cli("coverage", "--json", "--db", str(db), "--today", "2026-06-01")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    bodies = {b["key"]: b for b in data["bodies"]}
    for key in hosting.servable():
        years = {e["year"] for e in manifest(edition=CURRENT_EDITION, site=key)}
        cov = bodies[key]
        listed = [y["year"] for y in cov["years"]]
        assert listed == list(range(min(years), 2026)), key  # through the 2025 report, due 2026-01-31
        for y in cov["years"]:
            assert (y["status"] in ("found", "late")) == (y["year"] in years), (key, y)
            if y["status"] == "late":
                assert y["published"] > y["due"]
    zq = next(r for r in data["rollups"] if r["key"] == "zhaoqing")
    members = ["zhaoqing"] + [b.key for b in registry.descendants("zhaoqing")]
    assert zq["bodies"] == len(members) >= 9
    for status in ("found", "late", "missing", "withdrawn"):
        assert zq["counts"][status] == sum(bodies[m]["counts"][status] for m in members)
    # a report gone from its site (kept in the archive) is withdrawn
    import shutil
    import sqlite3

    copy = db.parent / "withdrawn.db"
    shutil.copy(db, copy)
    gone = next(y for y in bodies["zq-czj"]["years"] if y["status"] == "found")
    with sqlite3.connect(copy) as conn:
        conn.execute("update pages set gone_at = '2026-05-01 00:00:00' where url = ?", (gone["url"],))
    again = json.loads(harvester_cli("coverage", "--json", "--db", str(copy), "--today", "2026-06-01",
                                     "--under", "zq-czj").stdout)
    year = next(y for y in again["bodies"][0]["years"] if y["year"] == gone["year"])
    assert year["status"] == "withdrawn" and year["url"] == gone["url"]
    # the table fits 80 columns
    table = harvester_cli("coverage", "--db", str(db), "--today", "2026-06-01")
    from rich.cells import cell_len

    assert table.returncode == 0 and max(cell_len(line) for line in table.stdout.splitlines()) <= 80
