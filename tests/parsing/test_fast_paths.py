"""The cheap paths of the parser give what the straightforward code gives: one text walk for
metadata blocks and label cells, the link prefilter of attachments, number prefilters, the
joined prose search."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import pytest

from harvester.parsing.attachments import extract_attachments
from harvester.parsing.metadata import _BLOCK_TAGS, _COLON_BLOCKS, _DASH_BLOCKS, _pieces, block_lines, extract_metadata
from harvester.parsing.stats_text import prose_stats
from harvester.parsing.tables import _number
from harvester.parsing.textutil import _CELL_NUMBER_RE, parse_number, squash

NESTED = """<html><head><title>t</title></head><body>
<div class="top"><div>www.example.gov.cn <span>发布时间:2021-01-24</span><!-- c -->来源:<b>某市</b>局</div>
<p>索引号：<i>123</i>/2020<?pi x?>-01</p>
<table><tr><td> 文　号 ：</td><!-- c --><td>无</td><td>发布机构</td><td>某市人民政府办公室</td></tr>
<tr><td><table><tr><td>主题分类</td><td>其他</td></tr></table></td></tr></table>
<div>""" + "长" * 400 + """<p>成文日期:2020-12-31</p></div></div></body></html>"""


def _root(html: str):
    return lxml.html.fromstring(html)


def test_colon_blocks_are_every_block_holding_a_colon_in_document_order():
    root = _root(NESTED)
    for scope in (root, root.find(".//table")):
        for blocks, chars in ((_COLON_BLOCKS, ":："), (_DASH_BLOCKS, "-")):
            expected = [el for el in scope.iter(*_BLOCK_TAGS) if any(c in s for s in el.itertext() for c in chars)]
            assert blocks(scope) == expected
            assert expected or (scope is not root and blocks is _DASH_BLOCKS)


@pytest.mark.parametrize("limit", [0, 5, 30, 300, 5000])
def test_pieces_are_itertext_up_to_the_limit(limit):
    for el in _root(NESTED).iter(lxml.etree.Element):
        pieces = list(el.itertext())
        expected = pieces if len(" ".join(pieces)) <= limit else None
        assert _pieces(el, limit) == expected


def _reference_block_lines(root, limit=300):
    import re

    from harvester.parsing.metadata import _PAIR_RE
    from harvester.parsing.textutil import halfwidth

    out = []
    for el in root.iter(*_BLOCK_TAGS):
        text = " ".join(el.itertext())
        if len(text) <= limit and _PAIR_RE.search(halfwidth(text)):
            out.append(re.sub(r"[ \t\r\f\v]+", " ", text).strip())
        if len(out) >= 60:
            break
    return out


@pytest.mark.parametrize("limit", [10, 40, 300, 5000])
def test_block_lines_as_itertext_per_block(limit):
    root = _root(NESTED)
    assert block_lines(root, limit) == _reference_block_lines(root, limit)
    inner = root.find(".//table")  # a subtree: nothing of its ancestors
    assert block_lines(inner, limit) == _reference_block_lines(inner, limit)


def test_block_lines_stop_at_60():
    root = _root("<div>" + "".join(f"<p>文号:{i}</p>" for i in range(100)) + "</div>")
    assert block_lines(root) == _reference_block_lines(root) and len(block_lines(root)) == 60


def test_label_cells_with_spaces_and_nested_tables():
    md = extract_metadata(_root(NESTED), [], {})
    assert md.doc_no is None and md.doc_no_labelled  # 文　号 ： / 无 (an explicit none)
    assert md.publisher == "某市人民政府办公室" and md.origin["publisher"] == "table"
    assert md.category == "其他"
    assert md.index_no == "123"  # from the block text: <i> boundaries become spaces, the first word counts
    assert md.published_date == "2021-01-24" and md.written_date == "2020-12-31"


BASE = "http://www.example.gov.cn/a/b.html"


def _links(content_html: str, outer_html: str = ""):
    root = _root(f"<html><body><div id='c'>{content_html}</div>{outer_html}</body></html>")
    return extract_attachments(root, root.get_element_by_id("c"), BASE)


@pytest.mark.parametrize(
    "href, text, kind",
    [
        ("/f/report.pdf", "报告", "pdf"),
        ("/f/report.PDF#page=2", "报告", "pdf"),
        ("/f/report%2Edocx", "报告", "doc"),  # the dot percent-encoded
        ("/f/%E6%8A%A5%E5%91%8A.xls", "x", "xls"),
        ("/f/rep\nort.pdf", "报告", "pdf"),  # urlsplit drops newlines
        ("/down?id=3&name=%E6%8A%A5.xlsx", "x", "xls"),
        ("/getfile?id=3", "报告", "other"),
        ("/x?id=3", "附件1", "other"),
        ("/x?id=3", "年度报告.docx", "doc"),
        ("/x/1.html", "点击下载", "other"),
    ],
)
def test_attachment_links(href, text, kind):
    found = _links(f'<a href="{href}">{text}</a>')
    assert [a.kind for a in found] == [kind]


def test_plain_links_and_chrome_images_are_no_attachments():
    assert _links('<a href="/a/2.html">上一篇</a>', '<a href="/b.jpg">图</a><a href="/c.html">首页</a>') == []


def test_content_links_counted_once_and_first():
    found = _links('<a href="/f/1.pdf">一</a><a href="/f/2.jpg">图</a>', '<a href="/f/0.doc">零</a><a href="/f/1.pdf">again</a>')
    assert [(a.url.rsplit("/", 1)[-1], a.name, a.kind) for a in found] == [
        ("1.pdf", "一", "pdf"), ("2.jpg", "图", "image"), ("0.doc", "零", "doc")]


def test_bad_href_still_fails_the_stage():
    # urlsplit rejects it: as before the prefilter, the attachments stage reports the error.
    with pytest.raises(ValueError):
        _links('<a href="http://[bad/x">x</a>')


@pytest.mark.parametrize("text", ["", " ", "１２条", " 12 ", "+3", "－5件", "-", "—", "无", "x1", "1x", "٣", "230 000", "\u3000７元"])
def test_number_prefilters(text):
    s = squash(text)
    expected = None
    m = _CELL_NUMBER_RE.match(s) if s else None
    if m:
        raw = m["num"].replace(",", "")
        try:
            expected = (float(raw) if "." in raw else int(raw), m["unit"])
        except ValueError:
            expected = None
    assert parse_number(text) == expected
    assert _number(text) == (None if s in ("", "-", "—", "/", "——", "无", "－") else expected)


def test_starts_like_number_is_the_pattern_on_the_halfwidth_first_character():
    r"""``starts_like_number`` (the first character tested as a decimal or a sign) says what
    ``[-+\d]`` says of the half-width first non-space character (what squash(text) starts
    with), for every character of the BMP and beyond (every Unicode decimal digit among them),
    after any spaces."""
    import sys

    from harvester.parsing.textutil import halfwidth, starts_like_number

    number_start = re.compile(r"[-+\d]")

    def reference(text: str) -> bool:
        return number_start.match(halfwidth(text.lstrip()[:1])) is not None

    hits = 0
    for cp in [*range(0, 0x30000, 1), sys.maxunicode]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for text in (ch, " \u3000" + ch + "x"):
            expected = reference(text)
            assert starts_like_number(text) == expected, hex(cp)
            hits += expected
    assert hits > 600  # the digits of many scripts, full-width ones and the signs
    for text in ("", " ", "\u3000", "\u00a0 ", "x1", "＋3", "－", "٣件"):
        assert starts_like_number(text) == reference(text)


def test_prose_first_match_after_table_rows_and_across_lines():
    lines = [
        "主动公开政府信息\t12条",  # a table row: skipped
        "本年度累计",
        "主动公开政府信息30条。",  # 累计 is on the previous line: not a lookbehind hit
        "网站公开信息5条",
    ]
    got = {f.key: (f.value, f.line_index) for f in prose_stats(lines)}
    assert got["proactive.total"] == (30, 2)
    assert got["proactive.via.website"] == (5, 3)


def _table_pairs_straightforward(root) -> dict:
    """Every td/th/dt/label whose whole text squashes to a label, the value from the next element."""
    from harvester.parsing.metadata import _LABEL_TO_FIELD, _Collector

    collector = _Collector()
    for cell in root.iter("td", "th", "dt", "label"):
        fieldname = _LABEL_TO_FIELD.get(squash(cell.text_content()).rstrip(":："))
        value_el = cell.getnext()
        while value_el is not None and not isinstance(value_el.tag, str):
            value_el = value_el.getnext()
        if fieldname is None or value_el is None:
            continue
        value = value_el.text_content()
        if squash(value).rstrip(":：") not in _LABEL_TO_FIELD:
            collector.offer(fieldname, re.sub(r"\s+", " ", value), "table")
    return collector.values


LABEL_CELLS = ["", " ", "\u00a0", "12", "x发布机构", " 文\u3000号 ：", "\u00a0\u00a0发布机构", "\u3000索引号",
               "\n\t来源:", "<b>成文</b>日期", "<span> </span><i>主题分类</i>", "\u2003名称", "<p><span>发布</span>日期</p>",
               "无", "<p><span> 信息来源 </span></p>", "<p>生成日期</p>", "2020-01-01", "<!-- c -->组配分类", "名称："]


def test_label_first_characters_are_the_same_half_width():
    """A cell's first character is compared with the labels' as it is: ``halfwidth`` leaves every
    label's first character alone and turns no other character into one."""
    from harvester.parsing.metadata import _LABEL_FIRST_CHARS
    from harvester.parsing.textutil import _HALFWIDTH, halfwidth

    assert all(halfwidth(ch) == ch for ch in _LABEL_FIRST_CHARS)
    assert not {chr(v) for v in _HALFWIDTH.values()} & _LABEL_FIRST_CHARS
    for cp in range(0x10000):
        ch = chr(cp)
        assert (halfwidth(ch) in _LABEL_FIRST_CHARS) == (ch in _LABEL_FIRST_CHARS)


