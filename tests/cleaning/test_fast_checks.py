"""The cheap tests parse_html runs before its costly ones say yes wherever the costly ones would
act: deep elements found by an XPath path as by a walk counting depth, bad character
references, runs of opening tags; and a long page parsed from its UTF-8 bytes is the same tree."""

from __future__ import annotations

import re

import lxml.html
import pytest
from lxml import etree

from harvester.cleaning import clean
from harvester.cleaning.clean import parse_html
from harvester.cleaning.text import shown_text, text_content


def _deep_by_walk(root) -> list:
    depth, out = 0, []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > clean.MAX_DEPTH and isinstance(el.tag, str):
                out.append(el)
        else:
            depth -= 1
    return out


@pytest.mark.parametrize("levels", [5, 119, 120, 121, 300])
def test_too_deep_elements_by_path_as_by_walk(levels: int) -> None:
    html = "<html><body>" + "<div><span>x</span>" * levels + "</div>" * levels + "<p>end</p></body></html>"
    root = lxml.html.document_fromstring(html, parser=clean._PARSER)
    assert clean._TOO_DEEP_XPATH(root) == _deep_by_walk(root)


def test_every_dropped_character_reference_is_flagged() -> None:
    codes = [*range(0, 0x120), *range(0xD7F0, 0xE010), *range(0xFFF0, 0x10010), 0x10FFFF, 0x110000, 10**9]
    refs = [f"&#{c};" for c in codes] + [f"&#x{c:x};" for c in codes] + [f"&#X{c:04X}" for c in codes]
    refs += ["&#000000000011;", "&#00000000119", "&#x00000000b;", "&#0000000011", "&#x0000000D800"]
    for ref in refs:
        dropped = clean._CHAR_REF_RE.sub(clean._drop_bad_char_ref, ref) != ref
        if dropped:
            assert clean._BAD_CHAR_REF_RE.search(ref), ref
    assert not clean._BAD_CHAR_REF_RE.search("&#20013;&#x4e2d;&#160;&#9;&#10;&#13;&#0;")


@pytest.mark.parametrize("html", [
    "<b>" * 1001 + "x",
    "<p>a</p>" + "<i class='c'>\n" * 1500 + "x",
    "x" * 50 + "<span >  " * 1200,
])
def test_tag_runs_pass_the_cheap_test(html: str) -> None:
    assert clean._TAG_RUN_RE.search(html)
    assert clean._may_hold_tag_run(html)


@pytest.mark.parametrize("html", [
    "<div><p>x</p></div>" * 2000,
    "<script>" + "if (a < b) { c = d; }\n" * 600 + "</script>" + "<p>x</p>" * 500,  # long, few '<'
    "<p>" + "中文报告" * 5000 + "</p>",  # one long text without closing tags
    "<br>" * 1000 + "</p>" + "<br>" * 1000,
])
def test_short_runs_and_closed_tags_fail_the_cheap_test(html: str) -> None:
    assert not clean._TAG_RUN_RE.search(html)
    assert not clean._may_hold_tag_run(html)


@pytest.mark.parametrize("extra", ["", "\ufffe", "\x07", "&#11;", "&#xFFFF;"])
def test_long_page_parses_as_the_same_tree_from_bytes_or_text(extra: str) -> None:
    body = "<html><head><meta charset='gbk'></head><body>" + "<p>中文报告（一）</p>" * 600 + extra + "</body></html>"
    fast = parse_html(body)
    # the plain path: the text parser on the same cleaned text
    text = re.sub("[\ufffe\x07]", "", body).replace("&#11;", "").replace("&#xFFFF;", "")
    plain = lxml.html.document_fromstring(text, parser=clean._PARSER)
    assert lxml.html.tostring(fast, encoding=str) == lxml.html.tostring(plain, encoding=str)


@pytest.mark.parametrize("prefix, suffix", [(b"", b""), (b"\xef\xbb\xbf", b""), (b"", b"\xff\xfe bad bytes")])
def test_utf8_body_bytes_reused_only_where_they_are_the_text(prefix: bytes, suffix: bytes) -> None:
    from harvester.cleaning import clean_page

    html = ("<html><head><meta charset='utf-8'></head><body><div class='article-content'>"
            + "<p>本年度报告（一）</p>" * 400 + "</div></body></html>").encode()
    plain = clean_page(html, None, "http://x.gov.cn/a.html")
    page = clean_page(prefix + html.replace(b"</body>", suffix + b"</body>"), None, "http://x.gov.cn/a.html")
    assert page.text.startswith(plain.text) and "\ufeff" not in page.text
    assert lxml.html.tostring(page.root.find("head"), encoding=str) == lxml.html.tostring(plain.root.find("head"), encoding=str)


