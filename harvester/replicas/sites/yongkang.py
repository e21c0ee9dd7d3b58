"""永康 — Hanweb JCMS (大汉).

What is special: the column page embeds only the first group of records as XML in a
``<script type="text/xml"><datastore>`` and hands the rest to the ``jpage`` plugin, which POSTs
to ``/module/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P`` with the column's
parameters as form fields; the answer is an XML datastore with ``<totalrecord>`` and CDATA
records. Details live under ``/art/YYYY/M/D/art_<column>_<id>.html`` with Hanweb's
``<!--<$[信息内容]>begin-->`` markers and ``ContentStart``/``ContentEnd`` metas.
"""

from __future__ import annotations

from urllib.parse import quote

from ..model import AttachmentSpec, Document
from . import render
from .base import Entry, Request, Response, SiteReplica
from .render import esc

COLUMN_ID = "1229188257"
UNIT_ID = "6804595"
WEB_ID = "3586"
WEBNAME = "永康市人民政府"
GROUP_SIZE = 3  # pages per group: the inline datastore holds the first group

STYLE = render.BodyStyle(
    heading='<p style="text-indent:2em;"><strong>{text}</strong></p>',
    para='<p style="text-indent:2em;line-height:1.75;">{text}</p>',
)

HEADER = (
    '<div class="top"><span>您好，欢迎访问永康市人民政府门户网站！</span> <a href="/wza/">无障碍</a> | '
    '<a href="/col/col1229188250/index.html">政务公开</a> | <a href="/">繁體</a></div>\n'
    '<div class="head"><a href="/"><img src="/images/logo.png" alt="中国永康" /></a></div>\n'
    '<div class="nav"><a href="/">首页</a> <a href="/col/col1229188250/index.html">政务公开</a> '
    '<a href="/col/col1229188251/index.html">政务服务</a> <a href="/col/col1229188252/index.html">互动交流</a> '
    '<a href="/col/col1229188253/index.html">走进永康</a></div>'
)
BREADCRUMB = (
    '<div class="bt-position">您当前所在位置：<a href="/">首页</a><br />&gt;&gt; '
    '<a href="/col/col1229188250/index.html">政务公开</a> &gt;&gt; <a href="/col/col1229188255/index.html">信息公开目录</a>'
    ' &gt;&gt; <a href="/col/col1229188256/index.html">市政府及办公室</a> &gt;&gt; '
    f'<a href="/col/col{COLUMN_ID}/index.html">公开年报</a></div>'
)
FOOTER = render.footer(
    sponsor="永康市人民政府办公室",
    organizer="永康市大数据发展管理局",
    site_code="3307840001",
    icp="浙ICP备05014089号",
    police="浙公网安备 33078402100163号",
)


