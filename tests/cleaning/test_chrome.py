"""Site chrome out of the body: as separate elements and inline in a text dump."""

from __future__ import annotations

import pytest

from harvester.hints import hints_for
from harvester.cleaning import clean_page

PROSE = [
    "一、概述",
    "2014年，市政府办公室认真贯彻落实《条例》规定，围绕市委市政府的中心工作，把做好政府信息公开工作列入议事日程。",
    "二、主动公开政府信息情况",
    "2014年，市政府办公室共主动公开政府信息195条，其中规范性文件5份，人事任免信息127条，全部按时发布。",
]
SIGNATURE = ["肇庆市人民政府办公室", "2015年3月20日"]


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def clean(inner: str, outside: str = "", site: str | None = None, url: str = "http://www.example.gov.cn/a.html"):
    raw = f"<html><head><title>t</title></head><body>{outside}<div class='article-content'>{inner}</div>{outside}</body></html>"
    return clean_page(raw.encode("utf-8"), None, url, site)


def body_lines(page) -> list[str]:
    return page.text.split("\n")


# ------------------------------------------------------------------ inline (text dump) chrome
@pytest.mark.parametrize(
    "chrome_line, label",
    [
        ("当前位置: 肇庆市人民政府>肇庆市人民政府", "breadcrumb"),
        ("您现在所在的位置: 网站首页 > 宣城市国防动员办公室", "breadcrumb"),
        ("您当前所在位置: 首页", "breadcrumb"),
        (">> 政务公开 >> 信息公开目录 >> 公开年报", "breadcrumb"),
        ("索引号:007141332/2015-00724 类目名称: 政府信息公开工作年度报告", "metadata"),
        ("文 号:无 废止日期:", "metadata"),
        ("来源: 市府办 发布时间:2013-03-29 00:00", "metadata"),
        ("分享到:", "share"),
        ("浏览字体:【 大 中 小 】", "font_size"),
        ("浏览次数: 1024", "view_counter"),
        ("【打印本页】 【关闭窗口】", "print_bar"),
        ("政务邮箱 |邮件订阅 |业务系统 |无障碍通道 |English", "nav"),
    ],
)
def test_head_chrome_inline(chrome_line: str, label: str) -> None:
    page = clean(paragraphs([chrome_line, "肇庆市人民政府办公室2014年政府信息公开工作年度报告", *PROSE]))
    assert body_lines(page) == ["肇庆市人民政府办公室2014年政府信息公开工作年度报告", *PROSE]
    assert page.removed_lines == [chrome_line]
    assert label in page.cleaning["chrome_removed"]


@pytest.mark.parametrize(
    "chrome_line, label",
    [
        ("主办:宣城市国防动员办公室 承办宣城市国防动员办公室 网站标识码:3418000003", "footer"),
        ("地址:宣城市宣古路188号 邮编:242000 运维电话:0563-2626973", "footer"),
        ("宣城市政府 版权所有皖ICP备19012725号-2 皖公网安备 34180002000021号", "footer"),
        ("联系我们 | 网站声明 | 网站地图", "nav"),
        ("点击下载此文件", "download_link"),
        ("相关附件:", "download_link"),
        ("2024年欧州杯足队 | 网站声明 | 关于我们", "spam"),
        ("分享到:", "share"),
    ],
)
def test_tail_chrome_inline_keeps_signature_and_date(chrome_line: str, label: str) -> None:
    page = clean(paragraphs([*PROSE, *SIGNATURE, chrome_line, "Baidu", "map"]))
    assert body_lines(page) == [*PROSE, *SIGNATURE]
    assert page.removed_lines == [chrome_line, "Baidu", "map"]
    assert label in page.cleaning["chrome_removed"]


def test_short_lines_after_the_body_stay_without_a_footer_above_them() -> None:
    page = clean(paragraphs([*PROSE, "附件", "Baidu"]))
    assert body_lines(page) == [*PROSE, "附件", "Baidu"]


