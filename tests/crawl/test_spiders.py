"""Each spider, crawling its replica through the site's own navigation, finds exactly the
manifest's reports: none missed, no non-report stored as a report, the dead link and the
duplicate listing entry handled."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import opencc
import pytest

from harvester.replicas import manifest, manifest_all
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}

from .conftest import exported_reports, last_run_stats, scrapy_crawl

pytestmark = pytest.mark.slow


#: A pinyin annotation left by a Traditional converter: 關(guān)
PINYIN_ANNOTATION = re.compile(r"[\u4e00-\u9fff]\([a-züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)")
#: Site chrome and injected spam that must never reach a report body.
CHROME = ("ICP备", "网站标识码", "公网安备", "当前位置", "所在位置", "分享到", "浏览次数", "欧州杯", "主办：", "主办:")
T2S = opencc.OpenCC("t2s")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("site", list(SITES))
def test_spider_finds_exactly_the_manifest_reports(site, replicas, tmp_path):
    db = tmp_path / "harvest.db"
    result = scrapy_crawl(site, replicas.base_urls[site], db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]

    expected = {path_of(e["url"]) for e in manifest(base_urls=replicas.base_urls, site=site)}
    stored = exported_reports(db, site)
    found = {path_of(r["url"]) for r in stored}
    assert found == expected, {"missed": sorted(expected - found), "not in manifest": sorted(found - expected)}
    # one stored report per page, with its provenance
    assert len(stored) == len(found)
    for report in stored:
        assert report["site"] == site
        assert report["content_sha256"] and len(report["content_sha256"]) == 64
        assert report["fetched_at"] and report["status"] == 200 and report["final_url"]
        assert report["parser_version"]
        assert report["report_year"]
        body = report["body_text"]
        assert T2S.convert(body) == body, f"Traditional characters left in {report['url']}"
        assert not PINYIN_ANNOTATION.search(body), (report["url"], PINYIN_ANNOTATION.search(body))
        assert not [c for c in CHROME if c in body], (report["url"], [c for c in CHROME if c in body])

    everything = manifest_all(base_urls=replicas.base_urls, site=site)
    non_reports = {path_of(e["url"]) for e in everything if e.get("kind") not in (None, "report")}
    assert non_reports, "the replica column holds non-reports"
    assert not (non_reports & found)

    stats = last_run_stats(db, site)["stats"]
    assert stats.get("harvester/dead_links") == 1, stats
    assert stats.get("harvester/duplicate_listing_entries", 0) >= 1, stats
    # Listing fetches: a Hanweb fetch is a group of 3 pages (inline group + one POST here).
    assert stats.get("harvester/listing_pages", 0) >= (2 if site == "yongkang" else 3), stats
