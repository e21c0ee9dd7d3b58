"""The URL rules of harvester.urls as plain functions: which URLs a site's harvest may request
and the canonical form pages are stored under (the crawl-level tests serve them over HTTP)."""

from __future__ import annotations

import pytest

from harvester.middlewares import retry_after_seconds
from harvester.urls import canonical_url, offsite_reason, site_origin

SITE = site_origin("http://www.zhaoqing.gov.cn/gkmlpt/index")


@pytest.mark.parametrize("url, why", [
    ("file://www.zhaoqing.gov.cn/etc/passwd", "scheme file"),
    ("file:///etc/passwd", "scheme file"),
    ("ftp://www.zhaoqing.gov.cn/a.html", "scheme ftp"),
    ("javascript:void(0)", "scheme javascript"),
    ("mailto:gk@zhaoqing.gov.cn", "scheme mailto"),
    ("data:text/html,<b>x</b>", "scheme data"),
    ("//", "scheme (none)"),
    ("http://www.zhaoqing.gov.cn:8080/a.html", "other port 8080"),
    ("http://www.zhaoqing.gov.cn:99999/a.html", "other port"),
    ("http://zhaoqing.gov.cn/a.html", "other host zhaoqing.gov.cn"),
    ("http://www.zhaoqing.gov.cn.evil.example/a.html", "other host"),
    ("http://user@evil.example/a.html", "other host evil.example"),
])
def test_refused(url, why):
    assert why in offsite_reason(url, SITE)


@pytest.mark.parametrize("url", [
    "http://www.zhaoqing.gov.cn/gkmlpt/content/1/1/post_1.html",
    "https://www.zhaoqing.gov.cn/gkmlpt/content/1/1/post_1.html",  # the site moved to https
    "http://WWW.Zhaoqing.GOV.cn:80/a.html",
    "https://www.zhaoqing.gov.cn:443/a.html",
])
def test_allowed(url):
    assert offsite_reason(url, SITE) is None


def test_non_default_port_site_allows_only_its_port():
    origin = site_origin("http://127.0.0.1:8601/gkmlpt/index")
    assert offsite_reason("http://127.0.0.1:8601/x", origin) is None
    assert "other port 80" in offsite_reason("http://127.0.0.1/x", origin)
    assert "other port 8602" in offsite_reason("http://127.0.0.1:8602/x", origin)


@pytest.mark.parametrize("listed, canonical", [
    ("http://www.yk.gov.cn/art/2021/1/5/art_1_2.html?utm_source=weibo&utm_medium=x", "http://www.yk.gov.cn/art/2021/1/5/art_1_2.html"),
    ("http://www.yk.gov.cn/a.html?spm=1.2.3&id=5&from=timeline", "http://www.yk.gov.cn/a.html?id=5"),
    ("HTTP://WWW.YK.GOV.CN:80/A.html#top", "http://www.yk.gov.cn/A.html"),
    ("https://www.yk.gov.cn:443/col/col1/index.html", "https://www.yk.gov.cn/col/col1/"),
    ("http://www.yk.gov.cn/col/col1/index.shtml?b=2&a=1", "http://www.yk.gov.cn/col/col1/?b=2&a=1"),
    ("http://www.yk.gov.cn/col/col1/default.htm", "http://www.yk.gov.cn/col/col1/"),
    ("http://www.yk.gov.cn:8080/x.html", "http://www.yk.gov.cn:8080/x.html"),
    ("http://www.yk.gov.cn", "http://www.yk.gov.cn/"),
    ("http://www.yk.gov.cn/报告 2020.html", "http://www.yk.gov.cn/%E6%8A%A5%E5%91%8A%202020.html"),
    ("http://www.yk.gov.cn/index.html.bak", "http://www.yk.gov.cn/index.html.bak"),
])
def test_canonical_url(listed, canonical):
    assert canonical_url(listed) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_retry_after_values():
    from datetime import datetime, timezone

    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Tue, 01 Dec 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Tue, 01 Dec 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def _spider(base_url: str):
    from scrapy.utils.test import get_crawler

    from harvester.platforms.gkmlpt import GkmlptSpider

    class Spider(GkmlptSpider):
        name = "zhaoqing"

    crawler = get_crawler(Spider)
    crawler._apply_settings()
    return Spider.from_crawler(crawler, base_url=base_url)


def test_refused_pagination_leaves_the_sweep_partial():
    """A listing page whose pagination points off the site: the link is refused and the sweep is
    not complete, so the pages behind it are not marked gone."""
    spider = _spider("http://127.0.0.1:8601")
    assert spider.sweep_complete
    assert spider.listing_request("ftp://127.0.0.1:8601/list_2.html") is None
    assert spider.listing_request("http://127.0.0.1:8602/list_2.html") is None
    assert not spider.sweep_complete
    assert spider.crawler.stats.get_value("harvester/links_refused") == 2


def test_detail_request_goes_to_the_listed_url_and_keys_by_the_canonical_one():
    spider = _spider("http://127.0.0.1:8601")
    listed = "http://127.0.0.1:8601/a/index.html?utm_source=x#top"
    request = spider.detail_request(listed, "http://127.0.0.1:8601/list.html")
    assert request.url == "http://127.0.0.1:8601/a/index.html?utm_source=x"
    assert request.meta["harvester_page_url"] == "http://127.0.0.1:8601/a/"
    assert request.meta["harvester_listed_url"] == "http://127.0.0.1:8601/a/index.html?utm_source=x"
    assert spider.detail_request("http://127.0.0.1:8601/a/?spm=1", None) is None  # the same page again