def test_chrome_words_in_the_middle_of_the_report_stay() -> None:
    middle = [
        "发布时间:2014年全年",  # looks like metadata, but sits between two prose lines
        "分享到各县区的经验材料",
        "(三)网站声明和版权所有情况",
    ]
    page = clean(paragraphs([PROSE[0], PROSE[1], *middle, PROSE[2], PROSE[3]]))
    assert body_lines(page) == [PROSE[0], PROSE[1], *middle, PROSE[2], PROSE[3]]
    assert page.removed_lines == []


def test_left_nav_fragments_before_a_split_title() -> None:
    nav = ["政府信息", "公开制度", "法定主动", "公开内容", "政府信息", "公开年报", "依申请公开"]
    title = ["玉溪市", "2017年政府信息公开工作年度报告"]
    page = clean(paragraphs([*nav, *title, "来源:玉溪市人民政府 2019-12-25 22:27:54", "| 分享到:", *PROSE]))
    assert body_lines(page) == [*title, *PROSE]
    assert page.removed_lines == [*nav, "来源:玉溪市人民政府 2019-12-25 22:27:54", "| 分享到:"]


def test_repeated_title_after_the_metadata_block_is_dropped() -> None:
    title = "永康市2012年度政府信息公开年度报告"
    page = clean(paragraphs(["索引号: 330784ZF060000/2013-13135", title, "分享到:", title, *PROSE]))
    assert body_lines(page) == [title, *PROSE]
    assert "duplicate_title" in page.cleaning["chrome_removed"]


def test_removed_chrome_paragraphs_leave_the_content_element() -> None:
    page = clean(paragraphs(["当前位置: 首页", *PROSE, "主办:某市人民政府办公室 网站标识码:123"]))
    content_text = page.content.text_content()
    assert "当前位置" not in content_text and "网站标识码" not in content_text
    assert PROSE[1] in content_text


def test_attachment_link_stays_in_content_while_its_text_goes() -> None:
    page = clean(paragraphs(PROSE) + '<p><a href="/files/524893_1.doc">点击下载此文件</a></p>')
    assert "点击下载此文件" not in page.text
    assert page.content.xpath(".//a/@href") == ["/files/524893_1.doc"]


# ------------------------------------------------------------------ chrome as separate elements
def test_chrome_elements_outside_the_container_never_reach_the_body() -> None:
    outside = (
        "<div class='header'><div class='nav'><a>首页</a><a>政务公开</a></div></div>"
        "<div class='breadcrumb'>当前位置：首页 &gt; 政务公开</div>"
        "<div class='footer'><p>主办：某市人民政府办公室 网站标识码：4412000006</p><p>粤ICP备05094493号</p></div>"
    )
    page = clean(paragraphs(PROSE), outside=outside)
    assert body_lines(page) == PROSE
    assert page.cleaning["container"] == ".article-content"


@pytest.mark.parametrize(
    "element, label",
    [
        ("<div class='share'>分享到：<a href='#'>微信</a><a href='#'>微博</a></div>", "share"),
        ("<div class='bdsharebuttonbox'><a class='bds_weixin'>微信</a></div>", "share"),
        ("<span class='font-size'>字号：<a>大</a> <a>中</a> <a>小</a></span>", "font_size"),
        ("<div class='print'><a href='javascript:window.print()'>打印</a></div>", "print_bar"),
        ("<div class='hits'>阅读 <span>388</span> 次</div>", "view_counter"),
        ("<div class='position'>您的位置：首页 &gt; 公开年报</div>", "breadcrumb"),
        ("<script>var hits = 1;</script>", None),
        ("<style>p{margin:0}</style>", None),
    ],
)
def test_chrome_elements_inside_the_container(element: str, label: str | None) -> None:
    page = clean(element + paragraphs(PROSE) + element)
    assert body_lines(page) == PROSE
    if label:
        assert label in page.cleaning["chrome_removed"]