@pytest.mark.parametrize("extra, dropped", [("", False), ("\u00a0\u00b7", False), ("\x85", True), ("\x9f\u00a0", True),
                                            ("\x07", True), ("\u0100", False)])
def test_long_text_control_check_with_and_without_the_c1_lead_byte(extra: str, dropped: bool) -> None:
    """A long text keeps its UTF-8 bytes only when it holds no control character: C1 ones
    (U+0080-U+009F, UTF-8 ``\\xc2`` + a byte) are found whether or not other ``\\xc2`` characters
    (nbsp, ·) are there, and a text without any ``\\xc2`` byte is not scanned for them."""
    from harvester.cleaning.text import _CONTROL_RE, strip_controls_utf8

    text = "<p>中文报告（一）</p>" * 400 + extra
    stripped, raw = strip_controls_utf8(text)
    assert stripped == _CONTROL_RE.sub("", text)
    assert (raw is None) == dropped and (raw is None or raw == text.encode("utf-8"))


def _runs_around_every_chunk_edge() -> list[str]:
    """Runs just long enough and one tag short, shifted across a chunk boundary, between
    closing tags, text, '<' characters of scripts and other runs."""
    run, short = "<b>" * (clean.MAX_TAG_RUN + 1), "<b>" * clean.MAX_TAG_RUN
    step = clean._RUN_CHUNK
    texts = []
    for shift in (0, 1, 3, step - 2, step - 1, step + 1, 2 * step - 1):
        for before in ("x" * shift, "</p>" * (shift // 4) + "x" * (shift % 4), "a<" * (shift // 2)):
            for core in (run, short, "<i class='c'>\n" * 1001, "<span >  " * 1200, "<" * 1001 + "/"):
                for after in ("", "<<" + "</x>" * 3 + "t" * step):
                    texts.append(before + core + after)
                    texts.append("</div>" + before + core + "</p>" + short + after)
    return texts


def test_may_hold_tag_run_says_yes_wherever_the_run_regex_matches() -> None:
    """The chunk test is a necessary condition of ``_TAG_RUN_RE``: whatever it rules out, the
    run regex (what cuts the text) finds nothing in either."""
    import random

    texts = _runs_around_every_chunk_edge()
    rnd = random.Random(10)
    pieces = ["<b>", "<i x='1'>", " ", "\n", "</p>", "t", "中文", "<", "a<b", "<br/>", "</"]
    for _ in range(150):  # random mixtures with long stretches of opening tags
        tags = rnd.choice([990, 1000, 1001, 1002, 1500])
        texts.append("".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 4000)))
                     + "".join(rnd.choice(["<b>", "<i x='1'>", "<p> ", "<br/>\n"]) for _ in range(tags))
                     + "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 200))))
    matched = 0
    for text in texts:
        if clean._TAG_RUN_RE.search(text):
            matched += 1
            assert clean._may_hold_tag_run(text), text[:80]
    assert 100 < matched < len(texts)  # both kinds were tried


def test_real_pages_need_no_tag_run_scan() -> None:
    from pathlib import Path

    pages = sorted((Path(__file__).parent.parent / "fixtures" / "pages").glob("*.html"))
    shared = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pingtan"
    pages += sorted(shared.glob("*.html"))
    assert pages
    for path in pages:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not clean._TAG_RUN_RE.search(text)
        assert not clean._may_hold_tag_run(text), path.name


def _has_pinyin_by_scans(text: str) -> bool:
    """``has_pinyin`` as it was: the candidate regexes scanned over the whole text."""
    from harvester.cleaning import pinyin

    for candidate in pinyin._PAREN_RE.finditer(text):
        start = candidate.start()
        if start and (pinyin._CJK_CHAR_RE.match(text, start - 1) or text[start - 1] in pinyin._LOST):
            match = pinyin._ANNOTATION_RE.match(text, start)
            if match and pinyin._is_annotation(match.group(1) or match.group(2), match.group(1) is None):
                return True
    for candidate in pinyin._LOST_RE.finditer(text):
        match = pinyin._ANNOTATION_RE.match(text, candidate.start() + 1)
        if match and match.group(2) and pinyin._is_annotation(match.group(2), True):
            return True
    return False


