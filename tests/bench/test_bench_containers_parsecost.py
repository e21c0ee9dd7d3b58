"""bench.containers' scoring and bench.parsecost's page loop on small inputs: what they count, no timings."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is not an installed package

from bench import containers, parsecost  # noqa: E402
from harvester.cleaning.clean import parse_html  # noqa: E402

PAGE = """<html><body>
<table class="xxgk"><tr><td>索引号：</td><td>0001/2020-1</td></tr><tr><td>公开方式：</td><td>主动公开</td></tr></table>
<div id="zoom"><p>一、总体情况</p><p>本机关全年主动公开政府信息120条。</p>
<table><tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td></tr>
<tr><td>规章</td><td>1</td><td>2</td></tr><tr><td>规范性文件</td><td>3</td><td>4</td></tr></table></div>
<div class="footer">网站标识码 1234 版权所有</div></body></html>"""


def test_table_rows_are_the_statistics_table_not_the_metadata_table():
    rows = containers.table_rows(parse_html(PAGE))
    assert rows == ["信息内容本年新制作数量本年新公开数量", "规章12", "规范性文件34"]


def test_score_counts_fragments_titles_chrome_and_rows():
    page = containers.Page("x", Path("x.html"), {
        "body_must_contain": ["主动公开政府信息120条", "不在页面里"],
        "section_titles": ["总体情况"],
        "body_must_not_contain": ["网站标识码", "公開"],  # the second tests t2s conversion: not counted
    })
    rows = containers.table_rows(parse_html(PAGE))
    container_only = "一、总体情况\n本机关全年主动公开政府信息120条。\n规章\t1\t2"
    s = containers.score(container_only, page, rows)
    assert (s.kept, s.kept_of, s.titles, s.titles_of) == (1, 2, 1, 1)
    assert (s.clean, s.clean_of) == (1, 1)
    assert (s.rows, s.rows_of) == (1, 3)
    whole = containers.score(parse_html(PAGE).text_content(), page, rows)
    assert whole.leaked == ["网站标识码"] and whole.rows == 3


def test_finder_and_density_extractors_on_a_page():
    text, found_by = containers._finder(PAGE, PAGE.encode())
    assert found_by == "#zoom" and "规范性文件\t3\t4" in text and "网站标识码" not in text


def test_parse_cost_rows_and_render(tmp_path):
    body = PAGE.encode("utf-8")
    rows = parsecost.measure([("fixtures/tiny.html", "http://example.gov.cn/a.html", body)], rounds=1)
    assert [r["page"] for r in rows] == ["fixtures/tiny.html"]
    assert set(rows[0]) >= {"parse_ms", "floor_ms", "ratio", "kind", "kb"}
    result = {"rounds": 1, "notes": [], "rows": rows, **parsecost.summarise(rows)}
    assert result["worst"]["page"] == "fixtures/tiny.html" and result["worst_real"] is None
    text = "\n".join(parsecost.render(result))
    assert "fixtures/tiny.html" in text and "| fixtures |" in text


def test_real_pages_are_skipped_with_a_reason_where_shared_is_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(parsecost, "SHARED_PINGTAN", tmp_path / "absent")
    pages, notes = parsecost.gather_pages(0, None)
    assert pages and not any(name.startswith("real/") for name, _, _ in pages)
    assert any("absent" in n for n in notes)
    monkeypatch.setattr(containers, "SHARED", tmp_path / "absent")
    pages2, notes2 = containers.find_pages()
    assert pages2 and not any(p.name.startswith("real/") for p in pages2)
    assert any("absent" in n for n in notes2)


def test_the_target_page_is_timed_again_on_its_own(monkeypatch, capsys):
    """Issue 10's page gets its own many-round measurement beside the table's few rounds."""
    import json

    body = PAGE.encode("utf-8")
    page = (f"real/pingtan/{parsecost.BIG_PAGE}", "http://example.gov.cn/a.html", body)
    monkeypatch.setattr(parsecost, "gather_pages", lambda *a: ([page, ("fixtures/tiny.html", page[1], body)], []))
    parsecost.job_parse_cost({"rounds": 1, "big_rounds": 3})
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("BENCH_RESULT"))
    result = json.loads(line.split(" ", 1)[1])
    assert result["big_page"]["page"] == page[0] and result["big_page"]["rounds"] == 3
    assert "3 rounds on its own" in "\n".join(parsecost.render(result))
