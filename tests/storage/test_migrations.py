"""Schema migrations (`harvester db upgrade`) and clear errors for unusable databases."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from harvester.cli import main
from harvester.storage import StorageError, Store
from harvester.storage.engine import alembic_config, current_revision, head_revision, make_engine
from harvester.storage.models import Base

from .conftest import report_html

URL = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/1/post_1.html"


def migrate(engine, step, revision: str) -> None:
    """Run Alembic's ``step`` (command.upgrade or command.downgrade) to ``revision`` in one transaction."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_creates_the_schema_on_an_empty_database(db_url, capsys):
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert "upgraded from empty to revision" in capsys.readouterr().out
    assert set(Base.metadata.tables) | {"alembic_version"} == tables(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_db_upgrade_on_an_existing_database_keeps_its_data(db_url, make_item, capsys):
    with Store(db_url) as store:
        store.save_page(make_item(URL, report_html()))
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert "already at revision" in capsys.readouterr().out
    assert main(["db", "current", "--db", db_url]) == 0
    assert "up to date" in capsys.readouterr().out
    with Store(db_url) as store:
        assert set(store.known_pages("zhaoqing")) == {URL}


def test_migrations_downgrade_and_upgrade_again(db_url):
    from alembic import command

    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.downgrade(config, "base")
        assert current_revision(engine) is None
        assert tables(db_url) <= {"alembic_version"}
    finally:
        engine.dispose()
    with Store(db_url) as store:  # opening a Store migrates again
        assert store.known_pages("zhaoqing") == {}


def test_sqlite_pragmas(tmp_path):
    with Store(str(tmp_path / "h.db")) as store, store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


@pytest.mark.parametrize(
    "make_path, message",
    [
        (lambda tmp: tmp / "missing-dir" / "h.db", "does not exist"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: (tmp / "plain-file").write_text("x") and tmp / "plain-file" / "h.db", "is not a directory"),
    ],
)
def test_unusable_sqlite_path_is_one_clear_line(tmp_path, capsys, make_path, message):
    path = make_path(tmp_path)
    with pytest.raises(StorageError, match=message):
        Store(str(path))
    assert main(["db", "upgrade", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("harvester: error:") and message in err and err.count("\n") == 1


def test_unreachable_postgresql_is_one_clear_line(capsys):
    from harvester.storage.testing import free_port

    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(StorageError, match="cannot open database") as error:
        Store(url)
    assert "secret" not in str(error.value)
    assert main(["runs", "--db", url]) == 2
    assert "cannot open database" in capsys.readouterr().err


def test_database_url_resolution(monkeypatch, tmp_path):
    from harvester.storage import database_url

    monkeypatch.delenv("HARVESTER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'harvest.db'}"
    monkeypatch.setenv("HARVESTER_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("other.db") == f"sqlite:///{tmp_path / 'other.db'}"
    assert database_url("sqlite:////x/y.db") == "sqlite:////x/y.db"


def test_migrations_match_the_models(db_url):
    """A model change without its migration fails here (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Store(db_url) as store, store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_views_are_set_aside_while_migrations_rebuild_tables(db_url, make_item):
    """SQLite cannot rebuild a table (Alembic batch mode: copy, drop, rename) that a view names;
    upgrade() drops the reader views (harvester.storage.views) first and recreates them at the
    head. Here the views exist at 0004 (the first revision with every table they name), before the
    views' own migration 0006 and the later ones, as they will under any migration still to come."""
    from alembic import command

    from harvester.storage.engine import upgrade
    from harvester.storage.views import VIEW_NAMES, create_views

    engine = make_engine(db_url)
    try:
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")
            create_views(connection)  # the views of the head schema, present during later migrations
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(VIEW_NAMES) <= set(inspect(engine).get_view_names())
    finally:
        engine.dispose()
    with Store(db_url) as store:
        store.save_page(make_item("http://www.zhaoqing.gov.cn/gkmlpt/content/1/1/post_1.html", report_html()))
        with store.engine.connect() as conn:
            assert conn.execute(text("select count(*) from current_reports")).scalar() == 1
            assert conn.execute(text("select count(*) from current_statistics")).scalar() > 0


def test_compact_output_migration_converts_stored_reports_both_ways(db_url, make_item):
    """0004 packs existing reports (JSON columns + labelled statistic rows) into reports.output;
    its downgrade unpacks them again: the parser output reads the same after both."""
    from alembic import command
    from sqlalchemy import select

    from harvester.storage.models import Report
    from harvester.storage.records import report_output

    with Store(db_url) as store:
        for year in (2016, 2022):
            store.save_page(make_item(URL.replace("post_1", f"post_{year}"), report_html(year=year)))
        with store.session() as session:
            before = [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))]
    assert all(o["stats"] and o["body_text"] for o in before), [(len(o["stats"]), len(o["sections"])) for o in before]
    engine = make_engine(db_url)
    try:
        migrate(engine, command.downgrade, "0008")  # the revision before 0004
        with engine.connect() as connection:
            labels = connection.execute(text("SELECT count(*) FROM report_stats WHERE label IS NOT NULL")).scalar()
            assert labels == sum(len(o["stats"]) for o in before)
            assert connection.execute(text("SELECT count(*) FROM reports WHERE body_text != ''")).scalar() == 2
        migrate(engine, command.upgrade, "head")
    finally:
        engine.dispose()
    with Store(db_url) as store, store.session() as session:
        after = [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))]
        keyed = session.execute(text("SELECT count(*) FROM current_statistics WHERE label IS NOT NULL")).scalar()
    assert after == before
    assert keyed == sum(len(o["stats"]) for o in before)


def test_output_dictionary_migration_repacks_stored_reports_both_ways(db_url, make_item):
    """0009 re-packs reports.output with the preset dictionary (statistics as columns) and drops
    the report_stats.key_id index; its downgrade writes plain zlib JSON again (what 0005 reads)
    and restores the index; raw pages stored with a site dictionary go back to zlib. The parser
    output and the raw bytes read the same at 0005 and after the upgrade again."""
    import hashlib
    import json
    import zlib

    from alembic import command
    from sqlalchemy import select

    from harvester.storage.models import Report
    from harvester.storage.records import report_output

    pages = [report_html(year=year) for year in (2016, 2022)]
    with Store(db_url) as store:
        for year, body in zip((2016, 2022), pages):
            store.save_page(make_item(URL.replace("post_1", f"post_{year}"), body))
        with store.session() as session:
            before = [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))]
    assert all(o["stats"] for o in before)
    shas = [hashlib.sha256(body).hexdigest() for body in pages]
    engine = make_engine(db_url)
    try:
        migrate(engine, command.downgrade, "0005")
        with engine.connect() as connection:
            blobs = [bytes(b) for (b,) in connection.execute(text("SELECT output FROM reports ORDER BY id"))]
            indexes = {i["name"] for i in inspect(connection).get_indexes("report_stats")}
        # 0005's format: plain zlib, statistics as a list of objects
        assert [json.loads(zlib.decompress(b))["stats"] for b in blobs] == [
            [dict(s, value=s["value"]) for s in o["stats"]] for o in before]
        assert "ix_report_stats_key_id" in indexes
        with engine.connect() as connection:  # raw pages back to zlib, byte for byte
            raw = dict(connection.execute(text("SELECT sha256, data FROM bodies WHERE compression = 'zlib'")).all())
        assert [zlib.decompress(raw[sha]) for sha in shas] == pages
        assert "body_dictionaries" not in tables(db_url)
        migrate(engine, command.upgrade, "head")
        with engine.connect() as connection:
            blobs = [bytes(b) for (b,) in connection.execute(text("SELECT output FROM reports ORDER BY id"))]
            indexes = {i["name"] for i in inspect(connection).get_indexes("report_stats")}
        assert all(b[1] & 0x20 for b in blobs)  # zlib header: a preset dictionary is named
        assert "ix_report_stats_key_id" not in indexes
    finally:
        engine.dispose()
    with Store(db_url) as store, store.session() as session:
        after = [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))]
        keyed = session.execute(text("SELECT count(*) FROM current_statistics")).scalar()
        assert [store.body(sha) for sha in shas] == pages  # zlib bodies of 0005 read as they are
    assert after == before
    assert keyed == sum(len(o["stats"]) for o in before)