def test_wrapper_with_a_chrome_like_class_is_not_dropped() -> None:
    page = clean(f"<div class='print-area'>{paragraphs(PROSE)}</div>")
    assert body_lines(page) == PROSE


def test_spam_link_inside_the_body_is_removed_and_counted() -> None:
    spam = "<p><a href='https://bet.example.com/'>2024年欧洲杯足球投注官网入口</a></p>"
    page = clean(paragraphs(PROSE[:2]) + spam + paragraphs(PROSE[2:]))
    assert body_lines(page) == PROSE
    assert page.cleaning["spam_links_removed"] == 1
    assert page.content.find(".//a") is None


def test_spam_link_in_a_footer_outside_the_container() -> None:
    outside = "<div class='foot'><a href='https://x.example.com'>澳门威尼斯人娱乐城</a> | 网站声明</div>"
    page = clean(paragraphs(PROSE), outside=outside)
    assert body_lines(page) == PROSE


def test_lottery_words_in_report_prose_are_not_spam() -> None:
    line = "（三）公开福利彩票和体育彩票公益金使用情况，全年发布足球场建设信息12条。"
    page = clean(paragraphs([*PROSE, line]))
    assert body_lines(page) == [*PROSE, line]


# ------------------------------------------------------------------ containers
def test_site_selector_first_then_generic_then_density() -> None:
    raw = (
        "<html><body><div class='menu'><a>首页</a> <a>政务公开</a></div>"
        "<div class='TRS_Editor'><p>TRS容器。</p></div><div class='Zoom'>"
        + paragraphs(PROSE)
        + "</div></body></html>"
    ).encode()
    # panzhihua's registry hint div.Zoom wins over the generic .TRS_Editor
    hints = hints_for("panzhihua").page
    assert clean_page(raw, None, "http://x.gov.cn/", "panzhihua", hints).text.split("\n") == PROSE
    # the site key alone is only a label: without hints the generic list decides
    assert clean_page(raw, None, "http://x.gov.cn/", "panzhihua").text == "TRS容器。"
    assert clean_page(raw, None, "http://x.gov.cn/").text == "TRS容器。"


def test_density_heuristic_without_a_known_container() -> None:
    raw = (
        "<html><body><div class='top'><a>首页</a> | <a>政务公开</a> | <a>互动交流</a></div>"
        "<table><tr><td class='left'><a>通知公告</a><br><a>工作动态</a></td><td class='main'>"
        + paragraphs(PROSE)
        + "</td></tr></table><div class='bottom'>主办：某市人民政府 网站标识码：123</div></body></html>"
    ).encode()
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.cleaning["container"] == "density"
    assert body_lines(page) == PROSE


def test_statistics_table_at_the_end_survives_a_footer_below_it() -> None:
    table = "<table><tr><td>收到申请数</td><td>件</td><td>21</td></tr><tr><td>总计</td><td></td><td>21</td></tr></table>"
    page = clean(paragraphs(PROSE) + table + paragraphs(["主办:某市人民政府办公室 网站标识码:123", "map"]))
    assert body_lines(page) == [*PROSE, "收到申请数\t件\t21", "总计\t\t21"]


def test_report_markup_with_layout_words_in_its_classes_stays() -> None:
    inner = paragraphs(PROSE) + "<div class='bottom'><p>肇庆市人民政府办公室</p><p>2015年3月20日</p></div>"
    page = clean(inner)
    assert body_lines(page) == [*PROSE, *SIGNATURE]


def test_empty_cms_container_gives_an_empty_body_not_chrome() -> None:
    outside = "<div class='info'>来源：市府办 发布时间：2019-03-08 浏览次数：8688</div><div class='share'>分享到：微信</div>"
    page = clean("", outside=outside)
    assert page.text == ""
    assert page.cleaning["container"] == ".article-content"


