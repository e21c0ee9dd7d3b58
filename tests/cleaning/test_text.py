"""Normalisation: lines, whitespace, full-width, table cells, <br>, Word leftovers, meta/title."""

from __future__ import annotations

import pytest

from harvester.cleaning import clean_page


def clean(inner: str, head: str = ""):
    raw = f"<html><head>{head}</head><body><div id='zoom'>{inner}</div></body></html>"
    return clean_page(raw.encode("utf-8"), None, "http://x.gov.cn/a.html")


def test_whitespace_runs_collapse_and_lines_are_trimmed() -> None:
    page = clean("<p>\u3000\u3000本年度主动公开 \u00a0\u00a0 政府信息\t\t3460条。 </p><p>   </p><p>&nbsp;</p>")
    assert page.text == "本年度主动公开 政府信息 3460条。"


def test_fullwidth_letters_digits_and_space_become_halfwidth_punctuation_kept() -> None:
    page = clean("<p>共收到申请２１件（其中ＧＤＰ相关ａｂ），办结率１００％。</p>")
    assert page.text == "共收到申请21件（其中GDP相关ab），办结率100％。"


def test_br_is_a_line_break_and_each_paragraph_one_line() -> None:
    page = clean("<p>玉溪市<br>2017年政府信息公开工作年度报告</p><div>第一段<span>续</span>完。</div>第二段")
    assert page.text.split("\n") == ["玉溪市", "2017年政府信息公开工作年度报告", "第一段续完。", "第二段"]


def test_table_rows_are_tab_joined_cells_one_row_per_line() -> None:
    page = clean(
        "<p>统计表如下：</p><table>"
        "<tr><th>指标</th><th>单位</th><th>数量</th></tr>"
        "<tr><td>主动公开<br>信息数</td><td>条</td><td> 3460 </td></tr>"
        "<tr><td>收到申请数</td><td></td><td>21</td></tr>"
        "<tr><td></td><td></td><td></td></tr>"
        "</table><p>以上。</p>"
    )
    assert page.text.split("\n") == ["统计表如下：", "指标\t单位\t数量", "主动公开 信息数\t条\t3460", "收到申请数\t\t21", "以上。"]
    assert page.content.find(".//table") is not None  # the table itself stays for the parser


def test_layout_table_cells_are_blocks_not_rows() -> None:
    long_para = "本年度政府信息公开工作情况如下，" * 20
    page = clean(f"<table><tr><td><p>{long_para}</p><p>第二段。</p></td></tr></table>")
    assert page.text.split("\n") == [long_para, "第二段。"]


def test_word_leftovers_are_stripped() -> None:
    page = clean(
        "<p class='MsoNormal'><!--[if !supportLists]-->1.<!--[endif]-->完善领导机制。<o:p></o:p></p>"
        "<p><![if !supportLists]>2.<![endif]>制定方案。<o:p>&nbsp;</o:p></p>"
    )
    assert page.text.split("\n") == ["1.完善领导机制。", "2.制定方案。"]


def test_meta_tags_and_page_title() -> None:
    head = (
        '<meta name="ArticleTitle" content="永康市2012年度政府信息公开年度报告">'
        '<meta name="PubDate" content="2013-03-29 00:00"><meta name="ContentSource" content="市府办">'
        "<title>  永康市人民政府\n 公开年报 </title>"
    )
    page = clean("<p>正文。</p>", head)
    assert page.meta == {"ArticleTitle": "永康市2012年度政府信息公开年度报告", "PubDate": "2013-03-29 00:00", "ContentSource": "市府办"}
    assert page.page_title == "永康市人民政府 公开年报"


def test_cleaning_record_has_every_key() -> None:
    page = clean("<p>正文。</p>")
    for key in ("encoding", "encoding_source", "replaced_chars", "pinyin_removed", "traditional_converted",
                "chrome_removed", "spam_links_removed", "whitespace_normalised"):
        assert key in page.cleaning


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("123", "123"),  # nothing to do: returned as is
        ("信息公开", "信息公开"),
        ("\u3000\u3000一、概述", "一、概述"),
        ("ＡＢＣ\u3000１２３", "ABC 123"),
        ("a\u2028b\u2029", "a\u2028b"),  # str.strip() trims what the space rule does not collapse
        ("\u200b零\u00ad宽\x0b", "零宽"),
        ("\x85行\u3000 \t尾 ", "行 尾"),
    ],
)
def test_normalise_line_cases(raw: str, expected: str) -> None:
    from harvester.cleaning.text import normalise_line

    assert normalise_line(raw) == expected
