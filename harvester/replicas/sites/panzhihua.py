"""攀枝花 — an old Sichuan static site.

What is special: every page is GBK bytes whose charset is declared only in
``<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`` (the HTTP header says
plain ``text/html``), characters outside GBK become ``&#NNNN;``; listings are static
``index.shtml``, ``index_2.shtml`` … chained by a ``下一页`` pager link; items sit in
``div.boxPzh15_con > ul > li`` (five per ``ul``, titles prefixed "·  "); attachments (.doc/.xls)
hide behind 点击下载此文件 links.
"""

from __future__ import annotations

import re

from ..model import AttachmentSpec, Document
from . import render
from .base import Request, Response, SiteReplica
from .render import esc

COLUMN = "/zfxxgk1/zfxxgknb/xxgknb/"
LIST_RE = re.compile(r"^/zfxxgk1/zfxxgknb/xxgknb/index(?:_(\d+))?\.shtml$")
DETAIL_RE = re.compile(r"^/zfxxgk1/zfxxgknb/xxgknb/(\d+)\.shtml$")
ITEMS_PER_UL = 5

STYLE = render.BodyStyle(
    heading="<p><b>{text}</b></p>",
    para='<p style="text-indent:2em">{text}</p>',
    table_attrs='border="1" cellspacing="0" cellpadding="2" width="100%"',
    seed_lines="br",
)

HEADER = (
    '<div class="boxPzh_top"><a href="/">攀枝花市人民政府</a> <a href="/zfxxgk1/">政府信息公开</a> '
    '<a href="/">繁体</a> <a href="/wza/">无障碍</a></div>\n'
    '<div class="boxPzh_nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a> '
    '<a href="/hdjl/">互动交流</a> <a href="/zjpzh/">走进攀枝花</a></div>\n'
    '<div class="boxPzh_crumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/zfxxgk1/">政府信息公开</a> &gt; '
    f'<a href="/zfxxgk1/zfxxgknb/">政府信息公开年报</a> &gt; <a href="{COLUMN}index.shtml">信息公开年报</a></div>'
)
FOOTER = render.footer(
    sponsor="攀枝花市人民政府办公室",
    organizer="攀枝花市大数据中心",
    site_code="5104000001",
    icp="蜀ICP备05003246号",
    police="川公网安备 51040202000101号",
)


def listing_name(page: int) -> str:
    return "index.shtml" if page == 1 else f"index_{page}.shtml"


class PanzhihuaReplica(SiteReplica):
    key = "panzhihua"
    page_size = 10
    charset = "gbk"

    def detail_path(self, doc: Document) -> str:
        return f"{COLUMN}{doc.doc_id}.shtml"

    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        return f"{COLUMN}W0{doc.published:%Y%m%d}{doc.doc_id}/{spec.filename}"

    def image_path(self, doc: Document, filename: str) -> str:
        return self.attachment_path(doc, 0, AttachmentSpec(filename, filename, "image"))

    def content_type(self) -> str:
        return "text/html"  # the charset is only in the page's <meta>, as on the real server

    def page(self, title: str, body: str) -> str:
        return render.page(title, body, charset="gb2312")

    def not_found(self) -> Response:
        return self.html(render.not_found_page(self.site.agency, charset="gb2312"), 404)

    # ----------------------------------------------------------------- routes
    def route(self, request: Request) -> Response | None:
        path = request.path
        match = LIST_RE.match(path)
        if match:
            if match.group(1) == "1":
                return None  # the first page is index.shtml; there is no index_1.shtml
            return self.listing_page(int(match.group(1) or 1))
        match = DETAIL_RE.match(path)
        if match:
            entry = self.docs_by_path().get(path)
            return self.detail_response(entry) if entry else None
        if path.startswith(COLUMN):
            return self.serve_attachment(path)
        return None

    def listing_page(self, page: int) -> Response | None:
        entries = self.listed_entries()
        size = self.listing_page_size(len(self.entries()))
        count = max(1, -(-len(entries) // size))
        if page < 1 or page > count:
            return None
        chunk = entries[(page - 1) * size : page * size]
        uls = []
        for start in range(0, len(chunk), ITEMS_PER_UL):
            lis = "\n".join(
                f'<li><a href="{esc(e.path)}" target="_blank" title="{esc(e.title)}">·  {esc(e.title)}</a>'
                f"<span>{e.date.isoformat()}</span></li>"
                for e in chunk[start : start + ITEMS_PER_UL]
            )
            uls.append(f"<ul>\n{lis}\n</ul>")
        pager = [f"<span>共{count}页</span>", f'<a class="default_pgBtn default_pgFirst" href="{listing_name(1)}">首页</a>']
        if page > 1:
            pager.append(f'<a class="default_pgBtn default_pgPrev" href="{listing_name(page - 1)}">上一页</a>')
        if page < count:
            pager.append(f'<a class="default_pgBtn default_pgNext" href="{listing_name(page + 1)}">下一页</a>')
        pager.append(f'<a class="default_pgBtn default_pgLast" href="{listing_name(count)}">尾页</a>')
        body = (
            f'{HEADER}\n<div class="boxPzh15"><div class="boxPzh15_tit">信息公开年报</div>\n'
            f'<div class="boxPzh15_con">\n{"".join(uls)}\n</div>\n'
            f'<div class="default_pg">{" ".join(pager)}</div></div>\n{FOOTER}'
        )
        return self.html(self.page("信息公开年报-攀枝花市人民政府", body))

    # ----------------------------------------------------------------- detail
    def render_detail(self, doc: Document) -> str:
        content = render.render_body(doc, STYLE, lambda f: self.image_path(doc, f), include_title=True)
        attachments = "".join(
            f'<p>{esc(spec.name)} <a href="{esc(path)}" target="_blank">点击下载此文件</a></p>'
            for path, spec in self.file_attachments(doc)
        )
        source = doc.source or doc.publisher
        body = (
            f'{HEADER}\n<div class="boxPzh_con"><h1 class="boxPzh_title">{esc(doc.title)}</h1>\n'
            f'<div class="boxPzh_info">www.panzhihua.gov.cn　发布时间：{doc.published.isoformat()}　来源：{esc(source)}　'
            '选择阅读字号：[ <a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> '
            f'<a href="javascript:doZoom(12)">小</a> ]　阅读次数：{render.view_count(doc.doc_id)}</div>\n'
            f'<div class="Zoom" id="Zoom">\n{content}\n</div>\n<div class="fujian">{attachments}</div>\n'
            f"{render.share_bar()}</div>\n{FOOTER}"
        )
        return self.page(f"{doc.title}-攀枝花市人民政府", body)