@pytest.mark.parametrize("with_texts", [False, True])
def test_label_cells_read_from_the_cleaners_cell_texts_are_the_straightforward_ones(with_texts):
    """``_table_pairs`` takes the text of the cells the line builder read from ``cell_texts``
    and tests the first character of the others: the pairs every cell's text gives."""
    from harvester.cleaning.text import element_lines
    from harvester.parsing.metadata import _Collector, _table_pairs

    pairs = "".join(f"<tr><td>{a}</td><!-- c --><td>{b}</td></tr>" for a, b in zip(LABEL_CELLS, LABEL_CELLS[1:] + ["v"]))
    html = (f"<html><body><div class='c'><table>{pairs}</table></div><table><tr><td><table><tr><td>发布机构</td>"
            "<td>某局</td></tr></table></td></tr></table><dl><dt>\u00a0发布时间</dt><dd>2020-01-01</dd></dl>"
            "<label>x</label><th>索引号</th></body></html>")
    root = _root(html)
    texts: dict = {}
    if with_texts:
        element_lines(root.find(".//div"), texts)
        assert len(texts) == 2 * len(LABEL_CELLS)
    collector = _Collector()
    _table_pairs(root, collector, texts)
    expected = _table_pairs_straightforward(root)
    assert collector.values == expected
    assert {"publisher", "published", "written", "name"} <= set(expected)