def test_has_pinyin_at_the_candidate_characters_as_by_the_scans() -> None:
    """Trying the patterns only where '(', '（' or a lost character is gives the verdict of the
    regex scans over the whole text, on annotated, lost-character and plain texts."""
    import random
    from pathlib import Path

    from harvester.cleaning.pinyin import has_pinyin

    pieces = ["关", "(guān)", "（bào）", "(de)", "(a)", "?", "？", "\ufffd", "jī)", "(", "（", ")", "）",
              "(GDP)", "（一）", " ", "网站（www", "x?type=1", "(ma ", "de)", "報告", "ǎ",
              "\u33ff", "\u3400", "\U00020000", "f", "\n"]
    rnd = random.Random(10)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 30))) for _ in range(3000)]
    pages = Path(__file__).resolve().parents[1] / "parsing" / "fixtures"
    texts += [lxml.html.document_fromstring(p.read_bytes()).text_content() for p in sorted(pages.rglob("*.htm*"))]
    verdicts = [_has_pinyin_by_scans(text) for text in texts]
    assert [has_pinyin(text) for text in texts] == verdicts
    assert True in verdicts and False in verdicts


def test_bad_reference_look_ahead_turns_away_only_what_the_body_cannot_match() -> None:
    """``_BAD_CHAR_REF_RE`` finds what ``&#`` + its body alone finds, where it finds it: the
    look-ahead only turns away references the body cannot match (every decimal reference up to
    70,000, zero-padded, with and without ';', and hex ones)."""
    plain = re.compile("&#" + clean._BAD_CHAR_REF_BODY)
    refs = [f"&#{prefix}{n}{end}" for n in range(70000) for prefix in ("", "0") for end in (";", "", "1;", "x")]
    refs += [f"&#{x}{n:x}{end}" for n in range(0x11000) for x in ("x", "X") for end in (";", "")]
    refs += ["&#12345678901;", "&#39;&#1;", "a&#39;b&#32;&#31;", "&#39&#9999;&#10000;"]
    flagged = 0
    for ref in refs:
        found, expected = clean._BAD_CHAR_REF_RE.search(ref), plain.search(ref)
        assert (found and found.span()) == (expected and expected.span()), ref
        flagged += expected is not None
    assert 0 < flagged < len(refs)


def test_long_text_keeps_its_bytes_unless_a_control_character_is_there() -> None:
    """Each ASCII character alone in a long text: the bytes are dropped (the text stripped) exactly
    for the control characters ``_CONTROL_RE`` strips."""
    from harvester.cleaning.text import _CONTROL_RE, strip_controls_utf8

    for code in range(128):
        text = "<p>中文报告（一）</p>" * 400 + chr(code)
        stripped, raw = strip_controls_utf8(text)
        control = _CONTROL_RE.search(chr(code)) is not None
        assert (raw is None) == control, code
        assert stripped == (text[:-1] if control else text)


#: Blocks the line walk may read whole (``_walks_as_text``) or must walk: nested inline tags,
#: <br>, comments, scripts and styles, nested blocks, a data table, empty blocks, Word's
#: <o:p>/<font>, full-width and zero-width characters, text around blocks.
WALKED_BLOCKS = [
    "<p><span>一</span><span>二</span></p>", "<p> <span><font><b>a</b> b</font></span>\u3000</p>",
    "<p>x<br>y</p>", "<p>x<!-- c -->y</p>", "<p><!-- c --></p>", "<p><span>s<script>var a=1;</script>t</span></p>",
    "<p>q<style>p{}</style>r</p>", "<p><span>Ｗｏｒｄ<o:p></o:p></span></p>", "<p><o:p>&nbsp;</o:p></p>",
    "<p></p>", "<p> </p>", "<p><span> </span></p>", "<div><p>a</p>b</div>", "<div>t<span>u</span></div>",
    "<div><span>v</span><div>w</div></div>", "<li><a href='x'>link</a> tail</li>", "<h2><span>标题</span></h2>",
    "<p><span>a\u200bb</span><span>\u00adc</span></p>", "<p><img src='x.png'>img<input></p>",
    "<dl><dt><b>k</b></dt><dd><i>v</i></dd></dl>", "<p><span><i><div>h</div></i></span></p>",
    "<p><span>in<table><tr><td>1</td><td>2</td></tr></table>after</span></p>",
    "<p><textarea>ta</textarea>z</p>", "<p><?pi x?>pi</p>", "<p><span><noscript>n</noscript>o</span></p>",
    "<table><tr><td><p><span>1</span></p></td><td>二<br>三</td></tr></table>",
    "<table><tr><td><div><span>长</span></div>" + "字" * 210 + "</td></tr></table>",
]


