"""A report page and its files become one report item (harvester.files.report.apply_files)."""

from __future__ import annotations

from harvester.files.report import apply_files, read_attachment
from harvester.parsing import parse_page
from harvester.replicas import filegen

PAGE = """<html><head><title>某县2016年政府信息公开工作年度报告</title></head><body>
<div class="article"><h1>某县2016年政府信息公开工作年度报告</h1>
<p>一、概述</p><p>2016年，我县认真贯彻落实《条例》，主动公开政府信息1200条。全年收到政府信息公开申请20件，均已按时答复。</p>
<p>二、主动公开政府信息情况</p><p>通过政府网站公开信息900条。</p>
<p>三、依申请公开情况</p><p>依法办理申请，做到应答尽答。</p>
<p>四、行政复议和行政诉讼情况</p><p>未发生因政府信息公开引起的行政复议和行政诉讼。</p>
<p>某县人民政府办公室</p><p>2017年3月1日</p>
<p><a href="/files/tongji.xls">附件：2016年政府信息公开情况统计表.xls</a></p>
</div></body></html>"""


def _page(html: str = PAGE):
    return parse_page("http://example.gov.cn/art/2017/3/1/art_1.html", html.encode(), {"content-type": "text/html; charset=utf-8"})


def test_statistics_from_a_spreadsheet_join_the_page_item():
    result = _page()
    assert result.is_report and [a.kind for a in result.item.attachments] == ["xls"]
    xls = filegen.table_xls("2016年政府信息公开情况统计表", [[
        ["指标名称", "单位", "数量"], ["主动公开政府信息数", "条", "1200"], ["收到申请数", "件", "22"],
        ["其中：当面申请数", "件", "5"], ["网上申请数", "件", "17"]]])
    attachment = result.item.attachments[0]
    merged = apply_files(result, [read_attachment(attachment, xls, "application/vnd.ms-excel")])
    stats = {s.key: s for s in merged.item.stats}
    # the page's prose says 20, the file's table 22: the table wins, with a warning
    assert stats["requests.received"].value == 22 and stats["requests.received"].origin == attachment.name
    assert any("requests.received = 22 in the file, 20 on the page" in w for w in merged.item.warnings)
    # the same value on both sides: the page's stays, no warning
    assert stats["proactive.total"].origin is None and stats["proactive.total"].source == "text"
    # keys only the file has
    assert stats["requests.channel.in_person"].value == 5 and stats["requests.channel.in_person"].source == "table"
    assert stats["requests.channel.online"].origin == attachment.name
    assert merged.item.tables[-1]["origin"] == attachment.name


def test_a_cover_page_becomes_the_report_its_file_holds(modern_doc, files):
    cover = ('<html><head><title>{t}</title></head><body><div class="article"><h1>{t}</h1><p>（详见附件）</p>'
             '<p><a href="/files/report.docx">{t}.docx</a></p></div></body></html>').format(t=modern_doc.title)
    result = _page(cover)
    assert not result.is_report
    attachment = result.item.attachments[0]
    merged = apply_files(result, [read_attachment(attachment, files["docx"])])
    assert merged.is_report and merged.reason.startswith("report published as a file")
    item = merged.item
    assert [s.title for s in item.sections if s.level == 1] == modern_doc.expected["section_titles"]
    stats = {s.key: s.value for s in item.stats}
    assert all(stats.get(k) == v for k, v in modern_doc.expected["stats"].items())
    assert item.signed_date == modern_doc.expected["signed_date"]


def test_an_unreadable_file_is_a_warning_and_the_page_stays():
    result = _page()
    before = {s.key: s.value for s in result.item.stats}
    merged = apply_files(result, [read_attachment(result.item.attachments[0], b"\xd0\xcf\x11\xe0" + b"\0" * 600)])
    assert merged.is_report and {s.key: s.value for s in merged.item.stats} == before
    assert any(w.startswith("attachment 附件：2016年政府信息公开情况统计表.xls: not read:") for w in merged.item.warnings)
