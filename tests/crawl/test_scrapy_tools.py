"""Scrapy's own tools behave as a Scrapy user expects, over the replicas on loopback:
feeds carry report items, the inspection commands never write into the archive, `scrapy parse`
shows the parsed report, `scrapy check` runs the spiders' contracts, and `-s
HARVESTER_CONTACT_URL` reaches the (ASCII) User-Agent."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.bodies import BODY_COLUMNS
from harvester.feeds import FEED_FIELDS
from harvester.items import REPORT_FIELDS
from harvester.platforms.titles import listing_verdict
from harvester.replicas import manifest, manifest_all

from .conftest import ROOT, scrapy_crawl

pytestmark = pytest.mark.slow


def scrapy(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, input=stdin)


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type='table'")]
        return {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


@pytest.fixture(scope="module")
def feeds(replicas, tmp_path_factory):
    out = tmp_path_factory.mktemp("feeds")
    done = scrapy_crawl("zhaoqing", replicas.base_urls["zhaoqing"], out / "harvest.db",
                        "-O", str(out / "reports.jsonl"), "-O", str(out / "reports.csv"))
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done


def test_jsonl_feed_holds_report_items_marked_by_kind(feeds, replicas):
    out, done = feeds
    assert "Traceback" not in done.stderr and "not JSON serializable" not in done.stderr
    records = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    reports = [r for r in records if r["kind"] == "report"]
    expected = {e["url"] for e in manifest(base_urls=replicas.base_urls, site="zhaoqing")}
    assert {r["url"] for r in reports} == expected
    for r in reports:
        assert set(r) == {"kind", *REPORT_FIELDS, *BODY_COLUMNS}
        assert r["body_key"] == "zhaoqing" and r["report_year"] and r["stats"] and r["content_sha256"]
    others = {r["kind"] for r in records if r["kind"] != "report"}
    # the column's entries whose title says not a report (notices, work plan, news) are not fetched
    listed = {e["kind"] for e in manifest_all(site="zhaoqing") if listing_verdict(e["title"]) != "other"} - {
        "report", "robots_disallowed"}
    assert others == (listed - {"dead_link"}) | {"failed"}
    assert all("body" not in r or isinstance(r["body"], str) for r in records)  # never raw bytes


def test_csv_feed_has_report_columns_and_json_for_nested_fields(feeds, replicas):
    out, _ = feeds
    with open(out / "reports.csv", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == FEED_FIELDS
        rows = list(reader)
    reports = [r for r in rows if r["kind"] == "report"]
    assert len(reports) == len(manifest(site="zhaoqing"))
    for r in reports:
        stats = json.loads(r["stats"])
        assert stats and {"key", "value", "unit", "label", "source"} <= set(stats[0])
        assert isinstance(json.loads(r["sections"]), list) and int(r["report_year"]) > 2000
    assert all("b'" not in r["body_text"][:2] for r in rows)


def test_inspection_commands_never_write_into_the_archive(feeds, replicas):
    out, _ = feeds
    db = out / "harvest.db"
    before = table_counts(db)
    setting = ["-s", f"HARVESTER_DATABASE_URL=sqlite:///{db}"]
    detail = manifest(base_urls=replicas.base_urls, site="zhaoqing")[0]["url"]
    shell = scrapy("shell", detail, *setting, "-s", "LOG_LEVEL=WARNING", stdin="print(response.status)\n")
    assert "200" in shell.stdout, shell.stderr[-2000:]
    fetched = scrapy("fetch", "--nolog", detail, *setting)
    assert fetched.returncode == 0 and "年度报告" in fetched.stdout
    parsed = scrapy("parse", "--spider=zhaoqing", detail, *setting, "-s", "LOG_LEVEL=WARNING")
    assert parsed.returncode == 0, parsed.stderr[-2000:]
    listing = scrapy("parse", "--spider=zhaoqing", replicas.base_urls["zhaoqing"] + "/gkmlpt/index", *setting,
                     "-s", "LOG_LEVEL=WARNING")
    assert listing.returncode == 0
    assert table_counts(db) == before
    # and none of them creates an archive where there was none
    fresh = out / "never.db"
    scrapy("parse", "--spider=zhaoqing", detail, "-s", f"HARVESTER_DATABASE_URL=sqlite:///{fresh}")
    assert not fresh.exists()


def test_scrapy_parse_shows_the_parsed_report_item(replicas):
    entry = manifest(base_urls=replicas.base_urls, site="zhaoqing")[0]
    done = scrapy("parse", "--spider=zhaoqing", entry["url"], "-s", "LOG_LEVEL=WARNING", "--nocolour")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "'kind': 'report'" in done.stdout
    assert f"'report_year': {entry['year']}" in done.stdout
    assert "'body_key': 'zhaoqing'" in done.stdout and "'stats': [" in done.stdout
    assert "\\x" not in done.stdout[:20000]  # not a raw page item with bytes


def test_scrapy_check_runs_contracts_against_the_replicas():
    from harvester.replicas.hosting import servable

    bodies = servable()  # every registry body a replica serves (pingtan needs ../shared)
    done = scrapy("check", *bodies)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Ran {4 * len(bodies)} contracts" in done.stderr and "OK" in done.stderr
    listed = scrapy("check", "--list")
    for site in ("zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua"):
        assert f"{site}\n  * parse\n  * parse_detail" in listed.stdout


def test_report_contract_fails_on_a_page_that_is_not_a_report(replicas):
    import urllib.request

    from scrapy.exceptions import ContractFail

    from harvester.contracts import ReportContract
    from harvester.items import PageItem

    notice = next(e for e in manifest_all(site="zhaoqing", base_urls=replicas.base_urls) if e["kind"] == "notice")
    body = urllib.request.urlopen(notice["url"], timeout=10).read()
    page = PageItem(site="zhaoqing", url=notice["url"], final_url=notice["url"], status=200,
                    headers={"content-type": ["text/html; charset=utf-8"]}, body=body, fetched_at="2026-12-01T00:00:00Z")

    class Spider:
        name = "zhaoqing"

        def parse_detail(self):  # stands for the bound callback
            """@report title"""

    contract = ReportContract(Spider().parse_detail, "title")
    with pytest.raises(ContractFail, match="did not parse as a report"):
        contract.post_process([page])


def test_contact_url_setting_reaches_the_user_agent_in_ascii(replicas, tmp_path):
    replicas.clear_log()
    done = scrapy_crawl("panzhihua", replicas.base_urls["panzhihua"], tmp_path / "h.db",
                        "-s", "HARVESTER_CONTACT_URL=https://example.org/über-uns", "-s", "CLOSESPIDER_PAGECOUNT=2")
    assert done.returncode == 0, done.stderr[-2000:]
    agents = {r.user_agent for r in replicas.request_log if r.site == "panzhihua"}
    assert agents, "no request reached the replica"
    for agent in agents:
        assert agent.isascii() and "https://example.org/%C3%BCber-uns" in agent and agent.startswith("harvester/")
    explicit = scrapy_crawl("panzhihua", replicas.base_urls["panzhihua"], tmp_path / "h2.db",
                            "-s", "USER_AGENT=my-bot/1", "-s", "CLOSESPIDER_PAGECOUNT=1")
    assert explicit.returncode == 0
    assert "my-bot/1" in {r.user_agent for r in replicas.request_log}
