"""Fixtures of the storage tests: real databases (SQLite file, PostgreSQL server on loopback)
and page items built from real HTML bytes run through the real clean and parse stages."""

from __future__ import annotations

import importlib.util
import re
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest

from harvester.items import PageItem, ReportItem, Stat

PARSER_LANDED = importlib.util.find_spec("harvester.parsing.parse") is not None


# --- pages ------------------------------------------------------------------------------------


def report_html(year: int = 2020, proactive: int = 1234, agency: str = "肇庆市人民政府", extra: str = "") -> bytes:
    """A report page as a gkmlpt site serves it (metadata block, chrome, body)."""
    title = f"{agency}{year}年政府信息公开工作年度报告"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{year + 1}-03-20"></head>
<body><div class="header"><a href="/">首页</a> &gt; <a href="/gkmlpt/index">政府信息公开</a></div>
<div class="article">
<table class="meta"><tr><td>索引号：</td><td>11441200007190364X/{year + 1}-00012</td><td>分类：</td><td>政府信息公开工作年度报告</td></tr>
<tr><td>发布机构：</td><td>{agency}办公室</td><td>发布日期：</td><td>{year + 1}年03月20日</td></tr></table>
<h1 class="title">{title}</h1>
<div class="article-content">
<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。</p>
<p>一、总体情况</p>
<p>{year}年，{agency}主动公开政府信息{proactive}条，收到政府信息公开申请56件，全部按时办结。</p>
<p>二、主动公开政府信息情况</p>
<p>通过政府网站公开政府信息{proactive - 34}条。{extra}</p>
<p>三、存在的主要问题及改进情况</p>
<p>公开内容还不够全面。</p>
<p>{agency}办公室</p><p>{year + 1}年3月18日</p>
</div></div>
<div class="footer">版权所有：{agency} 主办单位：{agency}办公室</div>
</body></html>""".encode("utf-8")


def notice_html() -> bytes:
    title = "关于做好2021年政府信息公开工作年度报告编制和发布工作的通知"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><div class="article-content"><p>各县（市、区）人民政府，市政府各部门：</p>
<p>请于2022年1月31日前在本机关门户网站公布年度报告。</p><p>特此通知。</p></div></body></html>""".encode("utf-8")


_BASE_TIME = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


def stand_in_parse(url: str, body: bytes, headers, site: str | None):
    """Used only until harvester.parsing.parse lands: real cleaning, a few plain rules."""
    from harvester.cleaning import clean_page
    from harvester.parsing import PARSER_VERSION, ParseResult

    page = clean_page(body, headers, url, site)
    title = page.meta.get("ArticleTitle") or page.page_title or ""
    is_report = "年度报告" in title and "通知" not in title
    year = re.search(r"(\d{4})年", title)
    item = ReportItem(site=site or "", url=url, title=title, body_text=page.text, cleaning=page.cleaning,
                      parser_version=PARSER_VERSION, report_year=int(year.group(1)) if year and is_report else None)
    for match in re.finditer(r"主动公开政府信息(\d+)条", page.text):
        item.stats.append(Stat("proactive.total", int(match.group(1)), "条", match.group(0), "text", "一、总体情况"))
    return ParseResult("report" if is_report else "notice", "stand-in rules", item)


def parse_page(url: str, body: bytes, headers, site: str | None):
    """The project's parser when it has landed, else the stand-in above."""
    if PARSER_LANDED:
        from harvester import parsing

        return parsing.parse_page(url, body, headers, site)
    return stand_in_parse(url, body, headers, site)


@pytest.fixture
def use_parser(monkeypatch):
    """Make re-parse (which calls harvester.parsing.parse_page) work before the parser lands."""
    if not PARSER_LANDED:
        from harvester import parsing

        monkeypatch.setattr(parsing, "parse_page", stand_in_parse)


@pytest.fixture
def make_item() -> Callable[..., PageItem]:
    """Build a PageItem from real bytes and run it through clean + parse, as the pipelines do."""

    def build(url: str, body: bytes, *, site: str = "zhaoqing", run: int | None = None, minutes: int = 0,
              status: int = 200, headers: dict | None = None, parse: bool = True, **extra) -> PageItem:
        item = PageItem(
            site=site,
            url=url,
            final_url=url,
            status=status,
            headers=headers or {"content-type": ["text/html; charset=utf-8"], "etag": ['"abc"']},
            body=body,
            fetched_at=(_BASE_TIME + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            referer="http://www.zhaoqing.gov.cn/gkmlpt/index",
            listing_title=extra.pop("listing_title", None),
            listing_date=extra.pop("listing_date", None),
            harvest_run=run,
            **extra,
        )
        if parse:
            from harvester.cleaning import clean_page

            item.cleaned = clean_page(body, item.headers, url, site)
            item.result = parse_page(url, body, item.headers, site)
            report = item.result.item
            report.fetched_at, report.status, report.final_url, report.harvest_run = item.fetched_at, status, url, run
        return item

    return build