def _walked_lines(html: str, fast: bool, monkeypatch: pytest.MonkeyPatch):
    import harvester.cleaning.text as text_module

    root = lxml.html.document_fromstring(html)
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(text_module, "_walks_as_text", lambda el: False)
        texts: dict = {}
        lines = text_module.element_lines(root.find("body"), texts)
    elements = list(root.iter())
    return ([(line.text, elements.index(line.element), line.is_table_row) for line in lines],
            sorted(texts.values()))


def test_blocks_read_whole_give_the_lines_of_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block of inline markup only is read as normalise_line(text_content()): the lines (text,
    owner, row flag) and cell texts the element walk gives, block by block and all together."""
    import harvester.cleaning.text as text_module

    pages = [f"<html><body><div>lead{b}tail</div></body></html>" for b in WALKED_BLOCKS]
    pages.append("<html><body>" + "\n".join(WALKED_BLOCKS) + "</body></html>")
    for html in pages:
        assert _walked_lines(html, True, monkeypatch) == _walked_lines(html, False, monkeypatch), html
    blocks = [el for b in WALKED_BLOCKS for el in lxml.html.fragment_fromstring(b, create_parent="div")
              if len(el)]
    verdicts = [text_module._walks_as_text(el) for el in blocks]
    assert True in verdicts and False in verdicts  # both paths taken


def test_blocks_read_whole_on_every_fixture_and_real_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same lines and owners, read whole or walked, on every fixture page and real page."""
    from pathlib import Path

    import harvester.cleaning.text as text_module
    from harvester.cleaning import clean_page

    tests = Path(__file__).resolve().parents[1]
    pages = sorted(tests.joinpath("parsing", "fixtures").rglob("*.htm*")) + sorted(tests.joinpath("fixtures", "pages").glob("*.html"))
    shared = tests.parent.parent / "shared" / "corpus" / "pingtan"
    pages += sorted(shared.glob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        if page.content is None:
            continue
        fast = [(line.text, line.element, line.is_table_row) for line in text_module.element_lines(page.content)]
        with monkeypatch.context() as patch:
            patch.setattr(text_module, "_walks_as_text", lambda el: False)
            walked = [(line.text, line.element, line.is_table_row) for line in text_module.element_lines(page.content)]
        assert fast == walked, path


def test_is_spam_finds_what_the_whole_spam_pattern_finds() -> None:
    """``is_spam`` (the CJK-led words, then the Latin-led ones where 365 or 电子 occurs) says what
    ``SPAM_RE.search`` says: on crafted texts in any case, every fixture and real page line and
    link text. Its Latin-led words each hold 365 or 电子, its other words open with a character
    that has no case."""
    import random
    from pathlib import Path
    from re import _parser  # type: ignore[attr-defined]

    from harvester.cleaning import clean_page
    from harvester.cleaning.chrome import _SPAM_CJK_RE, _SPAM_LATIN, SPAM_RE, is_spam

    for alternative in _parser.parse(_SPAM_CJK_RE.pattern, _SPAM_CJK_RE.flags)[0][1][1]:
        first = alternative[0][1]
        assert chr(first).lower() == chr(first).upper() == chr(first)
    assert all("365" in word or "电子" in word for word in _SPAM_LATIN.split("|"))
    pieces = ["BET365", "Bet365", "bet", "365", "pG电子", "PG", "电子", "电子游艺", "彩票APP", "彩票", "App", "世界杯",
              "世界杯投注", "赌", "球", "下", "注", "足彩", "\u212a", "ſ", " ", "报告", "2020年", "www.gov.cn"]
    rnd = random.Random(3)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 8))) for _ in range(3000)]
    tests = Path(__file__).resolve().parents[1]
    pages = sorted(tests.joinpath("parsing", "fixtures").rglob("*.htm*")) + sorted(tests.joinpath("fixtures", "pages").glob("*.html"))
    pages += sorted((tests.parent.parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        texts += (page.text or "").split("\n") + page.removed_lines
        if page.root is not None:
            texts += ["".join(a.itertext()) for a in page.root.iter("a")]
    verdicts = [SPAM_RE.search(text) is not None for text in texts]
    assert [is_spam(text) for text in texts] == verdicts
    assert sum(verdicts) > 100 and not all(verdicts)


def _looks_traditional_counting_all(root, text: str, attributes) -> bool:
    """``document_looks_traditional`` as it was: every Traditional character of the text counted."""
    from harvester.cleaning import chinese

    pattern = chinese._traditional_re()
    shown = len(pattern.findall(text))
    if shown:
        for el in root.iter("script", "style"):
            shown -= len(pattern.findall(el.text or ""))
        for el in root.iter("a"):
            label = el.text or ""
            if len(el) == 0 and chinese._VERSION_LABEL_RE.fullmatch(label):
                shown -= len(pattern.findall(label))
        if shown > 0:
            return True
    return pattern.search("\n".join(attributes)) is not None


def test_traditional_characters_counted_only_as_far_as_needed() -> None:
    """``document_looks_traditional`` (the Traditional characters of the text but scripts' and
    styles', counted only past those of the version labels) says what counting them all in the
    whole text says: crafted pages around the limit, every fixture and real page, parsed as the
    cleaner parses them."""
    from pathlib import Path

    from harvester.cleaning import chinese

    bodies = ["<a href='/tw/'>繁體版</a><p>简体报告</p>", "<a>繁體版</a><p>報告</p>", "<p>简体</p>", "<p>報</p>",
              "<script>var 報='報告';</script><p>简体</p>", "<script>var x='報';</script><p>報</p>",
              "<a>繁體版</a><a>正體中文</a><p>简体</p>", "<a>繁體版</a><a>繁體版</a><p>體</p>",
              "<style>/* 體 */</style><a>繁體版</a>", "<a><span>繁體版</span></a><p>简体</p>",
              "<p title='報告'>简体</p>", "<a>繁體版</a><img alt='體'>", "",
              "<a>繁體版</a><script>var x='報';</script><p>報</p>", "<a>繁體版</a><script>var x='報';</script>",
              "<a>繁體版</a><script>'報報'</script><p>報</p>", "<a>繁體版</a><script>'報報'</script><style>體</style>",
              "<script>'報報'</script><p>報報</p><a>繁體版</a>"]
    pages = [f"<html><body>{body}</body></html>" for body in bodies]
    tests = Path(__file__).resolve().parents[1]
    paths = sorted(tests.joinpath("parsing", "fixtures").rglob("*.htm*")) + sorted(tests.joinpath("fixtures", "pages").glob("*.html"))
    paths += sorted((tests.parent.parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    pages += [path.read_bytes().decode("utf-8", "replace") for path in paths]
    verdicts = []
    for markup in pages:
        root = parse_html(markup)
        text, attributes = text_content(root), chinese.TEXT_ATTRIBUTES(root)
        expected = _looks_traditional_counting_all(root, text, attributes)
        assert chinese.document_looks_traditional(root, markup, shown_text(root), attributes) == expected, markup[:200]
        assert chinese.document_looks_traditional(root) == expected, markup[:200]
        verdicts.append(expected)
    assert verdicts[:18] == [False, True, False, True, False, True, False, True, False, True, True, True, False,
                            True, False, True, False, True]
    assert True in verdicts[18:] and False in verdicts[18:]


def test_shown_text_is_every_text_node_but_those_of_scripts_and_styles() -> None:
    """``shown_text`` (one XSLT pass) joins the text nodes an XPath predicate selects, on crafted
    pages and every fixture and real page, parsed as the cleaner parses them."""
    from pathlib import Path

    reference = etree.XPath("descendant::text()[not(parent::script or parent::style)]", smart_strings=False)
    bodies = ["", "<p>a</p>", "<script>x</script>t<style>y</style>u", "<p>a<script>s</script>b</p>c",
              "<noscript>n</noscript><template>t</template><!-- c --><title>T</title>", "<p title='x'>&#26376;</p>"]
    pages = [f"<html><head><script>h</script></head><body>{body}</body></html>" for body in bodies]
    tests = Path(__file__).resolve().parents[1]
    paths = sorted(tests.joinpath("parsing", "fixtures").rglob("*.htm*")) + sorted(tests.joinpath("fixtures", "pages").glob("*.html"))
    paths += sorted((tests.parent.parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    pages += [path.read_bytes().decode("utf-8", "replace") for path in paths]
    for markup in pages:
        root = parse_html(markup)
        assert shown_text(root) == "".join(reference(root)), markup[:200]


class _ReferenceLineBuilder:
    """The line walk without its shortcuts for text-only blocks and bare cells: every block
    walked, every row's cells by ``iterchildren("td", "th")`` (the reference of the
    ``element_lines`` shortcuts)."""

    def __new__(cls, cell_texts):
        import harvester.cleaning.text as t

        class Reference(t._LineBuilder):
            def walk(self, el, block):
                tag = t._tag(el)
                if tag is None or tag in t.SKIP_TAGS:
                    return
                if tag == "table" and not t._is_layout_table(el):
                    self.flush()
                    self._table(el)
                    return
                is_block = tag in t._LINE_TAGS
                if is_block:
                    self.flush()
                    block = el
                if tag == "br":
                    self.flush()
                self.add(el.text, block)
                for child in el:
                    self.walk(child, block)
                    if child.tail:
                        self.add(child.tail, block)
                if is_block:
                    self.flush()

            def _table(self, table):
                for row in table.iter("tr"):
                    cells = []
                    texts = self.cell_texts
                    for cell in row.iterchildren("td", "th"):
                        if len(cell):
                            parts, raw = [], []
                            if t._inline_text(cell, parts, raw) and texts is not None:
                                texts[cell] = "".join(raw)
                            cells.append(t.normalise_line("".join(parts)))
                        else:
                            if texts is not None:
                                texts[cell] = cell.text or ""
                            cells.append(t.normalise_line(cell.text or ""))
                    text = "\t".join(cells).rstrip("\t")
                    if text.strip("\t"):
                        self.lines.append(t.Line(text, row, is_table_row=True))

        return Reference(cell_texts)


def _reference_lines(el):
    builder = _ReferenceLineBuilder({})
    builder.walk(el, el)
    builder.flush()
    return builder.lines, builder.cell_texts


LEAF_BLOCKS = [
    "<p>plain</p><p></p><p> </p><p>\u3000全角　空格\u3000</p><div>a<p>b</p>c</div>tail<p>x</p>after",
    "<table><tr><td>1</td><!-- c --><th> 2 </th><td></td><td><p>单元</p></td><td>a<br/>b</td></tr>"
    "<tr><td><p><span>x</span></p>\n</td><td><div>d</div><p>e</p></td></tr></table>",
    "<table><tr><td><table><tr><td>nested</td></tr></table></td><td>leaf</td></tr></table><li>item</li><h2></h2>",
    "<div><br/>x<br/></div><ul><li>一</li><li><b>二</b></li></ul><td>stray cell</td>",
]


def test_text_only_blocks_and_bare_cells_give_the_lines_of_the_walk() -> None:
    """``element_lines`` (a block holding text alone made its line directly, a row's cells found
    by tag name, a bare cell read first) gives the lines, owners and cell texts of the full walk,
    on crafted blocks and on every fixture and real page."""
    from pathlib import Path

    from harvester.cleaning import clean_page
    from harvester.cleaning.text import element_lines

    contents = [lxml.html.fragment_fromstring(html, create_parent="div") for html in LEAF_BLOCKS]
    tests = Path(__file__).resolve().parents[1]
    paths = sorted(tests.joinpath("parsing", "fixtures").rglob("*.htm*")) + sorted(tests.joinpath("fixtures", "pages").glob("*.html"))
    paths += sorted((tests.parent.parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    assert len(paths) > 20
    for path in paths:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        contents += [el for el in (page.content, page.root) if el is not None]
    for content in contents:
        texts: dict = {}
        fast = [(line.text, line.element, line.is_table_row) for line in element_lines(content, texts)]
        lines, reference_texts = _reference_lines(content)
        assert fast == [(line.text, line.element, line.is_table_row) for line in lines]
        assert texts == reference_texts