def test_label_cells_of_every_fixture_are_the_straightforward_ones():
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.metadata import _Collector, _table_pairs

    pages = sorted(Path(__file__).parent.joinpath("fixtures").glob("*/**/*.html"))
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan"
    pages += sorted(shared.glob("*.html"))
    assert pages
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        collector = _Collector()
        _table_pairs(page.root, collector, page.cell_texts)
        assert collector.values == _table_pairs_straightforward(page.root), path


def test_cell_texts_of_the_line_builder_are_the_cells_text_content():
    from harvester.cleaning.text import element_lines

    cells = ["1", "", "<p><span>1</span><span>2</span></p>", "a<br>b", "<p>x</p>tail<p>y</p>",
             "<span>3<!-- c -->4</span>", "<script>var a=1;</script>5", "<b> 6 </b>\u3000", "<p><i>7</i><style>p{}</style></p>"]
    rows = "".join(f"<tr><td>label {i}</td><td>{c}</td></tr>" for i, c in enumerate(cells))
    root = _root(f"<html><body><div><table>{rows}</table></div></body></html>")
    texts: dict = {}
    element_lines(root.find("body"), texts)
    tds = list(root.iter("td"))
    assert len(texts) == len(tds) - 2  # all but the cells holding a script or a style
    for cell, text in texts.items():
        assert text == cell.text_content()


ONE_BLOCK_CELLS = [
    "<p><span>1</span><span>2</span></p>", " \n <p> <span>a b</span> </p>\n ", "\u3000<p>x</p>\u3000",
    "<p>\u00a0<b>y</b>\u00a0</p>", "t<p>x</p>", "<p>x</p>t", "<p>x</p><p>y</p>", "<p>a<br>b</p>", "<div><i>z</i></div>",
    "<p><span>1<!-- c -->2</span></p>", "<p><span>\u200bx\uff11</span></p>", "<p><script>s</script>q</p>",
    "<p><p>n</p></p>", "<div><div>n</div>m</div>", "<p><o:p>w</o:p></p>", " <p>  </p> ",
    "<p><span><font><b>d</b>e</font></span><i>f</i></p>", "<p><span><b>n<br>e</b></span></p>",
    "<p><span>g<b><!-- c --></b></span></p>", "<p><span><i><div>h</div></i></span></p>",
]


def test_inline_only_as_every_descendant_inline():
    """``_inline_only`` (children lists, recursion) says what the check of every descendant said."""
    import harvester.cleaning.text as text_module

    blocks = [el for c in ONE_BLOCK_CELLS for el in _root(f"<html><body><table><tr><td>{c}</td></tr></table></body></html>").iter("p", "div")]
    verdicts = [text_module._inline_only(b) for b in blocks]
    assert verdicts == [all(el.tag in text_module._INLINE_TAGS for el in b.iterdescendants()) for b in blocks]
    assert True in verdicts and False in verdicts


