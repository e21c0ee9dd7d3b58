"""Pinyin annotations out precisely; Traditional -> Simplified with OpenCC."""

from __future__ import annotations

import pytest

from harvester.cleaning import clean_page
from harvester.cleaning.chinese import looks_traditional, to_simplified
from harvester.cleaning.pinyin import remove_pinyin


@pytest.mark.parametrize(
    "annotated, clean, removed",
    [
        ("關(guān)於", "關於", 1),
        ("報(bào)告", "報告", 1),
        ("說(shuō)明", "說明", 1),
        ("(以下簡(jiǎn)稱(chēng)《條例》)", "(以下簡稱《條例》)", 2),
        ("數（shù）量", "數量", 1),  # full-width parentheses
        ("我們的(de)工作", "我們的工作", 1),  # toneless neutral-tone syllable
        ("國(guó jiā)", "國", 1),
        ("我們?nèi)〉昧", "我們?〉昧", 1),  # the character (and its "(") already lost
    ],
)
def test_pinyin_annotations_removed(annotated: str, clean: str, removed: int) -> None:
    assert remove_pinyin(annotated) == (clean, removed)


@pytest.mark.parametrize(
    "text",
    [
        "(一)政府信息主动公开情况",
        "收到申请12件(单位:条)",
        "实施办法(试行)",
        "填報單位:(蓋章)",
        "国内生产总值(GDP)增长",
        "附件(a)",  # one letter: too ambiguous to drop
        "门户网站(www.yk.gov.cn)下载",
        "“7?27”山洪",
        "Python(de) x",  # a Latin word before the group: not an annotation
    ],
)
def test_real_parentheses_kept(text: str) -> None:
    assert remove_pinyin(text) == (text, 0)


def test_traditional_page_is_converted_and_counted() -> None:
    raw = (
        "<html><head><title>攀枝花市人民政府關(guān)於2009年度政府信息公開工作的報(bào)告</title></head>"
        "<body><div id='zoom'><p>本年度報(bào)告是根據(jù)《中華人民共和國(guó)政府信息公開(kāi)條例》要求編制。</p>"
        "<p>填報單位:(蓋章)</p></div></body></html>"
    ).encode("utf-8")
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.text == "本年度报告是根据《中华人民共和国政府信息公开条例》要求编制。\n填报单位:(盖章)"
    assert page.page_title == "攀枝花市人民政府关于2009年度政府信息公开工作的报告"
    assert page.cleaning["pinyin_removed"] == 6
    assert page.cleaning["traditional_converted"] >= 10
    # root is converted too: the parser reads metadata and links from it
    assert "報" not in page.root.text_content()


def test_simplified_page_is_left_alone() -> None:
    raw = "<html><body><div id='zoom'><p>本年度报告是根据条例要求编制的。</p></div></body></html>".encode()
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.cleaning["traditional_converted"] == 0
    assert page.cleaning["pinyin_removed"] == 0
    assert page.text == "本年度报告是根据条例要求编制的。"


def test_to_simplified_batches_pieces() -> None:
    pieces, changed = to_simplified(["關於", "", "報告書", "简体"])
    assert pieces == ["关于", "", "报告书", "简体"]
    assert changed == 4  # 關 於 報 書
    assert looks_traditional("信息公開") and not looks_traditional("信息公开")


def test_meta_content_and_attributes_are_converted() -> None:
    raw = (
        '<html><head><meta name="ArticleTitle" content="年度報(bào)告"></head>'
        '<body><div id="zoom"><p>內容。<img src="a.jpg" alt="統計表"></p></div></body></html>'
    ).encode()
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.meta["ArticleTitle"] == "年度报告"
    assert page.content.find(".//img").get("alt") == "统计表"
