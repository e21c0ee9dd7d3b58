"""The store's plain-driver writes (harvester.storage.store._executemany, the statistics'
numbering of a batch): the rows must be those SQLAlchemy's own ``session.execute(table.insert(),
rows)`` writes, on both backends: aware datetimes in any zone, JSON, bytes, NULLs, column
defaults."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from harvester.storage import Store
from harvester.storage.models import Body, HarvestRun, Page, Report, ReportStat, SiteRow, Snapshot, StatText
from harvester.storage.store import _executemany, _insert_plan

from .conftest import report_html
from .test_store_batch import dump, other_url  # noqa: F401  (fixture: a second empty database)

URL = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/{}/post_{}.html"
TABLES = (SiteRow, HarvestRun, Page, Body, Snapshot, Report)


def stored_rows(db_url: str, make_item) -> dict[type, list[dict]]:
    """Real rows of a few stored report pages, read back as Python values (one or two changed to
    what a caller may hand in: a datetime in another zone, a naive one, NULLs, odd JSON)."""
    with Store(db_url) as store:
        run = store.start_run("zhaoqing", "zhaoqing", {"pages": 3}, "test", "p")
        for n in range(3):
            store.save_page(make_item(URL.format(n, n), report_html(year=2018 + n, proactive=50 + n), run=run))
        with store.engine.connect() as connection:
            rows = {model: [dict(row._mapping) for row in connection.execute(
                select(model.__table__).order_by(*model.__table__.primary_key.columns))] for model in TABLES}
    for page in rows[Page]:
        page["current_snapshot_id"] = None  # the snapshots come after the pages
    rows[Page][0]["first_seen_at"] = datetime(2026, 5, 1, 20, 30, tzinfo=timezone(timedelta(hours=8)))
    rows[Page][1]["last_fetched_at"] = datetime(2026, 5, 2, 3, 4, 5, 678901)  # naive: taken as UTC
    rows[Page][2]["last_listing_title"] = None
    rows[Snapshot][0]["headers"] = {"content-type": ["text/html; charset=utf-8"], "x-备注": ["年度报告", "\\\"'"]}
    rows[Snapshot][1]["etag"] = None
    rows[Report][0]["warnings"] = ["表格“二”无数值", {"nested": [1, 2.5, None, True]}]
    rows[Report][1]["field_sources"] = None
    return rows


def test_executemany_writes_the_rows_sqlalchemy_writes(db_url, other_url, make_item, tmp_path):  # noqa: F811
    source = f"sqlite:///{tmp_path / 'source.db'}"
    rows = stored_rows(source, make_item)
    with Store(db_url) as plain, Store(other_url) as reference:
        for model in TABLES:
            # by the driver, not through SQLAlchemy's own executemany
            assert _insert_plan(plain.engine.dialect, model.__table__, tuple(rows[model][0]), None) is not None
            with plain.session() as session, session.begin():
                _executemany(session, model.__table__, rows[model])
            with reference.session() as session, session.begin():
                session.execute(model.__table__.insert(), rows[model])
        plain_rows, reference_rows = dump(plain), dump(reference)
    for model in TABLES:
        name = model.__tablename__
        assert plain_rows[name] and plain_rows[name] == reference_rows[name], name
    with Store(db_url) as plain, plain.session() as session:  # the zone was converted, not dropped
        assert session.scalar(select(Page.first_seen_at).order_by(Page.id).limit(1)) == \
            datetime(2026, 5, 1, 12, 30, tzinfo=timezone.utc)


def test_executemany_leaves_a_missing_defaulted_column_to_sqlalchemy(db_url, make_item, tmp_path):
    """A row without a column that has a Python-side default (snapshots.headers: {}) is written
    by SQLAlchemy, which fills it in; an ON CONFLICT DO NOTHING insert keeps the first row."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    rows = stored_rows(source, make_item)
    for row in rows[Snapshot]:
        del row["headers"]
    body = dict(rows[Body][0], size=-1)
    with Store(db_url) as store:
        assert _insert_plan(store.engine.dialect, Snapshot.__table__, tuple(rows[Snapshot][0]), None) is None
        for model in TABLES:
            with store.session() as session, session.begin():
                _executemany(session, model.__table__, rows[model])
        with store.session() as session, session.begin():
            _executemany(session, Body.__table__, [body], conflict_keys=("sha256",))
        with store.session() as session:
            assert list(session.scalars(select(Snapshot.headers))) == [{}] * 3
            assert session.scalar(select(Body.size).where(Body.sha256 == body["sha256"])) == rows[Body][0]["size"]


def test_a_batch_numbers_statistic_strings_its_numbering_missed(store, make_item):
    """Statistics rows whose strings were not numbered beforehand (a caller's numbering missed
    one) are numbered when written, never stored without their label."""
    run = store.start_run("zhaoqing", "zhaoqing", {}, "test", "p")
    assert store.save_pages([make_item(URL.format(1, 1), report_html(), run=run)]) == ["new"]
    with store.session() as session:
        expected = session.execute(select(ReportStat.position, ReportStat.key_id, ReportStat.label_id,
                                          ReportStat.section_id).order_by(ReportStat.position)).all()
        report_id = session.scalar(select(Report.id))
        stats = [s for s in session.scalars(select(ReportStat)).all()]
    assert expected and any(row.label_id for row in expected)
    store.forget_uncommitted()  # nothing numbered in this Store's memory
    from harvester.storage.records import PreparedOutput, stat_rows
    from harvester.storage.records import report_output as output_of

    with store.session() as session, session.begin():
        output = output_of(session.get(Report, report_id))
        session.query(ReportStat).delete()
        prepared = PreparedOutput("p", "d", stats=stat_rows(output))
        store._insert_report_rows(session, [(report_id, prepared)])
    with store.session() as session:
        again = session.execute(select(ReportStat.position, ReportStat.key_id, ReportStat.label_id,
                                       ReportStat.section_id).order_by(ReportStat.position)).all()
        texts = session.scalar(select(StatText.id).limit(1))
    assert again == expected and len(stats) == len(again) and texts is not None
