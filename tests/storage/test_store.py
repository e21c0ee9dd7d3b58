"""The Store on SQLite and PostgreSQL: idempotency, history, dedup, failures, gone pages, runs."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from harvester.storage import Store
from harvester.storage.models import (
    Body,
    FetchFailure,
    HarvestRun,
    Page,
    Report,
    ReportStat,
    Snapshot,
)
from harvester.storage.queries import page_history
from harvester.storage.records import report_output

from .conftest import notice_html, report_html

URL_A = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2001/post_2001.html"
URL_B = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2002/post_2002.html"
URL_N = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2003/post_2003.html"
TABLES = (Page, Snapshot, Body, Report, ReportStat, FetchFailure)


def row_counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def new_run(store: Store, site: str = "zhaoqing") -> int:
    return store.start_run(site, site, {"base_url": "http://127.0.0.1:1"}, "test", "test")


def get_run(store: Store, run_id: int) -> HarvestRun:
    with store.session() as session:
        return session.get(HarvestRun, run_id)


def test_same_item_twice_adds_no_rows(store, make_item):
    run1 = new_run(store)
    assert store.save_page(make_item(URL_A, report_html(), run=run1)) == "new"
    before = row_counts(store)
    assert before["pages"] == 1 and before["snapshots"] == 1 and before["reports"] == 1

    run2 = new_run(store)
    assert store.save_page(make_item(URL_A, report_html(), run=run2, minutes=60)) == "unchanged"
    assert row_counts(store) == before
    with store.session() as session:
        snapshot = session.scalar(select(Snapshot))
        page = session.scalar(select(Page))
    assert snapshot.fetch_count == 2 and page.fetch_count == 2
    assert snapshot.last_fetched_at > snapshot.fetched_at  # only last-seen moved
    assert snapshot.harvest_run_id == run1 and snapshot.last_run_id == run2
    assert get_run(store, run2).pages_unchanged == 1 and get_run(store, run1).pages_new == 1


def test_changed_content_adds_snapshot_and_report_version(store, make_item):
    run1 = new_run(store)
    store.save_page(make_item(URL_A, report_html(proactive=1234), run=run1))
    run2 = new_run(store)
    edited = make_item(URL_A, report_html(proactive=1300), run=run2, minutes=60)
    assert store.save_page(edited) == "changed"

    history = page_history(store, URL_A)
    assert len(history["snapshots"]) == 2
    assert len(history["report_versions"]) == 2
    first, second = history["report_versions"]
    assert (first["current"], second["current"]) == (False, True)
    assert second["snapshot_id"] == history["current_snapshot_id"] != first["snapshot_id"]
    assert "body_text" in second["changed_fields"]
    assert [s["harvest_run"] for s in history["snapshots"]] == [run1, run2]
    with store.session() as session:  # the old version and its statistics are kept
        assert session.scalar(select(func.count()).select_from(Report).where(Report.is_current)) == 1
        old = session.get(Report, first["id"])
        assert "1234" in report_output(old)["body_text"]  # the long fields live in the packed output


def test_page_edited_back_reuses_its_first_snapshot(store, make_item):
    store.save_page(make_item(URL_A, report_html(proactive=1), minutes=0))
    store.save_page(make_item(URL_A, report_html(proactive=2), minutes=1))
    assert store.save_page(make_item(URL_A, report_html(proactive=1), minutes=2)) == "changed"
    history = page_history(store, URL_A)
    assert len(history["snapshots"]) == 2  # one per distinct content
    assert history["current_snapshot_id"] == history["snapshots"][0]["id"]
    assert len(history["report_versions"]) == 3 and history["report_versions"][-1]["current"]


def test_bodies_stored_once_per_hash_and_compressed(store, make_item):
    body = report_html()
    store.save_page(make_item(URL_A, body))
    store.save_page(make_item(URL_B, body))  # the same bytes under another URL
    counts = row_counts(store)
    assert counts["pages"] == 2 and counts["snapshots"] == 2 and counts["bodies"] == 1
    with store.session() as session:
        stored = session.scalar(select(Body))
    assert stored.sha256 == hashlib.sha256(body).hexdigest() and stored.size == len(body)
    assert len(stored.data) < len(body) and stored.compression == "zstd" and stored.dictionary_id is not None
    assert store.body(stored.sha256) == body


def test_non_report_recorded_as_snapshot_kind_without_report(store, make_item):
    assert store.save_page(make_item(URL_N, notice_html())) == "new"
    with store.session() as session:
        snapshot = session.scalar(select(Snapshot))
        assert snapshot.kind not in (None, "report")
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_page_without_parse_result_is_still_archived(store, make_item):
    item = make_item(URL_A, report_html(), parse=False)
    assert item.result is None
    assert store.save_page(item) == "new"
    with store.session() as session:
        snapshot = session.scalar(select(Snapshot))
        assert snapshot.kind is None
        assert session.scalar(select(func.count()).select_from(Report)) == 0
    assert store.body(snapshot.content_sha256) == report_html()


def test_report_answering_a_notice_stays_current_with_the_reason(store, make_item):
    """Issue 14: only a 404/410 on a complete sweep or a new report version retires a report; a
    page that now answers something else (a maintenance page, a notice) keeps it current and
    says why (the run raises the kept_reports alert)."""
    store.save_page(make_item(URL_A, report_html()))
    later = make_item(URL_A, notice_html(), minutes=5)
    assert store.save_page(later) == "changed"
    assert later.kept_report and "not a report" in later.kept_report
    with store.session() as session:
        reports = session.scalars(select(Report)).all()
        snapshots = session.scalars(select(Snapshot)).all()
    assert len(reports) == 1 and reports[0].is_current
    assert len(snapshots) == 2  # the notice is archived all the same


def test_failing_item_does_not_affect_others(store, make_item):
    run = new_run(store)
    good_before = make_item(URL_A, report_html(year=2019), run=run)
    bad = make_item(URL_B, report_html(year=2020), run=run)
    bad.status = "not a number"  # int() fails while storing
    good_after = make_item(URL_N, report_html(year=2021), run=run)

    outcomes = [store.save_page(i) for i in (good_before, bad, good_after)]
    assert outcomes == ["new", "failed", "new"]
    with store.session() as session:
        urls = set(session.scalars(select(Page.url)))
        failure = session.scalar(select(FetchFailure))
    assert urls == {URL_A, URL_N}  # nothing half-written for the bad item
    assert failure.url == URL_B and "store failed" in failure.error
    counts = row_counts(store)
    assert counts["snapshots"] == 2 and counts["reports"] == 2
    run_row = get_run(store, run)
    assert (run_row.pages_new, run_row.pages_failed) == (2, 1)


def test_fetch_error_items_and_record_failure_keep_one_row_per_url(store, make_item):
    run1 = new_run(store)
    dead = make_item(URL_B, b"", status=404, parse=False, error="HTTP 404")
    dead.harvest_run = run1
    assert store.save_page(dead) == "failed"
    run2 = new_run(store)
    store.record_failure("zhaoqing", URL_B, run2, "TimeoutError: took too long", referer="http://x/list")
    with store.session() as session:
        failures = session.scalars(select(FetchFailure)).all()
        assert session.scalar(select(func.count()).select_from(Page)) == 0
    assert len(failures) == 1
    assert failures[0].failure_count == 2 and failures[0].last_run_id == run2 and "Timeout" in failures[0].error
    assert get_run(store, run1).pages_failed == 1 and get_run(store, run2).pages_failed == 1


def test_mark_gone_never_deletes_and_revives(store, make_item):
    run1 = new_run(store)
    for url in (URL_A, URL_B):
        store.save_page(make_item(url, report_html(agency=url[-9:]), run=run1))
    store.save_page(make_item("http://yongkang/x.html", report_html(), site="yongkang"))

    run2 = new_run(store)
    assert store.mark_gone("zhaoqing", {URL_A}, run2) == 1
    assert store.mark_gone("zhaoqing", {URL_A}, run2) == 0  # already gone: not counted twice
    known = store.known_pages("zhaoqing")
    assert set(known) == {URL_A, URL_B}  # still there
    assert known[URL_B].gone and not known[URL_A].gone
    assert not store.known_pages("yongkang")["http://yongkang/x.html"].gone  # other sites untouched
    assert get_run(store, run2).pages_gone == 1
    with store.session() as session:
        assert session.scalar(select(Page.gone_run_id).where(Page.url == URL_B)) == run2

    store.mark_gone("zhaoqing", {URL_A, URL_B}, new_run(store))  # linked again
    assert not store.known_pages("zhaoqing")[URL_B].gone


def test_known_pages_for_incremental_harvests(store, make_item):
    store.save_page(make_item(URL_A, report_html(), listing_date="2021-03-20",
                              headers={"etag": ['"v1"'], "last-modified": ["Sat, 20 Mar 2021 08:00:00 GMT"]}))
    store.save_page(make_item(URL_N, notice_html()))
    known = store.known_pages("zhaoqing")
    assert known[URL_A].etag == '"v1"' and known[URL_A].last_modified.startswith("Sat, 20 Mar 2021")
    assert known[URL_A].listing_date == "2021-03-20"
    assert known[URL_A].content_sha256 == hashlib.sha256(report_html()).hexdigest()
    assert known[URL_A].kind == "report" and known[URL_N].kind != "report"
    assert known[URL_A].last_fetched_at.tzinfo is not None


def test_run_lifecycle(store, make_item):
    run = store.start_run("zhaoqing", "zhaoqing", {"base_url": "http://127.0.0.1:9"}, "0.1.0", "0.1.0")
    store.save_page(make_item(URL_A, report_html(), run=run))
    store.finish_run(run, "finished", {"downloader/request_count": 7, "downloader/response_bytes": 12345,
                                       "start_time": __import__("datetime").datetime(2026, 1, 1)})
    row = get_run(store, run)
    assert row.outcome == "finished" and row.finished_at >= row.started_at
    assert (row.requests, row.response_bytes, row.pages_new) == (7, 12345, 1)
    assert row.stats["start_time"].startswith("2026-01-01") and row.args == {"base_url": "http://127.0.0.1:9"}
    store.finish_run(run, "finished", {}, counts={"new": 5, "gone": 2})
    assert (get_run(store, run).pages_new, get_run(store, run).pages_gone) == (5, 2)


def test_reopening_a_database_keeps_data(db_url, make_item):
    with Store(db_url) as first:
        first.save_page(make_item(URL_A, report_html()))
    with Store(db_url) as second:
        assert set(second.known_pages("zhaoqing")) == {URL_A}
        assert second.save_page(make_item(URL_A, report_html())) == "unchanged"


@pytest.mark.parametrize("year", [2015, 2022])
def test_stats_rows_match_the_report_item(store, make_item, year):
    item = make_item(URL_A, report_html(year=year, proactive=4321))
    store.save_page(item)
    with store.session() as session:
        stored = session.scalars(select(ReportStat).order_by(ReportStat.position)).all()
        report = session.scalar(select(Report))
    expected = item.result.item.stats
    assert [(s.key, s.value, s.unit, s.source) for s in stored] == [(s.key, float(s.value), s.unit, s.source) for s in expected]
    assert report.report_year == item.result.item.report_year == year
    assert report.output_sha256 and report.parser_version


def test_crawl_with_a_newer_parser_adds_a_version_for_unchanged_bytes(store, make_item):
    store.save_page(make_item(URL_A, report_html()))
    again = make_item(URL_A, report_html(), minutes=10)
    again.result.item.parser_version = "9.0.0-test"
    again.result.item.region = "广东省肇庆市（新规则）"
    assert store.save_page(again) == "unchanged"  # the page did not change ...
    versions = page_history(store, URL_A)["report_versions"]
    assert len(page_history(store, URL_A)["snapshots"]) == 1
    assert [v["reason"] for v in versions] == ["new_page", "parser_update"]  # ... its parsed output did
    assert versions[1]["changed_fields"] == ["region"] and versions[1]["parser_version"] == "9.0.0-test"
    assert store.save_page(make_item(URL_A, report_html(), minutes=20)) == "unchanged"
    assert len(page_history(store, URL_A)["report_versions"]) == 3  # the older parser's output again
