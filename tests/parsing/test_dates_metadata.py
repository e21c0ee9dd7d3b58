"""Dates in every printed variant and page metadata in every CMS variant."""

from __future__ import annotations

import pytest

from harvester.parsing.dates import date_only, find_dates, parse_date
from harvester.parsing.metadata import extract_metadata, text_pairs

from .conftest import paragraphs, parse_html


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2015-03-20", "2015-03-20"),
        ("2015年03月20日", "2015-03-20"),
        ("2015年3月2日", "2015-03-02"),
        ("2019-12-25 22:27:54", "2019-12-25"),
        ("2013-03-29 00:00", "2013-03-29"),
        ("2015/3/20", "2015-03-20"),
        ("2015.03.20", "2015-03-20"),
        ("２０１５年０３月２０日", "2015-03-20"),  # full-width digits
        ("二○一○年三月四日", "2010-03-04"),  # ○ U+25CB as zero
        ("二〇一七年十二月三十一日", "2017-12-31"),  # 〇 U+3007
        ("二零一八年二月二十三日", "2018-02-23"),
        ("二〇一九年十月一日", "2019-10-01"),
    ],
)
def test_date_variants(text, iso):
    assert parse_date(text) == iso
    assert date_only(text) == iso


@pytest.mark.parametrize("text", ["2015-02-30", "二〇一五年十三月一日", "201033", "填报时间:201033", "", "2015年"])
def test_invalid_or_incomplete_dates_are_none(text):
    assert parse_date(text) is None


def test_date_only_rejects_dates_inside_sentences():
    assert date_only("统计期限自2017年1月1日起至2017年12月31日止") is None
    assert [iso for _s, _e, iso in find_dates("自2017年1月1日起至2017年12月31日止")] == ["2017-01-01", "2017-12-31"]


def test_several_pairs_on_one_line_and_spaced_labels():
    pairs = dict(text_pairs("索引号:007141332/2015-00724 类目名称: 政府信息公开工作年度报告"))
    assert pairs["index_no"].strip() == "007141332/2015-00724"
    assert pairs["category"].strip() == "政府信息公开工作年度报告"
    md = extract_metadata(None, ["文 号:无 废止日期:", "发布机构:肇庆市人民政府 发布时间: 2015年03月20日"], {})
    assert md.doc_no is None and md.doc_no_labelled
    assert md.publisher == "肇庆市人民政府"
    assert md.published_date == "2015-03-20"


def test_hanweb_text_block_with_empty_doc_no():
    lines = [
        "索引号: 330784ZF060000/2013-13135 发布机构: 市政府及办公室 发文时间: 2013-03-29",
        "文号: 主题分类: 综合政务 登记号:",
        "来源: 市府办 发布时间:2013-03-29 00:00 浏览次数:",
    ]
    md = extract_metadata(None, lines, {})
    assert md.index_no == "330784ZF060000/2013-13135"
    assert md.publisher == "市政府及办公室"
    assert md.doc_no is None
    assert md.category == "综合政务"
    assert md.source == "市府办"
    assert md.published_date == "2013-03-29"


def test_trs_source_line_carries_the_publication_time():
    md = extract_metadata(None, ["来源:玉溪市人民政府         2019-12-25 22:27:54"], {})
    assert md.source == "玉溪市人民政府"
    assert md.published_date == "2019-12-25"


def test_label_cells_in_a_metadata_table():
    from lxml import html

    root = html.fromstring(
        "<div class='classify'><table><tr><td>索引号：</td><td class='td-value-xl'><span>11441200MB2C91453G/2026-00271</span></td>"
        "<td>分类：</td><td><span>综合政务</span></td></tr>"
        "<tr><td>发布机构：</td><td><span>肇庆市人民政府办公室</span></td><td>成文日期：</td><td>2026-01-20</td></tr>"
        "<tr><td>文号：</td><td><span>肇府办〔2026〕3号</span></td><td>发布日期：</td><td>2026-01-22</td></tr>"
        "</table></div>"
    )
    md = extract_metadata(root, [], {})
    assert md.index_no == "11441200MB2C91453G/2026-00271"
    assert md.publisher == "肇庆市人民政府办公室"
    assert md.doc_no == "肇府办〔2026〕3号"
    assert md.published_date == "2026-01-22"
    assert md.written_date == "2026-01-20"
    assert md.category == "综合政务"


def test_anhui_metadata_table_with_issue_date():
    from lxml import html

    root = html.fromstring(
        "<table class='table_suoyin'><tr><th>索引号</th><td>11341702486344515H/202110-00013</td>"
        "<th>组配分类</th><td>政府信息公开年报</td></tr><tr><th>发布机构</th><td>宁国市商务局</td>"
        "<th>发文日期</th><td>2021年10月09日</td></tr><tr><th>发布文号</th><td>无</td><th>信息来源</th><td>市商务局</td></tr></table>"
    )
    md = extract_metadata(root, [], {})
    assert md.index_no == "11341702486344515H/202110-00013"
    assert md.category == "政府信息公开年报"
    assert md.publisher == "宁国市商务局"
    assert md.published_date == "2021-10-09"
    assert md.doc_no is None and md.doc_no_labelled
    assert md.source == "市商务局"


def test_gov_cn_meta_tags_are_the_fallback():
    md = extract_metadata(None, [], {"ArticleTitle": "某县2020年政府信息公开工作年度报告", "PubDate": "2021-01-29 09:30",
                                     "ContentSource": "某县人民政府办公室"})
    assert md.published_date == "2021-01-29"
    assert md.source == "某县人民政府办公室"
    assert md.name == "某县2020年政府信息公开工作年度报告"
    # A printed date beats the meta tag.
    md = extract_metadata(None, ["发布日期：2021-01-30"], {"PubDate": "2021-01-29 09:30"})
    assert md.published_date == "2021-01-30"


def test_meta_tags_reach_the_item():
    body = paragraphs("""
        一、总体情况
        本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。全年主动公开政府信息120条。
        二、主动公开政府信息情况
        三、收到和处理政府信息公开申请情况
        四、政府信息公开行政复议、行政诉讼情况
        五、存在的主要问题及改进情况
        存在的问题是宣传不够。
        六、其他需要报告的事项
        无。
        某县人民政府办公室
        2021年1月20日
    """)
    head = ("<meta name='ArticleTitle' content='某县人民政府办公室2020年政府信息公开工作年度报告'>"
            "<meta name='PubDate' content='2021-01-29 09:30'>")
    result = parse_html(body, head=head)
    item = result.item
    assert result.kind == "report"
    assert item.title == "某县人民政府办公室2020年政府信息公开工作年度报告"
    assert item.published_date == "2021-01-29"
    assert item.signed_date == "2021-01-20"
    assert item.agency == "某县人民政府办公室"
    assert item.report_year == 2020
