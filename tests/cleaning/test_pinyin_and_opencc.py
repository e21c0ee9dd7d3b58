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


# ------------------------------------------------------------------ which pages are converted
GKMLPT_TOP_BAR = (
    '<div class="top-bar"><a href="/">肇庆市人民政府</a> <a href="/zh_tw_anti/">繁體版</a>'
    ' <a href="/">繁體</a> <a href="/en/">English</a></div>'
)
META_TABLE = "<table class='xxgk'><tr><td>索引号:</td><td>007141332/2015-00724</td><td>发布机构:</td><td>{}</td></tr></table>"
REPORT = "<div class='article-content'><p>本年度报告是根据《中华人民共和国政府信息公开条例》要求编制的。</p></div>"


def _page(body: str, title: str = "肇庆市人民政府2014年政府信息公开工作年度报告") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode("utf-8")


def test_simplified_page_with_a_traditional_version_link_is_not_converted() -> None:
    page = clean_page(_page(GKMLPT_TOP_BAR + META_TABLE.format("肇庆市人民政府办公室") + REPORT), None, "http://x.gov.cn/")
    assert page.cleaning["traditional_converted"] == 0
    assert page.text == "本年度报告是根据《中华人民共和国政府信息公开条例》要求编制的。"
    # the language switch keeps its own label: nothing else on the page needed OpenCC
    assert [a.text for a in page.root.iter("a")][1:3] == ["繁體版", "繁體"]


def test_traditional_page_with_a_version_link_is_still_converted_whole() -> None:
    body = GKMLPT_TOP_BAR + META_TABLE.format("肇慶市人民政府辦公室") + (
        "<div class='article-content'><p>本年度報告是根據《中華人民共和國政府信息公開條例》要求編製的。</p></div>"
    )
    page = clean_page(_page(body, "肇慶市人民政府2014年政府信息公開工作年度報告"), None, "http://x.gov.cn/")
    assert page.text == "本年度报告是根据《中华人民共和国政府信息公开条例》要求编制的。"
    assert page.page_title == "肇庆市人民政府2014年政府信息公开工作年度报告"
    assert page.cleaning["traditional_converted"] >= 10
    root_text = page.root.text_content()
    assert "肇庆市人民政府办公室" in root_text and "繁体版" in root_text and "繁體" not in root_text


@pytest.mark.parametrize(
    "where",
    [
        "metadata",  # a metadata table outside the container: the parser reads it from root
        "title",
        "attribute",
        "char_ref",  # a numeric character reference: the parser sees the character
        "link_text",  # a link that is not a language switch (an attachment name)
    ],
)
def test_one_traditional_character_outside_the_version_link_converts_the_page(where: str) -> None:
    publisher, title, extra = "肇庆市人民政府办公室", "肇庆市人民政府2014年政府信息公开工作年度报告", ""
    if where == "metadata":
        publisher = "肇慶市人民政府辦公室"
    elif where == "title":
        title = "肇慶市人民政府2014年政府信息公開工作年度報告"
    elif where == "attribute":
        extra = "<img src='a.png' alt='統計表'>"
    elif where == "char_ref":
        publisher = "肇&#24950;市人民政府办公室"  # 慶
    else:
        extra = "<a href='/a.doc'>附件:年度報告</a>"
    body = GKMLPT_TOP_BAR + META_TABLE.format(publisher) + extra + REPORT
    page = clean_page(_page(body, title), None, "http://x.gov.cn/")
    assert page.cleaning["traditional_converted"] >= 1
    root_text = page.root.text_content()
    assert "肇庆市人民政府办公室" in root_text and "繁體" not in root_text
    assert page.page_title == "肇庆市人民政府2014年政府信息公开工作年度报告"
    if where == "attribute":
        assert page.root.find(".//img").get("alt") == "统计表"