def record_html(entry: Entry, base_url: str) -> str:
    title = esc(entry.title)
    return (
        f'<li><a href="{base_url}{entry.path}" title="{title}" target="_blank">{title}</a>'
        f"<span>{entry.date.isoformat()}</span></li>"
    )


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class YongkangReplica(SiteReplica):
    key = "yongkang"
    page_size = 5

    def detail_path(self, doc: Document) -> str:
        d = doc.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{COLUMN_ID}_{doc.doc_id}.html"

    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        return f"/module/download/downfile.jsp?classid=0&filename={quote(spec.filename)}"

    def image_path(self, doc: Document, filename: str) -> str:
        return f"/picture/0/{doc.published:%y%m%d}/{filename}"

    # ------------------------------------------------------------------ routes
    def route(self, request: Request) -> Response | None:
        path = request.path
        if path == f"/col/col{COLUMN_ID}/index.html":
            return self.html(self.column_page(request.base_url))
        if path == "/module/jpage/dataproxy.jsp":
            if request.method != "POST":
                return self.html(render.page("HTTP Status 405 – Method Not Allowed",
                                             "<h1>HTTP Status 405 – Method Not Allowed</h1>"
                                             "<p>Request method 'GET' not supported</p>"), 405)
            return self.dataproxy(request)
        if path == "/module/download/downfile.jsp":
            filename = request.query.get("filename", "")
            return self.serve_attachment(f"{path}?classid=0&filename={quote(filename)}")
        if path.startswith("/art/"):
            entry = self.docs_by_path().get(path)
            return self.detail_response(entry) if entry else None
        if path.startswith("/picture/"):
            return self.serve_attachment(path)
        return None

    def per_page(self) -> int:
        return self.listing_page_size(len(self.entries()))

    def column_page(self, base_url: str) -> str:
        entries = self.listed_entries()
        per_page = self.per_page()
        first_group = entries[: per_page * GROUP_SIZE]
        records = "\n".join(f"<record>{cdata(record_html(e, base_url))}</record>" for e in first_group)
        next_group = cdata(
            f'<a href="/module/jpage/dataproxy.jsp?page=1&appid=1&webid={WEB_ID}&path=/&columnid={COLUMN_ID}'
            f'&unitid={UNIT_ID}&webname={WEBNAME}&permissiontype=0"></a>'
        )
        script = (
            f"<script>var param_{UNIT_ID} = {{col:1,appid:1,webid:{WEB_ID},path:'/',columnid:{COLUMN_ID},"
            f"sourceContentType:1,unitid:'{UNIT_ID}',webname:'{WEBNAME}',permissiontype:0}};\n"
            f"$('#{UNIT_ID}').jpage({{dataStore:dataStore,proxyUrl:'/module/jpage/dataproxy.jsp',"
            f"totalRecord:{len(entries)},perPage:{per_page},groupSize:{GROUP_SIZE},barPosition:'bottom',"
            f"ajaxParam:param_{UNIT_ID},showMode:'full'}});</script>"
        )
        body = (
            f"{HEADER}\n{BREADCRUMB}\n"
            '<div class="main"><div class="left-nav"><ul><li><a href="/col/col1229188256/index.html">市政府及办公室</a></li>'
            f'<li class="on"><a href="/col/col{COLUMN_ID}/index.html">公开年报</a></li></ul></div>\n'
            '<div class="right-list"><div class="list-title">公开年报</div>\n'
            f'<div id="{UNIT_ID}"><script type="text/xml"><datastore>\n<nextgroup>{next_group}</nextgroup>\n'
            f"<recordset>\n{records}\n</recordset>\n</datastore></script></div>\n{script}</div></div>\n{FOOTER}"
        )
        return render.page("公开年报 永康市人民政府", body, head_extra='<script src="/module/jslib/jquery/jquery.js"></script>\n'
                           '<script src="/module/jslib/jpage/jpage.js"></script>\n')

    def dataproxy(self, request: Request) -> Response:
        fields = {**request.query, **request.form}
        valid = (
            fields.get("columnid") == COLUMN_ID and fields.get("unitid") == UNIT_ID and fields.get("webid") == WEB_ID
        )
        entries = self.listed_entries() if valid else []
        try:
            start = max(1, int(request.query.get("startrecord", "1")))
            end = int(request.query.get("endrecord", str(start + 59)))
            per_page = max(1, int(request.query.get("perpage", str(self.per_page()))))
        except ValueError:
            entries, start, end, per_page = [], 1, 0, 1
        chunk = entries[start - 1 : end]
        records = "\n".join(f"<record>{cdata(record_html(e, request.base_url))}</record>" for e in chunk)
        total_pages = -(-len(entries) // per_page)
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<totalrecord>{len(entries)}</totalrecord>\n<totalpage>{total_pages}</totalpage>\n"
            f"<recordset>\n{records}\n</recordset>\n</datastore>\n"
        )
        return Response(200, xml.encode("utf-8"), "text/xml; charset=UTF-8")

    # ------------------------------------------------------------------ detail
    def render_detail(self, doc: Document) -> str:
        pub = f"{doc.published.isoformat()} 00:00"
        source = doc.source or "市府办"
        content = render.render_body(doc, STYLE, lambda f: self.image_path(doc, f), include_title=False)
        attachments = "".join(
            f'<p>附件：<a href="{esc(path)}">{esc(spec.name)}</a></p>'
            for path, spec in self.file_attachments(doc)
        )
        metadata = (
            '<table class="xxgk-table" width="100%"><tbody>\n'
            f'<tr><td class="lm">索引号：</td><td>{esc(doc.index_no or "")}</td><td class="lm">发布机构：</td>'
            f'<td>{esc(doc.publisher)}</td><td class="lm">发文时间：</td><td>{doc.published.isoformat()}</td></tr>\n'
            f'<tr><td class="lm">文号：</td><td>{esc(doc.doc_no or "")}</td><td class="lm">主题分类：</td>'
            f'<td>{esc(doc.category or "综合政务")}</td><td class="lm">登记号：</td><td></td></tr>\n'
            '<tr><td class="lm">有效性：</td><td></td><td class="lm">公开方式：</td><td>主动公开</td>'
            '<td class="lm">公开范围：</td><td>面向全社会</td></tr>\n</tbody></table>'
        )
        body = (
            f"{HEADER}\n{BREADCRUMB}\n<div class=\"con_article\">{metadata}\n"
            f'<div class="con_article-title"><h1>{esc(doc.title)}</h1></div>\n'
            f'<div class="con_article-info">来源：<!--<$[信息来源]>begin-->{esc(source)}<!--<$[信息来源]>end--> '
            f"发布时间：{pub} 浏览次数：<span>{render.view_count(doc.doc_id)}</span></div>\n"
            f"{render.share_bar()}\n"
            '<div class="con_article-bd"><div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin-->'
            f'<meta name="ContentStart">\n{content}\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->'
            f"<!--<$[信息内容]>end--></div>\n{attachments}</div>\n"
            '<div class="con_article-tool"><a href="javascript:window.print()">【打印本页】</a> '
            '<a href="javascript:window.close()">【关闭窗口】</a></div></div>\n'
            f"{FOOTER}"
        )
        head = (
            f'<meta name="ArticleTitle" content="{esc(doc.title)}">\n<meta name="PubDate" content="{pub}">\n'
            f'<meta name="ContentSource" content="{esc(source)}">\n<meta name="ColumnName" content="公开年报">\n'
            f'<meta name="i_columnid" content="{COLUMN_ID}">\n<meta name="i_articleid" content="{doc.doc_id}">\n'
        )
        return render.page(f"{doc.title} 永康市人民政府", body, head_extra=head)
