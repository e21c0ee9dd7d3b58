"""Per-item store cost (bench/RESULTS.md): one pass for the parsed output, no redundant statements."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event

from harvester.items import Attachment, ReportItem, Section, Stat
from harvester.storage import Store
from harvester.storage.records import PROVENANCE_FIELDS, parsed_output, sanitize

from .conftest import report_html

URL = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/3001/post_3001.html"


def two_pass(item: ReportItem) -> dict:
    data = sanitize(item.to_dict())
    for name in PROVENANCE_FIELDS:
        data.pop(name, None)
    return data


def test_parsed_output_is_sanitize_of_to_dict_in_one_pass():
    item = ReportItem(
        site="zhaoqing\x00", url="u", title="a\x00b", report_year=2020, body_text="正文\x00",
        sections=[Section(1, "一、总体情况", "x\x00y")],
        stats=[Stat("proactive.total", 12.5, "件", "主动公开", "text"),
               Stat("k", float("nan"), None, "l", "table", "s")],
        tables=[{"caption": None, "rows": [("a", 1, 2.5, float("inf"))],
                 3: {"b": b"by\x00tes", "d": datetime(2020, 1, 1, tzinfo=timezone.utc), "s": {1}}}],
        attachments=[Attachment("http://x/a.pdf", "附件", "pdf")],
        warnings=["w\x00"], cleaning={"traditional": True, "t": (1, 2)}, parser_version="9",
        fetched_at="2025-01-01T00:00:00Z", content_sha256="0" * 64, status=200, final_url="f", harvest_run=3,
    )
    expected = two_pass(item)
    got = parsed_output(item)
    assert got == expected
    assert list(got) == list(expected)  # same key order, so the same canonical JSON and digest
    assert not set(PROVENANCE_FIELDS) & set(got)


def test_parsed_output_of_real_reports(make_item):
    for year in (2018, 2021):
        item = make_item(URL, report_html(year=year))
        assert parsed_output(item.result.item) == two_pass(item.result.item)


def count_statements(store: Store):
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement.split()[0].upper()))
    return statements


def test_a_new_page_takes_no_redundant_statements(db_url, make_item):
    with Store(db_url) as store:
        run_id = store.start_run("zhaoqing", "zhaoqing", {}, "test", "test")
        # statistic keys are numbered once per store (stat_keys): another page brings them in
        store.save_page(make_item(URL.replace("post_", "post_9"), report_html()))
        item = make_item(URL, report_html())
        item.harvest_run = run_id
        statements = count_statements(store)
        assert store.save_page(item) == "new"
        # select page; insert page, body, snapshot, report (+ the page's current snapshot),
        # statistics, attachments (when any); the run's counter
        assert statements.count("SELECT") == 1
        assert statements.count("UPDATE") == 2
        assert len(statements) <= 10, statements
        del statements[:]
        same = make_item(URL, report_html())
        same.harvest_run = run_id
        assert store.save_page(same) == "unchanged"
        assert statements.count("SELECT") == 3  # page, snapshot, latest report version
        assert "INSERT" not in statements
