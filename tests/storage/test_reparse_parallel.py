"""Parallel re-parse: worker processes (or workers on other machines) claim batches of pages in
the database (PostgreSQL: FOR UPDATE SKIP LOCKED); same change report as one process; a dead
worker's batch is taken over; the CLI's --workers and --join."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from harvester.cli import main
from harvester.storage.models import HarvestRun, ReparseBatch, Report
from harvester.storage.reparse import _claim, finish_if_complete, reparse, reparse_parallel, work_batches

from .conftest import PARSER_LANDED, notice_html, report_html

pytestmark = pytest.mark.skipif(not PARSER_LANDED, reason="worker processes run the project's parser")

BASE = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/{n}/post_{n}.html"
WRONG_AGENCY = "旧规则读错的机关"


@pytest.fixture
def archive(store, make_item):
    """14 reports and a notice, stored as the crawl stores them."""
    for n in range(14):
        store.save_page(make_item(BASE.format(n=n), report_html(year=2010 + n, proactive=100 + n)))
    store.save_page(make_item(BASE.format(n=99), notice_html()))
    return store


def as_if_an_older_parser(store, every: int = 3) -> int:
    """What a parser fix undoes: every ``every``-th current report read its agency wrong."""
    with store.session() as session, session.begin():
        ids = [r for (r,) in session.execute(select(Report.id).where(Report.is_current).order_by(Report.id))][::every]
        session.execute(update(Report).where(Report.id.in_(ids)).values(agency=WRONG_AGENCY, output_sha256="older"))
    return len(ids)


def report_of(summary) -> dict:
    data = summary.to_dict()
    return {k: data[k] for k in ("examined", "reports_examined", "changed", "unchanged", "newly_reports",
                                 "newly_non_reports", "non_reports", "failed", "field_changes", "new_warnings")}


def test_two_workers_give_the_same_change_report_as_one_process(archive):
    wrong = as_if_an_older_parser(archive)
    one = report_of(reparse(archive, batch_size=4))
    assert one["changed"] == wrong and one["field_changes"] == {"agency": wrong}
    assert one["examined"] == 15 and one["non_reports"] == 1

    as_if_an_older_parser(archive)
    parallel = reparse_parallel(archive, batch_size=4, workers=2)
    assert report_of(parallel) == one
    with archive.session() as session:
        batches = session.execute(select(ReparseBatch.state, ReparseBatch.worker).where(
            ReparseBatch.run_id == parallel.run_id)).all()
        run = session.get(HarvestRun, parallel.run_id)
        agencies = set(session.scalars(select(Report.agency).where(Report.is_current)))
    assert len(batches) == 4 and {state for state, _ in batches} == {"done"}  # 15 pages / 4
    assert run.outcome == "finished" and run.pages_changed == wrong
    assert WRONG_AGENCY not in agencies


def test_a_dead_workers_batch_is_taken_over_and_nothing_is_lost(archive):
    as_if_an_older_parser(archive, every=1)
    planned = reparse_parallel(archive, batch_size=5, workers=0)  # plan only: 3 batches
    run_id = planned.run_id
    dead = _claim(archive, run_id, "host:dead-worker", lease=600)  # claimed, then the worker died
    assert dead is not None
    # a live worker with a long lease leaves the dead claim alone ...
    assert work_batches(archive, run_id, "host:live", lease=600) == 10
    assert finish_if_complete(archive, run_id) is None
    # ... and takes it over once the lease has run out
    assert work_batches(archive, run_id, "host:live", lease=0) == 5
    summary = finish_if_complete(archive, run_id)
    assert summary is not None and summary.changed == 14 and summary.non_reports == 1
    with archive.session() as session:
        assert session.get(HarvestRun, run_id).outcome == "finished"
        assert session.scalar(select(Report.agency).where(Report.is_current, Report.agency == WRONG_AGENCY)) is None


def test_interrupted_parallel_run_resumes_its_unfinished_batches(archive):
    as_if_an_older_parser(archive, every=1)
    first = reparse_parallel(archive, batch_size=5, workers=0)
    # one batch done, then everything stopped (the run stays "running": killed)
    claim = _claim(archive, first.run_id, "host:w", lease=600)
    with archive.session() as session, session.begin():
        session.execute(update(ReparseBatch).where(ReparseBatch.id == claim[0]).values(
            state="done", tally={"examined": 5, "reports_examined": 5, "changed": 5}))
    resumed = reparse_parallel(archive, batch_size=5, workers=1)
    assert resumed.resumed_from_run == first.run_id and resumed.pages_skipped == 5
    assert resumed.examined == 10 and resumed.pages_total == 15


def test_cli_workers_and_join(db_url, archive, capsys):
    as_if_an_older_parser(archive)
    assert main(["reparse", "--db", db_url, "--workers", "0", "--batch-size", "6"]) == 0
    out = capsys.readouterr().out
    run_id = int(out.split("re-parse run ")[1].split()[0])
    assert f"harvester reparse --join {run_id}" in out
    assert main(["reparse", "--db", db_url, "--join", str(run_id)]) == 0
    out = capsys.readouterr().out
    assert "worker done: 15 pages" in out and "changed (new version):     5" in out
    assert main(["reparse", "--db", db_url, "--join", "999"]) != 0
    assert "no re-parse run 999" in capsys.readouterr().err


def test_two_workers_reading_the_same_pending_batch_claim_different_ones(archive):
    """Another worker claims between this one's read of the first pending batch and its write
    (interleaved at the statement: the other claim runs just before this claim's UPDATE): each
    batch still has exactly one worker (SQLite reads before taking its write lock; PostgreSQL's
    row lock makes the other worker skip the batch)."""
    from sqlalchemy import event

    from harvester.storage import Store

    run_id = reparse_parallel(archive, batch_size=5, workers=0).run_id
    other: list = []

    def the_other_worker_first(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE REPARSE_BATCHES") and not other:
            with Store(archive.url, migrate=False) as elsewhere:
                other.append(_claim(elsewhere, run_id, "host:other", lease=600))

    event.listen(archive.engine, "before_cursor_execute", the_other_worker_first)
    try:
        mine = _claim(archive, run_id, "host:me", lease=600)
    finally:
        event.remove(archive.engine, "before_cursor_execute", the_other_worker_first)
    assert other[0] is not None and mine is not None and other[0][0] != mine[0]
    with archive.session() as session:
        claimed = dict(session.execute(select(ReparseBatch.id, ReparseBatch.worker).where(
            ReparseBatch.run_id == run_id, ReparseBatch.state == "claimed")).all())
    assert claimed == {other[0][0]: "host:other", mine[0]: "host:me"}
