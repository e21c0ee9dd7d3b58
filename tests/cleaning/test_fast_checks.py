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
    assert clean._MAY_RUN_AT_START_RE.match(html) or clean._MAY_RUN_RE.search(html)


def test_short_runs_and_closed_tags_fail_the_cheap_test() -> None:
    html = "<div><p>x</p></div>" * 2000
    assert not (clean._MAY_RUN_AT_START_RE.match(html) or clean._MAY_RUN_RE.search(html))


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


@pytest.mark.parametrize("html", [
    "<b>" * 1001 + "x", "<b>" * 1000 + "x", "</p>" + "<i>" * 1001, "</p>" + "<i>" * 1000 + "</i>" + "<i>" * 1000,
    "a<<" * 600, "</x>" + "<a href='/x'>t" * 1001, "</x>" + "<a>t</a>" * 1200, "x" * 30 + "<" * 1001 + "/",
])
def test_possessive_run_regexes_match_as_the_plain_ones(html: str) -> None:
    """``[^<]*+`` (possessive) in the cheap run tests gives what ``[^<]*`` gave: the character
    after it is a '<', which no character given back could be."""
    plain_start = re.compile(r"(?:[^<]*<(?!/)){%d}" % (clean.MAX_TAG_RUN + 1))
    plain = re.compile(r"</(?:[^<]*<(?!/)){%d}" % (clean.MAX_TAG_RUN + 1))
    for text in (html, "</y>" + html, html + "</z>" + html):
        assert bool(clean._MAY_RUN_AT_START_RE.match(text)) == bool(plain_start.match(text))
        found, expected = clean._MAY_RUN_RE.search(text), plain.search(text)
        assert (found and found.span()) == (expected and expected.span())
