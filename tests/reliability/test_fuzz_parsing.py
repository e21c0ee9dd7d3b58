"""Fuzzing of cleaning + parsing (issue 14): hypothesis mutates real pages (../shared/corpus/ when
present, the project's fixture pages always) with what hostile and broken sites send, and
checks that every mutant cleans and parses without an exception or a recorded cleaning crash,
in time linear in its size (at most 1 s per 100 KB).

CI runs a bounded, derandomised budget (HARVESTER_FUZZ_EXAMPLES, default 40 examples). The
longer run (docs/reliability.md, "Fuzzing"):

    HARVESTER_FUZZ_EXAMPLES=3000 python3 -m pytest tests/reliability/test_fuzz_parsing.py -q

Every crash it finds becomes a case in ``test_found_crashes`` below.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester.cleaning import clean_page
from harvester.parsing import parse_cleaned

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = int(os.environ.get("HARVESTER_FUZZ_EXAMPLES", "40"))
#: The issue's budget: a page may take at most 1 s per 100 KB (and 1 s at least).
SECONDS_PER_100KB = 1.0


def seed_pages() -> list[tuple[str, bytes]]:
    pages = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.html"))]
    if CORPUS.is_dir():
        pages += [(str(p.relative_to(CORPUS)), p.read_bytes()) for p in sorted(CORPUS.glob("*/*.html"))]
    return pages


SEEDS = seed_pages()

#: Fragments real broken and hostile pages carry (no real report text).
HOSTILE = [
    b"&#x0b;", b"&#xFFFE;", b"&#xFFFF;", b"&#0;", b"&#xD800;", b"&#1114112;", b"&#x1F600;", b"&#",
    b"\x00", b"\x0b\x0c\x1b[31m", b"\xef\xbb\xbf", b"\xff\xfe", b"\x80\x81\xfe\xff",
    b"<div>" * 300, b"<table><tr><td>" * 60, b"<span><font>" * 700, b"</div>" * 50, b"<p>" * 500,
    b"<![CDATA[", b"<!--", b"-->", b"<script>", b"</script>", b"<?xml version='1.0'?>", b"<!DOCTYPE x [",
    b"<meta charset=\"big5\">", b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-16\">",
    "一、总体情况（二）1.①".encode(), "主动公开政府信息".encode() + b"9" * 1500 + "条".encode(),
    "收到申请".encode() + b"1" * 800, "新闻发布会".encode() + b"0" * 1200 + "场".encode(),
    b"<table>" + b"<tr><td>1</td><td>2</td></tr>" * 400 + b"</table>",
    b"<td colspan=\"99999\" rowspan=\"-3\">", b"<td rowspan=\"65534\">x</td>", b"<img src=\"x\" alt=\"" + b"a" * 5000 + b"\">",
    "（".encode() * 2000, "年".encode() * 3000, b"2020-13-45", "二〇二〇年十三月四十五日".encode(),
]


@st.composite
def mutants(draw) -> bytes:
    _, page = draw(st.sampled_from(SEEDS))
    data = bytearray(page)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "truncate", "flip", "encode"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(1, 3))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 4000))]
        elif kind == "duplicate":
            chunk = data[at:at + draw(st.integers(1, 3000))]
            data[at:at] = chunk * draw(st.integers(1, 4))
        elif kind == "truncate":
            del data[at:]
        elif kind == "flip":
            for i in draw(st.lists(st.integers(0, max(0, len(data) - 1)), max_size=30)):
                if i < len(data):
                    data[i] ^= 0xFF
        else:  # the same page served in another encoding than it declares
            codec = draw(st.sampled_from(["gbk", "big5", "utf-16", "latin-1"]))
            data = bytearray(bytes(data).decode("utf-8", "replace").encode(codec, "replace"))
    return bytes(data)


def check(body: bytes, headers: dict | None = None) -> None:
    """Clean + parse ``body``: no exception, no cleaning crash, time within the budget."""
    started = time.process_time()
    cleaned = clean_page(body, headers or {"content-type": ["text/html"]}, "http://fuzz.example/a/post_1.html", None)
    assert "error" not in cleaned.cleaning, cleaned.cleaning["error"]
    result = parse_cleaned(cleaned)
    assert result.kind
    spent = time.process_time() - started
    budget = max(1.0, SECONDS_PER_100KB * len(body) / 100_000)
    assert spent <= budget, f"{spent:.2f} s for {len(body)} bytes (budget {budget:.2f} s)"


@pytest.mark.skipif(not SEEDS, reason="no seed pages (tests/fixtures/pages missing)")
@settings(max_examples=EXAMPLES, deadline=None, derandomize="HARVESTER_FUZZ_EXAMPLES" not in os.environ,
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=mutants(), charset=st.sampled_from([None, "utf-8", "gbk", "iso-8859-1", "x-unknown"]))
def test_mutated_pages_clean_and_parse(body, charset):
    headers = {"content-type": [f"text/html; charset={charset}" if charset else "text/html"]}
    check(body, headers)


def test_real_corpus_is_seeded_when_present():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} absent: the fuzz runs on the project's fixture pages only")
    assert any("/" in name for name, _ in SEEDS)


#: Crashes the fuzz found, each kept as a fixed case (fragment inserted before the first <p>).
FOUND = {
    "char_ref_x0b": b"&#x0b;",
    "char_ref_fffe": b"&#xFFFE;",
    "char_ref_ffff": b"&#xFFFF;",
    "span_font_600": b"<span><font>" * 600,
    "divs_3000": b"<div>" * 3000,
    "tables_500": b"<table><tr><td>" * 500,
}


def test_found_bom_sniffed_utf16_with_noncharacters():
    """Found by the fuzz: a UTF-16 LE byte-order mark before bytes that are not UTF-16 decodes to
    U+FFFE and friends, which lxml refused ("All strings must be XML compatible")."""
    check(b"\xff\xfe\x80\x81\xfe\xffhtml><body><p>abc</p></body></html>")
    check(b"\xff\xfe" + "<p>\udc80</p>".encode("utf-16-le", "surrogatepass"))


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_crashes(name):
    page = (FIXTURES / "zhaoqing.html").read_bytes()
    at = page.index(b"<p")
    check(page[:at] + FOUND[name] + page[at:])
    cleaned = clean_page(page[:at] + FOUND[name] + page[at:], {}, "http://fuzz.example/a.html", None)
    assert parse_cleaned(cleaned).kind == "report"


@pytest.mark.parametrize("digits", [20_000, 40_000])
@pytest.mark.parametrize("context", ["{}", "召开新闻发布会{}", "{}场新闻发布会", "收到政府信息公开申请{}"])
def test_long_digit_runs_parse_in_linear_time(digits, context):
    """Point 4 (the prose-statistics owners' fix; their tests are tests/parsing/test_prose_stats.py):
    a run of digits once took 23 s (20,000) and 118 s (40,000) in the press-conference pattern."""
    page = (FIXTURES / "zhaoqing.html").read_bytes()
    at = page.index(b"<p")
    check(page[:at] + ("<p>" + context.format("7" * digits) + "</p>").encode() + page[at:])
