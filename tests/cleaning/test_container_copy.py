"""The report container is copied only when something in it goes: the page's own tree (which
the parser reads for metadata, headings, scripts and links) is never changed by cleaning, and
the cleaned content and text are those of the straightforward way (a copy always, cleaned in
place: chrome elements, spam links, chrome lines)."""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.html
import pytest

from harvester.cleaning import clean_page
from harvester.cleaning.chrome import (
    PageNames,
    remove_chrome_elements,
    remove_spam_links,
    select_container,
    strip_chrome_lines,
)
from harvester.cleaning.clean import _prune_removed_elements, convert_document, parse_html
from harvester.cleaning.decode import decode_body
from harvester.cleaning.text import element_lines

REPO = Path(__file__).resolve().parents[2]


def _always_copied(body: bytes) -> tuple[str, str, str]:
    """(root, content, text) as the cleaner made them when it always copied the container."""
    root = parse_html(decode_body(body, None).text)
    convert_document(root)
    container, _ = select_container(root, (), PageNames(root))
    content = copy.deepcopy(container)
    remove_chrome_elements(content)
    remove_spam_links(content)
    lines = element_lines(content, {})
    removed = set(strip_chrome_lines(lines).removed)
    _prune_removed_elements(content, lines, removed)
    text = "\n".join(line.text for i, line in enumerate(lines) if i not in removed)
    return lxml.html.tostring(root, encoding=str), lxml.html.tostring(content, encoding=str, with_tail=False), text


_PAGE = """<html><head><title>某县2020年政府信息公开工作年度报告</title></head><body>
<div class="nav">首页 | 政务公开</div><div class="article-content">{inner}<p>一、总体情况</p><p>全年主动公开政府信息120条。</p>
<table><tr><td><p><span>项目</span></p></td><td>数量</td></tr><tr><td>规章</td><td>3</td></tr></table></div>
<div class="footer">主办单位：某县人民政府办公室</div></body></html>"""

CASES = {
    "clean container": "",
    "script inside": "<script>var a = 1;</script>",
    "chrome-named element": '<div class="share-bar">分享到：微信 微博</div>',
    "spam link": '<p><a href="http://x.invalid/">澳门葡京赌场</a></p>',
    "chrome line": "<p>【打印本页】【关闭窗口】</p>",
}


@pytest.mark.parametrize("inner", list(CASES.values()), ids=list(CASES))
def test_crafted_containers(inner: str) -> None:
    body = _PAGE.format(inner=inner).encode("utf-8")
    page = clean_page(body, None, "http://x.gov.cn/a.html")
    root, content, text = _always_copied(body)
    assert lxml.html.tostring(page.root, encoding=str) == root  # the page's tree untouched
    assert lxml.html.tostring(page.content, encoding=str, with_tail=False) == content
    assert page.text == text
    in_page = page.content.getroottree().getroot() is page.root
    assert in_page == (not inner)  # copied exactly when something in the container went
    assert "全年主动公开政府信息120条。" in page.text


def test_fixture_pages() -> None:
    paths = sorted((REPO / "tests/parsing/fixtures").glob("**/*.html"))[::2]
    paths += sorted((REPO / "tests/fixtures/pages").glob("*.html"))
    shared = REPO.parent / "shared" / "corpus" / "pingtan"
    paths += sorted(shared.glob("*.html")) if shared.is_dir() else []
    kept = 0
    for path in paths:
        body = path.read_bytes()
        page = clean_page(body, None, "http://fixture.invalid/" + path.name)
        if page.cleaning.get("container") == "embedded_json":
            continue
        root, content, text = _always_copied(body)
        assert lxml.html.tostring(page.root, encoding=str) == root, path.name
        assert lxml.html.tostring(page.content, encoding=str, with_tail=False) == content, path.name
        assert page.text == text, path.name
        kept += page.content.getroottree().getroot() is page.root
    assert len(paths) > 20 and kept > 0
