"""Helpers for the parsing tests: build pages from HTML through the real cleaner."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from harvester.cleaning import clean_page
from harvester.hints import apply_hints, hints_for
from harvester.parsing import ParseResult, parse_cleaned

TESTS = Path(__file__).resolve().parent.parent
PAGES = TESTS / "fixtures" / "pages"
GOLDEN = TESTS / "golden"
SITES_WITH_GOLDEN = ("zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua")


def nfkc(value):
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def fixture_urls() -> dict[str, str]:
    """site -> the URL each saved page stands for (from the fixtures README)."""
    urls = {}
    for line in (PAGES / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)\.html` \| `([^`]+)`", line)
        if m:
            urls[m[1]] = m[2]
    return urls


def golden(site: str) -> dict:
    return json.loads((GOLDEN / f"{site}.json").read_text(encoding="utf-8"))


def html_page(body_html: str, title: str = "", head: str = "") -> bytes:
    """A minimal page: the body inside a typical report container."""
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<div id='zoom'>{body_html}</div></body></html>"
    ).encode("utf-8")


def parse_html(body_html: str, title: str = "", url: str = "http://www.example.gov.cn/a/1.html",
               site: str | None = None, head: str = "") -> ParseResult:
    """Parse like a crawl does: the page alone, then (with ``site``) the registry body's hints."""
    hints = hints_for(site)
    page = clean_page(html_page(body_html, title, head), {"content-type": ["text/html; charset=utf-8"]}, url, site,
                      hints.page if hints else None)
    result = parse_cleaned(page, site)
    apply_hints(result.item, hints)
    return result


def paragraphs(text: str) -> str:
    """Each non-empty line of ``text`` as a <p>."""
    return "".join(f"<p>{line.strip()}</p>" for line in text.strip().splitlines() if line.strip())


def assert_matches_golden(result: ParseResult, expected: dict) -> None:
    """Every field the golden file lists, compared after NFKC."""
    item = result.item
    assert result.kind == "report", result.reason
    for field in ("title", "report_year", "agency", "publisher", "published_date", "signed_date", "index_no", "doc_no"):
        if field in expected:
            assert nfkc(getattr(item, field)) == nfkc(expected[field]), field
    if "section_titles" in expected:
        got = [nfkc(s.title) for s in item.sections if s.level == 1]
        assert got == [nfkc(t) for t in expected["section_titles"]]
    stats = {s.key: s.value for s in item.stats}
    for key, value in expected.get("stats", {}).items():
        assert stats.get(key) == value, key
    kinds = {a.kind for a in item.attachments}
    for kind in expected.get("attachments_kinds", []):
        assert kind in kinds
    body = nfkc(item.body_text)
    for s in expected.get("body_must_contain", []):
        assert nfkc(s) in body, s
    for s in expected.get("body_must_not_contain", []):
        assert nfkc(s) not in body, s


@pytest.fixture(scope="session")
def urls() -> dict[str, str]:
    return fixture_urls()
