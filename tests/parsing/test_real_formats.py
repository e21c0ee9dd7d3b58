"""Real pages and real formats, field by field, parsed with no site configuration.

Two sources, one expectation format (the one of ``../shared/corpus/<site>/``: an ``index.json``
mapping each page file to its URL, expectation file and kind, and one JSON per page written by
reading the page):

- ``../shared/corpus/*/``: real pages of real sites, byte for byte as served (outside the project;
  skipped with a reason where ``../shared`` is absent, as on a user's clone);
- ``tests/parsing/fixtures/real_formats/*/``: the project's own pages modelled on real reports of
  other bodies (each expectation's ``notes`` say what real page or format it reproduces).

Every expected field is its own test id, so a miss names the page and the field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from harvester.parsing import parse_page

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures" / "real_formats"
FIELDS = ("title", "report_year", "agency", "publisher", "published_date", "signed_date", "index_no", "doc_no")


def nfkc(value):
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def strip_heading(title: str | None) -> str:
    title = nfkc(title or "").strip()
    title = re.sub(r"^[一二三四五六七八九十]+[、.．]\s*", "", title)
    return title.rstrip(":：。 ")


def corpus_dirs() -> list[Path]:
    dirs = sorted(p.parent for p in FIXTURES.glob("*/index.json"))
    if SHARED_CORPUS.is_dir():
        dirs = sorted(p.parent for p in SHARED_CORPUS.glob("*/index.json")) + dirs
    return dirs


def checks_of(directory: Path) -> list[tuple[str, str, dict, dict]]:
    """(page file, check name, page meta, expectation) for every check of every page."""
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    out = []
    for name, meta in index.items():
        expected = json.loads((directory / meta["golden"]).read_text(encoding="utf-8"))
        kind = expected.get("kind") or meta.get("kind")
        if kind in ("listing", "not_report"):
            out.append((name, "kind", meta, expected))
            continue
        names = ["kind"] + [f for f in FIELDS if f in expected]
        if "section_titles" in expected:
            names.append("section_titles")
        names += [f"stats[{key}]" for key in expected.get("stats", {})]
        names += [f"body_contains[{i}]" for i in range(len(expected.get("body_must_contain", [])))]
        names += [f"body_lacks[{i}]" for i in range(len(expected.get("body_must_not_contain", [])))]
        out += [(name, check, meta, expected) for check in names]
    return out


CASES = [
    pytest.param(directory, page, check, meta, expected, id=f"{directory.parent.name}/{directory.name}/{page}:{check}")
    for directory in corpus_dirs()
    for page, check, meta, expected in checks_of(directory)
]

_PARSED: dict[Path, object] = {}


def parsed(path: Path, url: str):
    """One parse per page for all its checks (a page is parsed as `harvester parse` would: no site)."""
    if path not in _PARSED:
        _PARSED[path] = parse_page(url, path.read_bytes(), None)
    return _PARSED[path]


def test_the_real_corpus_is_here_or_said_absent():
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({SHARED_CORPUS}): real pages not checked on this clone")
    assert any(SHARED_CORPUS.glob("*/index.json")), "../shared/corpus holds no site with an index.json"


@pytest.mark.parametrize("directory,page,check,meta,expected", CASES)
def test_page_field(directory: Path, page: str, check: str, meta: dict, expected: dict):
    result = parsed(directory / page, meta["url"])
    item = result.item
    if check == "kind":
        kind = expected.get("kind") or meta.get("kind")
        if kind == "listing":  # a column's listing page: a list, never a report
            assert result.kind == "list", f"{page} came out as {result.kind}: {result.reason}"
        elif kind == "not_report":
            assert result.kind != "report", f"{page} is not a report: {result.reason}"
        else:
            assert result.kind == "report", f"{page} came out as {result.kind}: {result.reason}"
        return
    if check in FIELDS:
        want = expected[check]
        got = getattr(item, check)
        if want is None:
            assert got in (None, ""), check
        else:
            assert nfkc(str(got)) == nfkc(str(want)), check
        return
    if check == "section_titles":
        got = [strip_heading(s.title) for s in item.sections if s.level == 1]
        assert got == [strip_heading(t) for t in expected["section_titles"]]
        return
    if check.startswith("stats["):
        key = check[len("stats["):-1]
        values = [s.value for s in item.stats if s.key == key]
        want = expected["stats"][key]
        assert any(v is not None and float(v) == float(want) for v in values), f"{key}: got {values}, want {want}"
        return
    body = nfkc(item.body_text or "")
    i = int(check[check.index("[") + 1:-1])
    if check.startswith("body_contains"):
        fragment = nfkc(expected["body_must_contain"][i])
        assert fragment in body, f"body lacks {fragment!r} ({len(body)} characters)"
    else:
        fragment = nfkc(expected["body_must_not_contain"][i])
        assert fragment not in body, f"body keeps chrome {fragment!r}"
