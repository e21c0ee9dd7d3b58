"""Re-parse: a changed parsing rule reaches stored pages with zero network access."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from harvester import parsing
from harvester.cli import main
from harvester.storage.models import HarvestRun
from harvester.storage.queries import page_history
from harvester.storage.reparse import finish_if_complete, reparse, work_batches

from .conftest import notice_html, report_html

URL_2019 = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2019/post_2019.html"
URL_2020 = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2020/post_2020.html"
URL_NOTICE = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/2021/post_2021.html"
NEW_AGENCY = "肇庆市人民政府办公室（新规则）"
NEW_WARNING = "new rule: agency read from the signature"


@pytest.fixture
def no_network(monkeypatch):
    """Any Python-level connection attempt fails the test (PostgreSQL's libpq is not Python)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during re-parse: {args[1:] if len(args) > 1 else args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def stored_pages(store, make_item):
    run = store.start_run("zhaoqing", "zhaoqing", {}, "test", parsing.PARSER_VERSION)
    items = {
        URL_2019: make_item(URL_2019, report_html(year=2019), run=run),
        URL_2020: make_item(URL_2020, report_html(year=2020), run=run),
        URL_NOTICE: make_item(URL_NOTICE, notice_html(), run=run),
    }
    for item in items.values():
        store.save_page(item)
    assert items[URL_2020].result.is_report and not items[URL_NOTICE].result.is_report
    return items


def changed_rule(monkeypatch, version: str = "9.9.9-test", notice_is_report: bool = False):
    """Patch the parser as a parser fix would: one field of the 2020 report reads differently."""
    original = parsing.parse_page

    def parse_page(url, body, headers=None, site=None):
        result = original(url, body, headers, site)
        result.item.parser_version = version
        if result.is_report and result.item.report_year == 2020:
            result.item.agency = NEW_AGENCY
            result.item.warnings.append(NEW_WARNING)
        if notice_is_report and url == URL_NOTICE:
            result.kind = "report"
        return result

    monkeypatch.setattr(parsing, "parse_page", parse_page)
    monkeypatch.setattr(parsing, "PARSER_VERSION", version)


def test_reparse_stores_a_changed_rule_with_zero_network(store, stored_pages, use_parser, monkeypatch, no_network):
    changed_rule(monkeypatch)
    summary = reparse(store, batch_size=2)

    assert (summary.examined, summary.reports_examined) == (3, 2)
    assert (summary.changed, summary.unchanged, summary.non_reports) == (1, 1, 1)
    assert dict(summary.field_changes) == {"agency": 1, "warnings": 1}
    assert dict(summary.new_warnings) == {NEW_WARNING: 1}

    history = page_history(store, URL_2020)
    old, new = history["report_versions"]
    assert len(history["snapshots"]) == 1  # same bytes: no new snapshot, a new report version
    assert (old["current"], new["current"]) == (False, True)
    assert new["parser_version"] == "9.9.9-test" and new["reason"] == "reparse"
    assert new["created_run"] == summary.run_id and new["changed_fields"] == ["agency", "warnings"]

    from harvester.storage.export import iter_current_reports

    current = {r.item.url: r.item for r in iter_current_reports(store)}
    assert current[URL_2020].agency == NEW_AGENCY and NEW_WARNING in current[URL_2020].warnings
    assert current[URL_2019].agency == stored_pages[URL_2019].result.item.agency
    assert len(page_history(store, URL_2019)["report_versions"]) == 1
    assert page_history(store, URL_2019)["report_versions"][0]["checked_parser_version"] == "9.9.9-test"

    with store.session() as session:
        run = session.get(HarvestRun, summary.run_id)
    assert (run.kind, run.outcome, run.parser_version) == ("reparse", "finished", "9.9.9-test")

    again = reparse(store)  # idempotent: nothing left to change
    assert (again.changed, again.unchanged) == (0, 2)
    assert len(page_history(store, URL_2020)["report_versions"]) == 2


def test_reparse_reclassifies_and_dry_run_stores_nothing(store, stored_pages, use_parser, monkeypatch, no_network):
    plain_parser = parsing.parse_page
    changed_rule(monkeypatch, notice_is_report=True)
    dry = reparse(store, dry_run=True)
    assert (dry.changed, dry.newly_reports, dry.run_id) == (1, 1, None)
    assert page_history(store, URL_NOTICE)["report_versions"] == []
    assert len(page_history(store, URL_2020)["report_versions"]) == 1

    summary = reparse(store, site="zhaoqing")
    assert (summary.changed, summary.newly_reports) == (1, 1)
    versions = page_history(store, URL_NOTICE)["report_versions"]
    assert len(versions) == 1 and versions[0]["current"]
    assert page_history(store, URL_NOTICE)["snapshots"][0]["kind"] == "report"

    monkeypatch.setattr(parsing, "parse_page", plain_parser)  # rule reverted: the notice is no report
    back = reparse(store)
    assert back.newly_non_reports == 1
    assert not page_history(store, URL_NOTICE)["report_versions"][0]["current"]


def test_reparse_filters_by_site_and_since(store, stored_pages, make_item, use_parser, monkeypatch):
    store.save_page(make_item("http://www.yk.gov.cn/art/2021/3/1/art_1_1.html", report_html(year=2020), site="yongkang"))
    changed_rule(monkeypatch)
    from datetime import datetime, timezone

    assert reparse(store, site="yongkang").examined == 1
    assert reparse(store, since=datetime(2030, 1, 1, tzinfo=timezone.utc)).examined == 0
    assert reparse(store, since=datetime(2020, 1, 1, tzinfo=timezone.utc)).examined == 4


def test_interrupted_reparse_keeps_committed_batches_and_resumes(store, stored_pages, use_parser, monkeypatch):
    changed_rule(monkeypatch)
    seen_progress = []

    def interrupt_after_first_batch(done: int) -> None:
        seen_progress.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reparse(store, batch_size=1, progress=interrupt_after_first_batch)
    with store.session() as session:
        first = session.scalars(select(HarvestRun).where(HarvestRun.kind == "reparse")).one()
    assert first.outcome == "interrupted" and first.stats["examined"] == 1 and first.stats["last_page_id"]
    assert seen_progress == [1]

    rerun = reparse(store, batch_size=1)  # continues after the committed page
    assert (rerun.resumed_from_run, rerun.pages_skipped, rerun.examined) == (first.id, 1, 2)
    assert len(page_history(store, URL_2020)["report_versions"]) == 2
    assert reparse(store).resumed_from_run is None  # the last run finished: a full pass again
    assert reparse(store, resume=False).examined == 3


def test_resume_needs_the_same_selection_and_parser(store, stored_pages, use_parser, monkeypatch):
    changed_rule(monkeypatch)

    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reparse(store, batch_size=1, progress=interrupt)
    assert reparse(store, site="zhaoqing", dry_run=True).examined == 3  # dry runs never resume
    changed_rule(monkeypatch, version="10.0.0-test")  # a newer parser starts over
    assert reparse(store, batch_size=1).resumed_from_run is None


def test_reparse_command_prints_what_changed(db_url, stored_pages, use_parser, monkeypatch, capsys, no_network):
    changed_rule(monkeypatch)
    assert main(["reparse", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "reports examined:            2" in out
    assert "changed (new version):     1" in out
    assert "field changes: agency 1, warnings 1" in out
    assert NEW_WARNING in out
    assert main(["reparse", "--db", db_url, "--since", "yesterday"]) == 2


def stored_reports(store) -> dict:
    """Everything stored of each page's reports, independent of row ids and backend: the
    report columns (blob bytes included), statistic rows with their key/label/section strings,
    attachment rows, the snapshot's classification."""
    from harvester.storage.models import Page, Report, ReportAttachment, ReportStat, Snapshot

    skip = {"id", "page_id", "snapshot_id", "created_at", "created_run_id", "created_reason"}
    found = {}
    with store.session() as session:
        for report, url, kind, kind_reason in session.execute(
                select(Report, Page.url, Snapshot.kind, Snapshot.kind_reason)
                .join(Page, Page.id == Report.page_id).join(Snapshot, Snapshot.id == Report.snapshot_id)):
            stats = [(s.position, s.key, s.value, s.unit, s.source, s.label, s.section) for s in session.scalars(
                select(ReportStat).where(ReportStat.report_id == report.id).order_by(ReportStat.position))]
            attachments = [(a.position, a.url, a.name, a.kind) for a in session.scalars(
                select(ReportAttachment).where(ReportAttachment.report_id == report.id).order_by(ReportAttachment.position))]
            columns = {c.key: getattr(report, c.key) for c in Report.__table__.columns if c.key not in skip}
            found[(url, report.version)] = (columns, stats, attachments, kind, kind_reason)
    return found


def test_reparse_stores_what_the_crawl_stores(db_url, tmp_path, make_item, use_parser, monkeypatch):
    """Re-parse stores in bulk (Store.apply_parses), the crawl one page at a time (apply_parse):
    the same rows either way, byte for byte, on replica pages with standard statistics tables
    (zhaoqing 2019-2024), prose statistics and .doc/.xls attachments (panzhihua), and a notice."""
    import urllib.request

    from harvester.replicas.manifest import manifest
    from harvester.replicas.server import ReplicaServer
    from harvester.storage import Store

    server = ReplicaServer(sites=["zhaoqing", "panzhihua"]).start()
    try:
        pages = {}
        for site in ("zhaoqing", "panzhihua"):
            for entry in manifest(edition=1, base_urls=server.base_urls, site=site)[:8]:
                with urllib.request.urlopen(entry["url"], timeout=30) as answer:
                    pages[entry["url"]] = (site, answer.read(), {k.lower(): [v] for k, v in answer.headers.items()})
    finally:
        server.stop()
    pages[URL_NOTICE] = ("zhaoqing", notice_html(), None)
    monkeypatch.setattr(parsing, "PARSER_VERSION", parsing.PARSER_VERSION)  # one version for both stores

    with Store(f"sqlite:///{tmp_path / 'crawled.db'}") as crawled, Store(db_url) as reparsed:
        for url, (site, body, headers) in pages.items():
            crawled.save_page(make_item(url, body, site=site, headers=headers))
            reparsed.save_page(make_item(url, body, site=site, headers=headers, parse=False))  # raw page only
        summary = reparse(reparsed, batch_size=5)
        assert summary.newly_reports + summary.non_reports == len(pages) and summary.non_reports and not summary.failed
        expected, got = stored_reports(crawled), stored_reports(reparsed)
    assert sum(len(stats) for _, stats, _, _, _ in expected.values()) > 500  # standard tables among them
    assert any(attachments for _, _, attachments, _, _ in expected.values())
    assert got == expected


def refuse_reports_of(store, url: str) -> None:
    """A database trigger refusing any report row of ``url``: a page the database will not take."""
    from sqlalchemy import text

    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON reports WHEN NEW.url = '{url}' "
                                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        else:
            connection.execute(text("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                                    f"IF NEW.url = '{url}' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
                                    "RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION refuse()"))


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "batches"])
def test_a_page_the_database_refuses_fails_alone(store, stored_pages, use_parser, monkeypatch, parallel):
    changed_rule(monkeypatch)  # the 2020 report gets a new version: the insert the database refuses
    refuse_reports_of(store, URL_2020)
    if parallel:
        from harvester.storage.reparse import reparse_parallel

        summary = reparse_parallel(store, batch_size=10, workers=0)  # planned only, worked here:
        work_batches(store, summary.run_id)
        summary = finish_if_complete(store, summary.run_id)
    else:
        summary = reparse(store, batch_size=10)
    assert (summary.failed, summary.examined, summary.unchanged, summary.non_reports) == (1, 2, 1, 1)
    assert page_history(store, URL_2019)["report_versions"][0]["checked_parser_version"] == "9.9.9-test"
    assert len(page_history(store, URL_2020)["report_versions"]) == 1  # the old version stays current


def test_reparse_packs_only_the_reports_that_get_a_new_version(store, stored_pages, use_parser, monkeypatch):
    """The digest tells a change; the costly rows (compressed blob, statistic rows) are made only
    for a new version: the unchanged 2019 report is never packed, the changed 2020 one once."""
    from harvester.storage.records import PreparedOutput

    packed: list[str] = []
    real_pack = PreparedOutput.pack

    def pack(self):
        if self.row_values is None:
            packed.append(self.output["url"])
        return real_pack(self)

    monkeypatch.setattr(PreparedOutput, "pack", pack)
    changed_rule(monkeypatch)
    summary = reparse(store, batch_size=10)
    assert (summary.changed, summary.unchanged) == (1, 1)
    assert packed == [URL_2020]


def test_the_cyclic_collector_is_paused_per_batch_and_restored(store, stored_pages, monkeypatch):
    """A batch is parsed, prepared and stored with Python's cyclic collector off (its objects
    are freed by reference counting: no collection walks them), and the collector is back on
    between batches and afterwards, in one process and in a parallel run's worker."""
    import gc

    from harvester.storage.reparse import plan_batches

    seen: list[bool] = []
    apply_parses = store.apply_parses

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return apply_parses(*args, **kwargs)

    monkeypatch.setattr(store, "apply_parses", watched)
    assert gc.isenabled()
    reparse(store, batch_size=2)
    assert seen == [False, False] and gc.isenabled()
    run_id = store.start_run(None, "reparse", {}, "test", parsing.PARSER_VERSION, kind="reparse")
    plan_batches(store, run_id, None, None, 2)
    assert work_batches(store, run_id, "w") == 3
    assert seen == [False] * 4 and gc.isenabled()
