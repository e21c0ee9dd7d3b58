"""The goldens' body_must_contain / body_must_not_contain on the five fixture pages (NFKC)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from harvester.cleaning import clean_page

from .conftest import FIXTURE_URLS, GOLDEN


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("site", sorted(FIXTURE_URLS))
def test_golden_body_expectations(site: str, fixture_pages: dict[str, bytes]) -> None:
    golden = json.loads((GOLDEN / f"{site}.json").read_text(encoding="utf-8"))
    page = clean_page(fixture_pages[site], None, FIXTURE_URLS[site], site)
    body = nfkc(page.text)
    for needle in golden["body_must_contain"]:
        assert nfkc(needle) in body, needle
    for needle in golden["body_must_not_contain"]:
        assert nfkc(needle) not in body, needle


@pytest.mark.parametrize("site", sorted(FIXTURE_URLS))
def test_fixture_body_has_no_traditional_pinyin_or_footer(site: str, fixture_pages: dict[str, bytes]) -> None:
    from harvester.cleaning.chinese import traditional_count
    from harvester.cleaning.pinyin import remove_pinyin

    page = clean_page(fixture_pages[site], None, FIXTURE_URLS[site], site)
    assert traditional_count(page.text) == 0
    assert remove_pinyin(page.text)[1] == 0
    for chrome in ("ICP备", "公网安备", "网站标识码", "当前位置", "分享到", "版权所有"):
        assert chrome not in page.text, chrome