def test_one_block_cells_give_the_lines_and_texts_of_the_walk(monkeypatch):
    """A cell holding one block of inline markup is read as normalise_line(string()): the same
    line and text as the recursive walk gives it."""
    import harvester.cleaning.text as text_module

    rows = "".join(f"<tr><td>label {i}</td><td>{c}</td></tr>" for i, c in enumerate(ONE_BLOCK_CELLS))
    html = f"<html><body><div><table>{rows}</table></div></body></html>"

    def read() -> tuple[list[str], list[str | None]]:
        root = _root(html)
        texts: dict = {}
        lines = text_module.element_lines(root.find("body"), texts)
        return [line.text for line in lines], [texts.get(td) for td in root.iter("td")]

    fast = read()
    one_block = sum(map(text_module._holds_one_block, _root(html).iter("td")))
    assert 6 <= one_block < len(ONE_BLOCK_CELLS)  # both paths taken
    monkeypatch.setattr(text_module, "_holds_one_block", lambda cell: False)
    assert read() == fast


TITLED = """<html><body><h2>column</h2><div class="bt title" id="x-title"><h1 class="title">A</h1></div>
<span id="subtitle">B</span><a class="title">not a holder</a><td class="biaoti">C</td><p class="Title">D</p>
<h3 id="t">E</h3><div id="ArticleTitle" class="title">F</div><li class="title">G</li></body></html>"""


def test_title_elements_from_the_cleaners_names_are_the_xpath_ones():
    from pathlib import Path

    from harvester.cleaning.chrome import PageNames
    from harvester.parsing.parse import _title_elements

    pages = [TITLED] + [p.read_bytes() for p in sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))]
    for page in pages:
        root = lxml.html.document_fromstring(page)
        expected = list(_title_elements(root))
        assert list(_title_elements(root, PageNames(root))) == expected
    root = lxml.html.document_fromstring(TITLED)
    got = [(el.tag, el.text_content()) for el in _title_elements(root, PageNames(root))]
    # document order, each element once (the div named twice, the h1 both heading and named);
    # the <a> and <li> are no title holders
    assert got == [("h2", "column"), ("div", "A"), ("h1", "A"), ("span", "B"), ("td", "C"), ("p", "D"),
                   ("h3", "E"), ("div", "F")]


def test_literal_first_patterns_match_what_the_look_behind_first_ones_match():
    """``literal_first`` moves leading look-behinds after their literal: every match (span and
    groups) is the same, at the start of a text, after a guarded prefix, from a scan position."""
    import re

    from harvester.parsing.stats_text import literal_first

    patterns = [r"(?<!累计)(?<!应)主动公开(?:了)?\d+条", r"(?<!依申请)(?<!累计)(?:公开|公布)(?P<x>信息)\d*",
                r"(?<!部分)(?<!不)(?<!不予)(?:同意公开|予以公开)(?P<n>\d+)件", r"(?<!废止行政)规范性文件(?!类)\d件"]
    texts = ["主动公开12条", "累计主动公开12条，应主动公开3条；主动公开了4条", "依申请公开信息5 公布信息6 累计公开信息",
             "不予以公开2件，部分同意公开3件；同意公开4件，予以公开5件", "废止行政规范性文件2件，行政规范性文件3件 规范性文件类1件",
             "公开信息", "公开信息7公开信息8"]
    for pattern in patterns:
        rewritten = literal_first(pattern)
        assert rewritten != pattern and not rewritten.startswith("(?<!")
        old, new = re.compile(pattern), re.compile(rewritten)
        unguarded = re.compile(re.sub(r"^(?:\(\?<![^)]*\))+", "", pattern))
        # the texts hold matches, and matches the look-behinds turn down
        assert 0 < sum(len(old.findall(t)) for t in texts) < sum(len(unguarded.findall(t)) for t in texts)
        for text in texts:
            for pos in range(len(text)):
                got = [(m.span(), m.groupdict()) for m in new.finditer(text, pos)]
                assert got == [(m.span(), m.groupdict()) for m in old.finditer(text, pos)]
    assert literal_first(r"\d+(?<!1)条") == r"\d+(?<!1)条"  # nothing to move


def test_pair_pattern_grouped_by_first_character_matches_the_plain_one():
    """``_PAIR_RE`` (labels grouped by first character, the look-behind after it) finds every
    ``label:`` the plain ``PAIR_PATTERN`` finds, same spans and labels: spaced labels, labels
    inside longer ones (时间 in 发布时间), after Chinese and other characters, at the start, from
    every scan position, and on every line of the parsing fixtures."""
    import re
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.metadata import _PAIR_RE, PAIR_PATTERN
    from harvester.parsing.textutil import halfwidth

    plain = re.compile(PAIR_PATTERN)
    assert _PAIR_RE.pattern != PAIR_PATTERN and not _PAIR_RE.pattern.startswith("(?<!")
    texts = ["发布时间:2021-01-24 来源:某市 时间:x", "文 号 ：无|发 布 机 构:某局", "的时间:1 本文号:2 a时间:3",
             "时间", "时间时间:", "发布于:2020 发布 :", "信息来源：办公室 文章来源:网", "成文日期:主题分类：分类:",
             "x发布日期 : 2020-01-01发文日期:", " 索 引 号:  123", "浏览次数:12 打印 关闭：", ":：时间::"]
    fixtures = Path(__file__).parent / "fixtures"
    for path in sorted(fixtures.glob("**/*.html"))[::3]:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/x.html")
        texts += list(page.removed_lines or []) + page.text.split("\n")[:40]
    found = 0
    for text in map(halfwidth, texts):
        for start in range(0, min(len(text), 12)):
            got = [(m.span(), m.group("label")) for m in _PAIR_RE.finditer(text, start)]
            assert got == [(m.span(), m.group("label")) for m in plain.finditer(text, start)], text
            found += len(got)
    assert found > 100


