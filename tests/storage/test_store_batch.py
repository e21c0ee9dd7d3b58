"""Store.save_pages writes a batch of new pages in bulk (one executemany per table): the rows must
be exactly those the same batch gets when its pages are written one by one (``_save_page``, as
for a batch holding a known page), on both backends."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import event, select

from harvester.storage import Store
from harvester.storage.models import Base
from harvester.storage.testing import create_database, drop_database

from .conftest import notice_html, report_html

#: Filled from the clock at write time, not from the item: differ between any two stores. (A
#: page's first_seen_at is the item's fetch time: compared.)
CLOCK_COLUMNS = {"body_dictionaries.created_at", "bodies.created_at", "reports.created_at", "harvest_runs.started_at",
                 "sites.first_seen_at", "fetch_failures.first_failed_at", "fetch_failures.last_failed_at"}


@pytest.fixture
def other_url(request, db_url, tmp_path):
    """A second empty database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'one-by-one.db'}"
        return
    url = create_database(request.getfixturevalue("postgres_url"))
    try:
        yield url
    finally:
        drop_database(url)


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (clock columns left out), in primary-key order."""
    tables = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if f"{table.name}.{c.name}" not in CLOCK_COLUMNS]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def batch_items(make_item, run: int) -> list:
    items = [make_item(f"http://www.zhaoqing.gov.cn/gkmlpt/content/{year}/post_{year}.html",
                       report_html(year=year, proactive=1000 + year), run=run, minutes=year - 2000,
                       listing_title=f"{year}年报告", listing_date=f"{year + 1}-03-20")
             for year in range(2010, 2024)]
    items.append(make_item("http://www.zhaoqing.gov.cn/gkmlpt/content/9/post_9.html", notice_html(), run=run))
    # the same bytes under a second URL: one body row, two snapshots
    items.append(make_item("http://www.zhaoqing.gov.cn/gkmlpt/content/copy.html", report_html(year=2015,
                           proactive=2015), run=run, minutes=15))
    # not parsed (a cleaning failure): archived without a kind
    items.append(make_item("http://www.zhaoqing.gov.cn/gkmlpt/content/raw.html", b"<html>\x00</html>",
                           run=run, parse=False))
    failed = make_item("http://www.zhaoqing.gov.cn/gkmlpt/content/dead.html", b"", run=run, parse=False,
                       status=404)
    failed.error = "HTTP 404"
    items.insert(3, failed)
    return items


def test_a_batch_of_new_pages_stores_what_one_by_one_stores(make_item, db_url, other_url, monkeypatch):
    with Store(db_url) as batched, Store(other_url) as single:
        # the other store writes every batch page by page, as it does when one page is known
        monkeypatch.setattr(single, "_all_new_pages", lambda session, items: [])
        run_b = batched.start_run("zhaoqing", "zhaoqing", {}, "test", "p")
        run_s = single.start_run("zhaoqing", "zhaoqing", {}, "test", "p")
        assert run_b == run_s
        statements: list[str] = []
        event.listen(batched.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        outcomes = batched.save_pages(batch_items(make_item, run_b))
        one_by_one = single.save_pages(batch_items(make_item, run_s))
        assert outcomes == one_by_one
        assert outcomes.count("new") == 17 and outcomes.count("failed") == 1
        # in bulk: a fixed number of statements per batch, not ~10 per page
        assert len(statements) < 30, "\n".join(s.split("\n")[0][:90] for s in statements)
        batched_rows, single_rows = dump(batched), dump(single)
        assert batched_rows["reports"] and batched_rows["report_stats"]
        for table in batched_rows:
            assert batched_rows[table] == single_rows[table], table


def test_a_batch_with_a_known_page_is_stored_item_by_item(store, make_item):
    run = store.start_run("zhaoqing", "zhaoqing", {}, "test", "p")
    url = "http://www.zhaoqing.gov.cn/gkmlpt/content/1/post_1.html"
    assert store.save_pages([make_item(url, report_html(year=2019), run=run)]) == ["new"]
    items = [make_item(url, report_html(year=2019, proactive=77), run=run, minutes=5),
             make_item(url.replace("post_1", "post_2"), report_html(year=2020), run=run)]
    assert store.save_pages(items) == ["changed", "new"]


def test_a_parse_workers_prepared_rows_store_what_the_store_prepares(make_item, db_url, other_url, monkeypatch):
    """A parse worker's ShippedResult (harvester.pool) carries the report's rows ready to store;
    storing them gives the rows the store makes from the ParseResult itself."""
    from harvester.feeds import provenance_of
    from harvester.pool import ShippedResult, extract_shipped

    with Store(db_url) as shipped, Store(other_url) as plain:
        monkeypatch.setattr(plain, "_all_new_pages", lambda session, items: [])
        run = shipped.start_run("zhaoqing", "zhaoqing", {}, "test", "p")
        assert plain.start_run("zhaoqing", "zhaoqing", {}, "test", "p") == run
        items = batch_items(make_item, run)
        for item in items:
            if item.result is not None:
                extracted = extract_shipped(item.final_url, item.body, item.headers, item.site)
                assert isinstance(extracted.result, ShippedResult)
                extracted.result.set_fields(provenance_of(item, extracted.result.content_sha256))
                item.result = extracted.result
        outcomes = shipped.save_pages(items)
        assert outcomes == plain.save_pages(batch_items(make_item, run))
        # stored from the worker's rows: no report was unpickled in the crawl process
        assert all(item.result._result is None for item in items if isinstance(item.result, ShippedResult))
        shipped_rows, plain_rows = dump(shipped), dump(plain)
        assert shipped_rows["reports"] and shipped_rows["report_stats"]
        for table in shipped_rows:
            assert shipped_rows[table] == plain_rows[table], table
        # read, the report is the parsed one with the fetch's provenance
        report = items[0].result.item
        assert report.content_sha256 == items[0].result.content_sha256 and report.harvest_run == run
        assert items[0].result.prepared_output() is None  # it may change now: the store prepares it


def test_a_shipped_result_answers_the_store_as_its_parse_result_does(make_item):
    """What the store reads of a parse result (records.ParsedForStore): a parse worker's
    ShippedResult answers from what the worker computed, without unpickling its report, the same
    as the store's own reading of the ParseResult; once the report was read, from the report."""
    from harvester.pool import extract_shipped
    from harvester.storage.records import for_store

    def answers(result) -> tuple:
        rows = result.report_rows() if result.kind == "report" else None
        return (result.kind, result.reason, result.stored_parser_version(), result.stat_strings(),
                rows and (rows.parser_version, rows.digest, rows.row_values, rows.stats, rows.attachments))

    items = [item for item in batch_items(make_item, 1) if item.result is not None]
    assert {item.result.kind for item in items} == {"report", "notice"}
    for item in items:
        shipped = extract_shipped(item.final_url, item.body, item.headers, item.site).result
        plain = for_store(item.result)
        assert plain.content_sha256 is None and shipped.content_sha256 == hashlib.sha256(item.body).hexdigest()
        assert answers(shipped) == answers(plain)
        assert shipped._result is None  # not unpickled for it
        assert shipped.item.title == item.result.item.title
        assert answers(shipped) == answers(plain)
        assert for_store(shipped) is shipped and for_store(None) is None
