from __future__ import annotations

import pathlib

import pytest

PAGES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "pages"
GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden"

FIXTURE_URLS = {
    "zhaoqing": "http://www.zhaoqing.gov.cn/gkmlpt/content/0/278/post_278643.html",
    "yongkang": "https://www.yk.gov.cn/art/2013/3/29/art_1229188257_1446516.html",
    "yuxi": "https://www.yn.gov.cn/zwgk/zfxxgkpt/zfxxgknb/zfxxgknb2017/zsndbg2017/201912/t20191225_186257.html",
    "xuancheng": "https://gdb.xuancheng.gov.cn/XxgkAnnualReport/show/2045.html",
    "panzhihua": "http://www.panzhihua.gov.cn/zfxxgk1/zfxxgknb/xxgknb/524893.shtml",
}


@pytest.fixture(scope="session")
def fixture_pages() -> dict[str, bytes]:
    return {site: (PAGES / f"{site}.html").read_bytes() for site in FIXTURE_URLS}