def test_text_content_helper_is_lxmls_text_content():
    """``text_content(el)`` (libxml2's content walk) is ``el.text_content()`` (an XPath
    ``string()``) for every element: comments, processing instructions, scripts, entities,
    tails inside and the element's own tail outside, on crafted markup and every parsing fixture."""
    from pathlib import Path

    from harvester.cleaning.clean import parse_html
    from harvester.cleaning.text import text_content

    crafted = ("<html><body><div>a<!-- note -->b<?pi x?>c<span>d&amp;e&#x4e00;</span>tail "
               "<script>var x = '<p>';</script><p>文号<b>：</b>无</p>after</div>outer<br/>end"
               "<table><tr><td> <p><span>1</span> 2</p> </td><td></td></tr></table></body></html>")
    roots = [lxml.html.fromstring(crafted), parse_html(crafted)]
    fixtures = Path(__file__).parent / "fixtures"
    roots += [parse_html(path.read_text("utf-8", "replace")) for path in sorted(fixtures.glob("**/*.html"))[::4]]
    checked = 0
    for root in roots:
        for el in root.iter(lxml.etree.Element):
            assert text_content(el) == el.text_content()
            checked += 1
    assert checked > 1000


def test_halfwidth_remembered_or_not_is_the_translation():
    """``halfwidth`` (remembered for lines up to ``_MEMO_CHARS``, computed for longer texts) is
    the plain character mapping, asked once or many times."""
    from harvester.parsing.textutil import _HALFWIDTH, _MEMO_CHARS, halfwidth

    texts = ["", "（一）主动公开１２３条：ＡＢ　ｃ", "无全角", "\u00a0x\u3000"]
    texts += [t * (_MEMO_CHARS // max(1, len(t)) + 2) for t in texts if t]
    for _ in range(3):
        for text in texts:
            assert halfwidth(text) == text.translate(_HALFWIDTH)


def test_href_hint_in_two_scans_is_the_case_insensitive_pattern():
    """The attachment prefilter's href test (for an ASCII href a character class, then the words
    in the lower-cased href) says what the one case-insensitive pattern says, on crafted hrefs
    (upper case, Unicode case folds such as the Kelvin sign and long s, escapes, brackets) and
    every fixture link."""
    from pathlib import Path

    from harvester.parsing.attachments import _HREF_HINT_RE, href_hints

    hrefs = ["/a/B.PDF", "/x/DownLoad.do?id=1", "/FileDown/1", "/x.XlSx", "/x.\u212aey", "/x.xl\u017f", "/a%20b.htm",
             "/a\tb", "/a[1]", "/附件.htm", "/plain/page.html", "/attachment/", "/ATTACHMENT/", "/getFILE?x", "", "x.7Z",
             "/a.et", "/a.etc", "/docs/index.shtml", "/\u0130ndex.PDF", "/DOWNFILE.aspx", "/dl?down=1", "/x.PdF#p"]
    fixtures = Path(__file__).parent / "fixtures"
    for path in sorted(fixtures.glob("**/*.html")):
        hrefs += [a.get("href") or "" for a in lxml.html.fromstring(path.read_bytes()).iter("a")]
    hits = 0
    for href in hrefs:
        assert href_hints(href) == (_HREF_HINT_RE.search(href) is not None), href
        hits += href_hints(href)
    assert 10 < hits < len(hrefs) and sum(not h.isascii() for h in hrefs) >= 4


def test_prose_patterns_scanned_whole_or_by_candidate_lines_find_the_same_matches():
    """A prose pattern that opens with a literal scans the joined text whole; the others scan
    only the lines holding their rarest literal (``_matches``). Both give every match of the
    pattern over the joined text, in order: checked for every pattern on the prose of every
    parsing fixture (and the choice: number-led patterns go by lines, literal-led ones whole)."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.stats_text import PROSE_PATTERNS, _branch_matches, _matches, opens_with_literal
    from harvester.parsing.textutil import halfwidth

    assert opens_with_literal(re.compile("主动公开(?<!累计主动公开)")) and opens_with_literal(re.compile("(?:网站|政府网)x"))
    assert not opens_with_literal(re.compile(r"(?<![\d.])\d+件")) and not opens_with_literal(re.compile(r"(?:ab|\d+)c"))
    assert any(p.scans_whole for p in PROSE_PATTERNS) and not all(p.scans_whole for p in PROSE_PATTERNS)
    fixtures = Path(__file__).parent / "fixtures"
    found = 0
    for path in sorted(fixtures.glob("**/*.html"))[::2]:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/x.html")
        norms = [halfwidth(line) for line in page.text.split("\n") if "\t" not in line]
        joined = "\n".join(norms)
        starts, offset = [], 0
        for norm in norms:
            starts.append(offset)
            offset += len(norm) + 1
        for pattern in PROSE_PATTERNS:
            whole = [(m.span(), m.groupdict()) for m in pattern.regex.finditer(joined)]
            if pattern.needs:
                assert [(m.span(), m.groupdict()) for m in _matches(pattern, joined, starts)] == whole
            if pattern.branches:
                assert [(m.span(), m.groupdict()) for m in _branch_matches(pattern.branches, joined, {})] == whole
            found += len(whole)
    assert found > 50


def test_patterns_opening_with_alternatives_searched_apart_find_the_same_matches():
    """A pattern opening with a group of literal-led alternatives is searched one alternative at a
    time (``_branch_matches``): the same matches, groups and order as ``finditer``, where the
    alternatives overlap, share a start (the earlier one wins) or follow one another."""
    import random

    from harvester.parsing.stats_text import PROSE_PATTERNS, _branch_matches, opening_branches

    regex = re.compile(r"(?:ab|a|abc|bc(?!d))(?P<x>c?d*)")
    branches = opening_branches(regex)
    assert [literal for literal, _r in branches] == []  # not CJK-led: not split
    regex = re.compile(r"(?:收到|收|到申请|申(?<!到申))(?P<x>申?请*)")
    branches = opening_branches(regex)
    assert [literal for literal, _r in branches] == ["收到", "收", "到申请", "申"]
    assert opening_branches(re.compile("(?:收取|收费)x")) == ()  # read as 收 first: fast already
    assert opening_branches(re.compile("(?:收到|受理)?x")) == ()
    assert sum(1 for p in PROSE_PATTERNS if p.branches) >= 5
    rnd = random.Random(7)
    pieces = ["收到", "收", "到", "申", "请", "申请", "x", "\n"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 12)))
        expected = [(m.span(), m.groupdict()) for m in regex.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _branch_matches(branches, text, {})] == expected, text


TEXT_NODE_PAGES = [NESTED, """<html><body><div><p>a:</p>b:<span>主办</span></div><h2>c：-</h2>
<div><span>x</span>主办单位：某市人民政府办公室</div><p>主办单位<span>：</span>某县人民政府 版权</p>
<td>主办：某区政府</td><div>主办:<b>某镇</b>人民政府 承办</div>主办</body></html>""",
    # 主办 in a span's tail (not its .text) and in a <b> (no host tag): no host from either
    "<html><body><p><span><b>主办单位：某县人民政府</b></span>主办</p></body></html>"]


def _text_node_pages():
    from pathlib import Path

    pages = [lxml.html.document_fromstring(page) for page in TEXT_NODE_PAGES]
    for path in sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*")):
        pages.append(lxml.html.document_fromstring(path.read_bytes()))
    return pages


def test_text_nodes_answer_as_the_contains_xpaths():
    """``TextNodes.holding``/``parents`` give what ``descendant::text()[contains(...)]`` (and its
    ``/..``) give, from the page root and from a subtree (tails of its children included)."""
    from harvester.parsing.textnodes import TextNodes

    for root in _text_node_pages():
        for scope in (root, root.find("body")):
            if scope is None:  # a page without <body> (frameset)
                continue
            nodes = TextNodes(scope)
            for needles in ((":", "："), ("-",), ("主办",), ("年", "报告", "）")):
                test = " or ".join(f"contains(., '{n}')" for n in needles)
                texts = scope.xpath(f"descendant::text()[{test}]")
                got = nodes.holding(needles)
                assert [(s, s.getparent(), s.is_tail) for s in got] == [(s, s.getparent(), s.is_tail) for s in texts]
                assert nodes.parents(needles) == scope.xpath(f"descendant::text()[{test}]/..")


def _footer_host_by_walk(page):
    from harvester.parsing.parse import _HOST_RE

    for line in page.removed_lines or []:
        m = _HOST_RE.search(line)
        if m:
            return m.group(1)
    for el in page.root.iter("div", "p", "td", "span"):
        if "主办" in (el.text or ""):
            m = _HOST_RE.search(el.text_content())
            if m:
                return m.group(1)
    return None


def test_footer_host_from_the_text_nodes_is_the_element_walks():
    """The 主办单位 found among the text nodes holding 主办 is the one the walk over every div, p,
    td and span (their .text) found first, or none where it found none."""
    from harvester.cleaning import CleanedPage
    from harvester.parsing.parse import _footer_host
    from harvester.parsing.textnodes import TextNodes

    found = 0
    for root in _text_node_pages():
        page = CleanedPage(url="http://x.gov.cn/", site=None, encoding="utf-8", root=root, content=root, text="")
        expected = _footer_host_by_walk(page)
        assert _footer_host(page) == expected == _footer_host(page, TextNodes(root))
        found += expected is not None
        for el in list(root.iter("div", "p", "td", "span"))[:1]:  # each other first candidate
            el.getparent().remove(el)
            assert _footer_host(page) == _footer_host_by_walk(page)
    assert found >= 2


def test_names_title_as_the_case_insensitive_pattern():
    """A class or id names a title (``_names_title``) where ``_TITLE_CLASS_RE`` finds one: ASCII
    values lower-cased and searched for the words, others by the pattern itself."""
    from pathlib import Path

    from harvester.parsing.parse import _TITLE_CLASS_RE, _names_title

    values = ["Title", "TITLE", "sub-title", "BiaoTi", "bt", "BT", "bt-x", "bt_x", "xbt", "bt1", "bt.x", "a bt",
              "tit le", "title2", "biaot", "tİtle", "TİTLE", "btİ", "标题bt", "bt标题", "ﬁtle", "", " "]
    for path in sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*")):
        root = lxml.html.document_fromstring(path.read_bytes())
        values += [str(v) for v in root.xpath("//@class | //@id")]
    verdicts = [_TITLE_CLASS_RE.search(v) is not None for v in values]
    assert [_names_title(v) for v in values] == verdicts
    assert True in verdicts and False in verdicts


def test_title_candidates_read_lazily_choose_what_every_candidate_read_chooses():
    """``choose_title`` reads a candidate only when the ones before it are no report title: the
    same title as reading them all first, on every parsing fixture and real page."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.metadata import extract_metadata
    from harvester.parsing.parse import _heading_texts, choose_title
    from harvester.parsing.title import (join_cjk, looks_like_report_title, title_from_lines, title_from_page_title,
                                         title_quoted_in_opening, year_of)

    def eager(page, md, lines):
        headings = [h for h in _heading_texts(page.root, page.names) if year_of(h)]
        candidates = [md.name, *headings, title_from_page_title(page.page_title), title_from_lines(lines),
                      title_quoted_in_opening(lines)]
        return next((join_cjk(c) for c in candidates if c and looks_like_report_title(c)), None)

    pages = sorted(Path(__file__).parent.joinpath("fixtures").glob("*/**/*.html"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    chosen = set()
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        lines = page.text.split("\n")
        md = extract_metadata(page.root, list(page.removed_lines or []) + lines[:25], page.meta or {})
        title = choose_title(page, md, lines)
        assert title == eager(page, md, lines), path
        chosen.add(md.name is not None and title == join_cjk(md.name))
    assert chosen == {True, False}  # some titles from the metadata name, some from later candidates


def test_region_texts_read_lazily_give_the_region_every_text_gives():
    """``_region`` reads the footer host (and the other texts) only while none before names a
    region: the same region and source as the list of every text, on every parsing fixture and
    real page."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing import parse_cleaned
    from harvester.parsing.metadata import extract_metadata
    from harvester.parsing.parse import _footer_host, _region_texts
    from harvester.parsing.region import region_of

    pages = sorted(Path(__file__).parent.joinpath("fixtures").glob("*/**/*.html"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    sources = set()
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        item = parse_cleaned(page).item
        lines = page.text.split("\n")
        md = extract_metadata(page.root, list(page.removed_lines or []) + lines[:25], page.meta or {})
        meta = {k.lower(): v for k, v in (page.meta or {}).items()}
        every = [("agency", item.agency), ("title", item.title), ("publisher", md.publisher),
                 ("meta SiteName", meta.get("sitename")), ("meta ContentSource", meta.get("contentsource")),
                 ("footer 主办单位", _footer_host(page))]
        assert list(_region_texts(page, item, md)) == every, path
        expected = region_of(every)
        assert region_of(_region_texts(page, item, md)) == expected, path
        sources.add(expected.source if expected else None)
    assert len(sources) >= 3


def test_text_pairs_skips_only_lines_without_a_colon():
    """``text_pairs`` returns at once for a line without ':' or '：'; the pattern scan finds no
    pair in any such line (fixture and real page lines, crafted ones), and only half-width makes
    a colon of '：'."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.metadata import _LABEL_TO_FIELD, _PAIR_RE, text_pairs
    from harvester.parsing.textutil import _HALFWIDTH, halfwidth

    assert [chr(k) for k, v in _HALFWIDTH.items() if v == ord(":")] == ["："]
    lines = ["发布机构：某局", "发布机构:某局 文号：无", "发布机构　某局", "索引号 123", "成文日期﹕2020", "来源∶某局",
             "发布日期\uff1a2020-01-01", "主题分类\u3000：其他", "", "：", "发布时间", "信息来源ː某局"]
    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        lines += list(page.removed_lines or []) + (page.text or "").split("\n")
    with_pairs = 0
    for line in lines:
        scanned = [m for m in _PAIR_RE.finditer(halfwidth(line)) if squash(m["label"]) in _LABEL_TO_FIELD]
        if ":" not in line and "：" not in line:
            assert not scanned and text_pairs(line) == [], line
        elif scanned:
            with_pairs += 1
            assert text_pairs(line), line
    assert with_pairs >= 5  # the crafted lines and the pages' bylines


def test_closing_dates_of_the_lines_the_filter_passes_over_are_none():
    """``_closing_date`` reads only lines ending in a digit or 日 and holding 年 or a separator:
    on every fixture and real page line and on crafted closings (full-width digits and
    separators, Chinese numerals, a trailing ideographic space, a time, other decimal digits) it
    gives what the two patterns give on every line."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.title import _closing_date, _closing_date_by_patterns

    lines = ["二○一○年三月四日", "二〇一七年十二月三十一日\u3000", "肇庆市人民政府办公室 2015年3月20日", "2015-03-20",
             "２０１５．０３．２０", "２０１５－３－２０", "2015／3／20", "某局\t2019-12-25 22:27:54", "2019年12月25日。",
             "某县人民政府 2020年1月2", "2020年1月2日 ", "某局 ٢٠٢٠-٠١-٠٢", "2020\t年\t3\t月\t4\t日", "某局  2021.1.5",
             "2020年", "2020-1", "发布于2020年1月2日", "某局\u00a02020年1月2日", ""]
    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        lines += (page.text or "").split("\n")
    found = 0
    for line in lines:
        expected = _closing_date_by_patterns(line)
        assert _closing_date(line) == expected, line
        found += expected[0] is not None
    assert found >= 12


def test_report_markers_count_the_same_on_the_text_as_on_its_half_width_form():
    """``report_markers`` reads the text as it is: its patterns are CJK literals only (no class,
    no wildcard, no character half-width maps), so each finds a match in the text where it finds
    one in the half-width text; checked on every fixture and real page body and crafted ones."""
    from pathlib import Path
    from re import _constants as c, _parser  # type: ignore[attr-defined]

    from harvester.cleaning import clean_page
    from harvester.parsing.classify import _REPORT_MARKERS, report_markers
    from harvester.parsing.textutil import _HALFWIDTH, halfwidth

    def literals(items):
        for op, arg in items:
            if op is c.LITERAL:
                yield arg
            elif op is c.SUBPATTERN:
                yield from literals(arg[3])
            elif op is c.BRANCH:
                for alternative in arg[1]:
                    yield from literals(alternative)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                yield from literals(arg[2])
            else:
                raise AssertionError(f"{op} in a report marker")

    for regex in _REPORT_MARKERS:
        for code in literals(_parser.parse(regex.pattern, regex.flags)):
            assert code >= 0x3400 and code not in _HALFWIDTH and code not in _HALFWIDTH.values()
    texts = ["统计期限：２０２０年", "主动公开情况，依申请公开（一）", "本年度报告。\u3000行政复议", "ＡＢＣ"]
    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    for path in pages:
        texts.append(clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name).text or "")
    counts = [report_markers(text) for text in texts]
    assert counts == [sum(1 for regex in _REPORT_MARKERS if regex.search(halfwidth(text))) for text in texts]
    assert max(counts) >= 5


def test_number_led_patterns_tried_where_a_number_starts_find_every_match():
    """A number-led prose pattern is tried only where a number starts (``_number_led_matches``):
    the same matches, groups and order as ``finditer`` on crafted lines (digit runs after '.' or
    ',', Chinese numerals next to each other, 万/余, numbers at the line's ends) and on the prose
    of every fixture and real page, for every number-led pattern, whole text and line by line."""
    import random
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.parsing.stats_text import _NUMBER_FIRST, PROSE_PATTERNS, _number_led_matches
    from harvester.parsing.textutil import halfwidth

    number_led = [p.regex for p in PROSE_PATTERNS if p.regex.pattern.startswith(_NUMBER_FIRST)]
    assert len(number_led) >= 5 and all(not p.scans_whole for p in PROSE_PATTERNS if p.regex in number_led)
    pieces = ["12", "1,234", "3.5", ".7", "0", "一", "十二", "两", "万", "余", "件", "条", "网上", "申请", "当面", "提出",
              "行政复议", "案件", "收到", "行政诉讼", "新闻发布会", "场", "信函", "结转", "非本机关", "，", "。", " ", "共", "\n"]
    rnd = random.Random(5)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 25))) for _ in range(1500)]
    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        texts.append("\n".join(halfwidth(line) for line in (page.text or "").split("\n") if "\t" not in line))
    found = 0
    for text in texts:
        bounds = [(0, len(text))]
        offset = 0
        for line in text.split("\n"):
            bounds.append((offset, offset + len(line) + 1))
            offset += len(line) + 1
        for regex in number_led:
            for pos, end in bounds:
                expected = [(m.span(), m.groupdict()) for m in regex.finditer(text, pos, end)]
                assert [(m.span(), m.groupdict()) for m in _number_led_matches(regex, text, pos, end)] == expected
                found += len(expected)
    assert found > 100
