"""Classification of non-reports, every replica corpus document, and arbitrary input."""

from __future__ import annotations

import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester.items import ReportItem
from harvester.parsing import PageKind, parse_page
from harvester.replicas.corpus import documents
from harvester.replicas.server import ReplicaOptions
from harvester.replicas.sites import REPLICA_CLASSES
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}

from .conftest import nfkc, paragraphs, parse_html

KINDS = set(typing.get_args(PageKind))


def test_notice_about_compiling_reports_is_not_a_report():
    body = paragraphs("""
        各县（区）人民政府，市政府各部门：
        根据《中华人民共和国政府信息公开条例》规定，请各单位于2020年1月31日前编制并公布2019年政府信息公开工作年度报告，
        年度报告应包括主动公开政府信息情况、依申请公开情况等内容，并报市政务公开办备案。
        某市人民政府办公室
        2019年12月20日
    """)
    result = parse_html(body, title="关于做好2019年政府信息公开工作年度报告编制发布工作的通知")
    assert result.kind == "notice"
    assert not result.is_report
    assert result.item.stats == []


def test_work_plan_is_not_a_report():
    body = paragraphs("""
        一、加强主动公开
        全面推进决策、执行、管理、服务、结果公开。
        二、做好依申请公开
        规范依申请公开办理流程。
    """)
    result = parse_html(body, title="某市2020年政务公开工作要点")
    assert result.kind == "work_plan"


def test_news_is_not_a_report():
    body = paragraphs("""
        3月15日，市政府召开全市政务公开工作推进会，总结去年工作，部署今年任务。
        会议强调，要坚持以公开为常态、不公开为例外，持续提升政务公开质量，更好服务群众办事创业。
    """)
    assert parse_html(body, title="我市召开政务公开工作推进会").kind == "news"


def test_list_page():
    links = "".join(f"<li><a href='/art/{i}.html'>某单位{2010 + i}年政府信息公开工作年度报告</a><span>2021-01-{i + 1:02d}</span></li>"
                    for i in range(12))
    assert parse_html(f"<ul>{links}</ul>", title="公开年报").kind == "list"


def test_challenge_and_error_pages():
    challenge = parse_page("https://gdb.xuancheng.gov.cn/x", b"<html><head><script>var $_ts={};document.cookie='a=b';"
                           b"location.reload();</script></head><body></body></html>", None, "xuancheng")
    assert challenge.kind == "challenge"
    error = parse_page("http://x.gov.cn/a", "<html><body><h1>404 页面不存在</h1></body></html>".encode(), None, None)
    assert error.kind == "error"
    assert parse_page("http://x.gov.cn/a", b"", None, None).kind == "error"


def test_report_without_a_title_line_is_recognised_from_its_body():
    body = paragraphs("""
        本年度报告是根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。
        一、概述
        2017年我办政府信息公开工作有序推进。
        二、主要工作
        2017年我办共受理政府信息公开申请共0件。未发生行政复议、诉讼情况。
        三、存在的问题与对策
        政策解读形式不够丰富。
    """)
    result = parse_html(body, site="xuancheng", url="https://gdb.xuancheng.gov.cn/XxgkAnnualReport/show/2045.html")
    assert result.kind == "report"
    assert result.item.report_year == 2017
    assert nfkc(result.item.agency) == nfkc(SITES["xuancheng"].agency)
    assert result.item.title.endswith("2017年政府信息公开工作年度报告")
    assert any("derived" in w for w in result.item.warnings)


def _corpus_cases():
    for site in SITES:
        for doc in documents(site):
            yield pytest.param(site, doc, id=f"{site}-{doc.doc_id}-{doc.kind}")


@pytest.fixture(scope="module")
def replicas():
    return {site: cls(ReplicaOptions()) for site, cls in REPLICA_CLASSES.items()}


@pytest.mark.parametrize("site, doc", list(_corpus_cases()))
def test_corpus_document(site, doc, replicas):
    replica = replicas[site]
    body = replica.encode(replica.render_detail(doc))
    url = SITES[site].url_for(None).split("/", 3)
    url = "/".join(url[:3]) + replica.detail_path(doc)
    result = parse_page(url, body, {"content-type": [replica.content_type()]}, site)
    if not doc.is_report:
        assert result.kind != "report", result.reason
        return
    assert result.kind == "report", result.reason
    item, expected = result.item, doc.expected
    for field in ("title", "report_year", "agency", "published_date", "signed_date"):
        if field in expected:
            assert nfkc(getattr(item, field)) == nfkc(expected[field]), field
    assert [nfkc(s.title) for s in item.sections if s.level == 1] == [nfkc(t) for t in expected["section_titles"]]
    stats = {s.key: s.value for s in item.stats}
    wrong = {k: (stats.get(k), v) for k, v in expected.get("stats", {}).items() if stats.get(k) != v}
    assert wrong == {}
    # Standard tables of the replicas are consistent: no identity may fail.
    assert not [w for w in item.warnings if w.startswith(("request table", "appeal table"))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=3000), site=st.sampled_from([None, *SITES]))
def test_arbitrary_bytes_never_raise(body, site):
    result = parse_page("http://www.example.gov.cn/a.html", body, None, site)
    assert result.kind in KINDS
    assert isinstance(result.item, ReportItem)
    assert result.item.parser_version


_fragments = st.sampled_from([
    "<table>", "</table>", "<tr>", "<td rowspan='3'>", "<td colspan='0'>", "<td rowspan='-1'>", "</td>", "<p>", "</p>",
    "一、概述", "（一）", "1.", "①", "统计期限自2017年1月1日起", "主动公开政府信息", "12条", "本年新收", "自然人", "总计",
    "行政复议", "结果维持", "信息内容", "规章", "索引号：", "发布时间：", "二○一○年三月四日", "<a href='x.pdf'>附件</a>",
    "<img src='表格.jpg'>", "<br>", "&#0;", "\x00", "年度报告", "<script>document.cookie=1</script>", "0", "7?27",
])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(_fragments, st.text(max_size=20)), max_size=60))
def test_arbitrary_html_never_raises(parts):
    html = "<html><body><div id='zoom'>" + "".join(parts) + "</div></body></html>"
    result = parse_page("http://www.example.gov.cn/a.html", html.encode("utf-8", "surrogatepass"), None, None)
    assert result.kind in KINDS
    item = result.item
    assert isinstance(item.warnings, list)
    if result.kind == "report":
        assert all(s.source in ("text", "table") for s in item.stats)
    assert not [w for w in item.warnings if w.startswith("parser error")]
