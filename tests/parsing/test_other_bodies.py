"""Pages of bodies outside the five target sites (layouts and wordings of other provinces and
eras), parsed without a site key; expectations written from each page's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester.parsing import parse_page

from .conftest import assert_matches_golden

FIXTURES = Path(__file__).parent / "fixtures" / "other_bodies"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


@pytest.mark.parametrize("name", CASES)
def test_other_body_report(name):
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    body = (FIXTURES / f"{name}.html").read_bytes()
    result = parse_page(expected["url"], body, None, None)
    assert result.kind == expected["kind"], result.reason
    assert_matches_golden(result, expected)
