"""Any registry body on the Guangdong gkmlpt platform (the zhaoqing districts and departments,
a body a user adds): the zhaoqing replica's platform with the body's own SID, report column and
portal name taken from its registry row, and its documents from :mod:`..corpus_bodies`.

Reproduces what the real platform does for sub-sites: a district has its own domain
(www.zqdz.gov.cn/gkmlpt/index), a city department sits under a path prefix of the city portal
(www.zhaoqing.gov.cn/zqczj/gkmlpt/index) with its API and pages under the same prefix.
"""

from __future__ import annotations

import zlib

from . import render
from .zhaoqing import ZhaoqingReplica, column_tree


class GkmlptReplica(ZhaoqingReplica):
    page_size = 5

    def __init__(self, options, key: str) -> None:
        super().__init__(options, key)
        site = self.site
        seed = zlib.crc32(key.encode("utf-8"))
        self.sid = str(700000 + seed % 99991)
        self.column_id = 6000 + seed % 3000
        self.column_name = site.extra.get("column_name") or "政府信息公开年报"
        self.portal = site.agency
        self.top_nav = (
            f'<div class="header"><a href="/"><img src="/images/logo.png" alt="{render.esc(site.agency)}" /></a></div>\n'
            '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="gkmlpt/index">政府信息公开</a></div>'
        )
        self.footer_html = render.footer(
            sponsor=site.agency, organizer=f"{site.agency}办公室", site_code=f"44{seed % 100000000:08d}",
            icp="粤ICP备05080386号", police=f"粤公网安备 {site.region_code or '441200'}02000{seed % 1000:03d}号")

    def tree(self, report_count: int) -> list[dict]:
        return column_tree(report_count, self.column_id, self.column_name)