def test_zstd_output_migration_downgrade_writes_0009_blobs(db_url, make_item):
    """Outputs stored since 0010 are zstd; 0010's downgrade writes them as 0009's zlib with the
    preset dictionary, which read the same; the upgrade changes no row, and new outputs are zstd."""
    import zlib

    from alembic import command
    from sqlalchemy import select

    from harvester.storage.models import Report
    from harvester.storage.records import output_dictionary, report_output

    zstd_frame = (0x184D2A50).to_bytes(4, "little")
    with Store(db_url) as store:
        for year in (2016, 2022):
            store.save_page(make_item(URL.replace("post_1", f"post_{year}"), report_html(year=year)))
        with store.session() as session:
            before = [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))]
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            blobs = [bytes(b) for (b,) in connection.execute(text("SELECT output FROM reports ORDER BY id"))]
        assert len(blobs) == 2 and all(b.startswith(zstd_frame) for b in blobs)
        migrate(engine, command.downgrade, "0009")
        with engine.connect() as connection:
            blobs = [bytes(b) for (b,) in connection.execute(text("SELECT output FROM reports ORDER BY id"))]
        assert all(b[1] & 0x20 for b in blobs) and not any(b.startswith(zstd_frame) for b in blobs)
        assert all(zlib.decompressobj(zdict=output_dictionary(1)).decompress(b).startswith(b"{") for b in blobs)
        migrate(engine, command.upgrade, "head")
        with engine.connect() as connection:
            assert [bytes(b) for (b,) in connection.execute(text("SELECT output FROM reports ORDER BY id"))] == blobs
    finally:
        engine.dispose()
    with Store(db_url) as store:
        with store.session() as session:
            assert [report_output(r) for r in session.scalars(select(Report).order_by(Report.id))] == before
        store.save_page(make_item(URL.replace("post_1", "post_2023"), report_html(year=2023)))
        with store.session() as session:
            newest = session.scalars(select(Report).order_by(Report.id.desc())).first()
            assert bytes(newest.output).startswith(zstd_frame)