def test_pinyin_in_text_tails_and_attributes_of_a_simplified_page() -> None:
    body = (
        "<div class='article-content'><p>本年度报(bào)告<b>是</b>根据(jù)条例编制的,门户网站（www.yk.gov.cn）公开。</p>"
        "<p title='年度报(bào)告'>附件(a)</p></div>"
    )
    page = clean_page(_page(body), None, "http://x.gov.cn/")
    assert page.text == "本年度报告是根据条例编制的,门户网站（www.yk.gov.cn）公开。\n附件(a)"
    assert page.cleaning["pinyin_removed"] == 3
    assert page.cleaning["traditional_converted"] == 0
    assert page.content.find(".//p[@title]").get("title") == "年度报告"


def test_page_looks_traditional() -> None:
    from harvester.cleaning.chinese import page_looks_traditional

    assert not page_looks_traditional("<p>信息公开</p>")
    assert not page_looks_traditional('<a href="/tw/">繁體版</a><p>信息公开</p>')
    assert not page_looks_traditional('<A class="x" href="/tw/"> 繁體中文 </A><p>信息公开</p>')
    assert page_looks_traditional('<a href="/tw/">繁體版</a><p>信息公開</p>')
    assert page_looks_traditional('<p>繁體版</p>')  # a version switch that is not a link: text
    assert page_looks_traditional('<a title="繁體版" href="/tw/">繁體版</a>')  # the attribute is text
    assert page_looks_traditional('<a href="/tw/">繁體版</a><p>&#38364;於</p>'.replace("於", "于"))
    # the markup's only Traditional character a reference (&#38364; is 關): the quick test on the
    # markup alone cannot rule the page out
    assert page_looks_traditional('<p>&#38364;于信息公开</p>')
    assert page_looks_traditional('<p>&#x95DC;于信息公开</p>')
    assert not page_looks_traditional('<p>&#20449;息公开</p>')  # 信, Simplified


@pytest.mark.parametrize(
    "body, converted",
    [
        ('<a href="/tw/">繁體版</a><p>简体</p>', 0),  # the label alone: nothing to convert
        ('<a title="繁體版" href="/tw/">繁體版</a><p>简体</p>', 2),  # a label's attributes are text
        ('<script title="關於">var x;</script><p>简体</p>', 2),  # a script's attributes are text...
        ('<script>var 關=1;</script><style>體{}</style><p>简体</p>', 0),  # ...its text is not
        ("<a>\u2028繁體中文\u205f</a><a>\u3000正體\xa0</a><p>简体</p>", 0),  # any whitespace around a label
        ("<a>繁 體版</a><p>简体</p>", 1),  # a space inside: not a label, text
        ("<a>繁體版<b></b></a><p>简体</p>", 1),  # a link holding an element: not a label
        ("<a>繁體版</a><p>體</p>", 2),  # one more than the label holds: all converted
    ],
)
def test_conversion_decided_on_the_shown_text_and_text_attributes(body: str, converted: int) -> None:
    """``convert_document``'s checks (the shown text but the version labels', the text attributes
    of every element, scripts' and labels' too), through the path that reads them from the tree."""
    from harvester.cleaning.clean import convert_document, parse_html

    root = parse_html(f"<html><body>{body}</body></html>")
    assert convert_document(root) == (0, converted)


def test_traditional_text_written_as_character_references_is_converted() -> None:
    # Some CMS editors save every non-ASCII character as a numeric reference: the markup holds no
    # Traditional character, the parsed text does.
    title = "政府資訊公開工作報告"
    escaped = "".join(f"&#x{ord(c):X};" for c in title)
    raw = f"<html><body><div id='zoom'><p>{escaped}</p></div></body></html>".encode("ascii")
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.text == "政府资讯公开工作报告"
    assert page.cleaning["traditional_converted"] == 4


@pytest.mark.parametrize(
    "text, found",
    [
        ("var a=f(x);g(hm);報(bào)告", True),  # script calls first, then an annotation after CJK
        ("我們?(de)工作", False),  # after a lost character only a tone mark counts
        ("我們?(dé)工作", True),
        ("我們?dé)工作", True),  # "(" lost with the character
        ("function(){return(ab)};(guān)", False),  # after ASCII: no annotation
        ("(guān)開頭", False),  # at the very start: nothing before it
        ("關（guān）於", True),
    ],
)
def test_has_pinyin_candidates(text: str, found: bool) -> None:
    from harvester.cleaning.pinyin import has_pinyin

    assert has_pinyin(text) is found