def test_gkmlpt_body_embedded_as_json_when_the_container_is_empty() -> None:
    detail = '{"title":"年度报告","content":"\\u003Cp\\u003E当前位置：首页\\u003C/p\\u003E\\u003Cp\\u003E' + PROSE[1] + '\\u003C/p\\u003E"}'
    raw = (
        f"<html><head><script>window._CONFIG = {{SID: '755031', DETAIL: {detail}}};</script></head>"
        "<body><div class='article-content'></div></body></html>"
    ).encode()
    page = clean_page(raw, None, "http://www.zhaoqing.gov.cn/gkmlpt/content/0/278/post_278643.html", "zhaoqing")
    assert page.text == PROSE[1]
    assert page.removed_lines == ["当前位置：首页"]
    assert page.cleaning["container"] == "embedded_json"


# ------------------------------------------------------------------ text lengths, computed once
def test_text_lengths_match_a_per_element_count() -> None:
    import lxml.html

    from harvester.cleaning.chrome import TextLengths, _text_length

    root = lxml.html.document_fromstring(
        "<html><body><div id='a'> 一二 <div class='TRS_Editor'><p>三四五 <b>六</b> 七 </p><script>var x='长';</script>"
        "尾巴<select><option>选项</option></select></div> 外 <span>  </span></div><div>另</div></body></html>"
    )
    lengths = TextLengths()
    inner = root.find(".//div[@class='TRS_Editor']")
    assert lengths(inner) == _text_length(inner)  # inner first: the outer pass reuses it
    for el in root.iter():
        assert lengths(el) == _text_length(el), el.tag


def test_nested_container_matches_pick_the_one_with_most_text() -> None:
    import lxml.html

    from harvester.cleaning.chrome import select_container

    root = lxml.html.document_fromstring(
        "<html><body><div class='TRS_Editor'><p>短</p><div class='TRS_Editor'><p>报告正文很长很长</p></div>"
        "<p>外层的文字比内层多得多得多得多</p></div><div class='TRS_Editor'> </div></body></html>"
    )
    container, found_by = select_container(root)
    assert found_by == ".TRS_Editor"
    assert container is root.find("body/div")


def test_chrome_element_inside_a_chrome_element_is_dropped_once() -> None:
    page = clean(
        paragraphs(PROSE)
        + "<div class='share'><div class='bdshare'>分享到:</div><span class='print'>打印</span></div>"
        + paragraphs(SIGNATURE)
    )
    assert body_lines(page) == [*PROSE, *SIGNATURE]
    assert page.cleaning["chrome_removed"][:1] == ["share"]


def test_class_and_id_selectors_answered_from_attributes_as_css_would() -> None:
    """select_container answers `.name` / `#name` from the page's attributes: the same
    elements, in the same order, as the CSS selector (normalize-space splits only on
    space, tab, CR and LF; class words are case-sensitive; an id matches whole)."""
    import lxml.html
    from lxml.cssselect import CSSSelector

    from harvester.cleaning.chrome import GENERIC_CONTENT_SELECTORS, PageNames

    root = lxml.html.document_fromstring(
        "<html><body class='zoom'><div class='a\tTRS_Editor\nb'><p class='TRS_Editor'>x</p></div>"
        "<div class='trs_editor'>case</div><div class='x\u00a0TRS_Editor'>nbsp</div>"
        "<div class='x\u3000wzcon'>ideographic</div><div class='wzcon-x wzcon_y'>prefix</div>"
        "<div id='zoom'>id</div><div id=' zoom'>spaced id</div><div id='Zoom'>Zoom</div>"
        "<div class=' article-con '>padded</div><div id='content' class='content'>c</div></body></html>")
    names = PageNames(root)
    for selector in (*GENERIC_CONTENT_SELECTORS, ".wzcon", ".zoom", "#missing", ".x", "div.x", "#content p"):
        expected = CSSSelector(selector)(root)
        got = names.elements(selector)
        assert got is None or got == expected, selector
        if selector[0] in ".#" and " " not in selector:
            assert got is not None, selector
