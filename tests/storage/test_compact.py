"""`harvester db compact` (harvester.storage.compact): an archive harvested before migration 0009
(raw pages stored as zlib) gets its page bodies recompressed as zstd with their site's dictionary,
byte for byte, in resumable batches; attachment files are not touched.

The old archive is made the way one really comes about: pages stored through the real Store,
then the real migration 0009 downgraded (it turns every zstd body back into zlib and drops the
dictionaries) and upgraded again, as an archive of before 0009 is after `harvester db upgrade`.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester.cli import main
from harvester.storage import Store
from harvester.storage import rawpages
from harvester.storage.attachments import FetchedFile, save_files
from harvester.storage.compact import compact, pending_bodies
from harvester.storage.engine import alembic_config, make_engine
from harvester.storage.export import iter_current_reports, export_item
from harvester.storage.models import Body, BodyDictionary

from .conftest import notice_html, report_html

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
ZQ = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/{}/post_{}.html"
PZH = "http://www.panzhihua.gov.cn/zfxxgk1/zfxxgknb/xxgknb/{}.shtml"
YK = "https://www.yk.gov.cn/art/2013/3/29/art_1229188257_{}.html"
YUXI = "https://www.yn.gov.cn/zwgk/zfxxgkpt/zfxxgknb/{}.html"
#: A page too short to become a site's dictionary (an error stub): its site has no other page.
STUB = "<html><body>页面维护中</body></html>".encode("utf-8")
PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 40 + b"%%EOF\n"


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def variant(body: bytes, n: int) -> bytes:
    """Another page of the same site: the same chrome, some other numbers in the text."""
    return body.replace(b"2019", str(1990 + n).encode()).replace(b"</body>", f"<!-- {n} --></body>".encode())


def to_old_archive(db_url: str) -> None:
    """Downgrade migration 0009 and upgrade again: every body zlib, no dictionary, as an archive
    harvested before 0009 is after upgrading."""
    from alembic import command

    engine = make_engine(db_url)
    try:
        config = alembic_config(engine)
        for step, revision in ((command.downgrade, "0005"), (command.upgrade, "head")):
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                step(config, revision)
    finally:
        engine.dispose()


def rows(store: Store) -> dict[str, tuple]:
    with store.session() as session:
        return {r.sha256: (r.compression, bytes(r.data), r.dictionary_id)
                for r in session.execute(select(Body.sha256, Body.compression, Body.data, Body.dictionary_id))}


def dictionaries(store: Store) -> list[tuple]:
    with store.session() as session:
        return [tuple(r) for r in session.execute(select(BodyDictionary.id, BodyDictionary.site_key,
                                                         BodyDictionary.kind).order_by(BodyDictionary.id))]


def all_bodies(db_url: str, shas) -> dict[str, bytes]:
    with Store(db_url) as store:  # a new Store: no dictionary cached, all read from the database
        return {s: store.body(s) for s in shas}


@pytest.fixture
def old_archive(db_url, make_item):
    """An archive of four sites stored before 0009, then two pages stored after it. Returns
    {sha256: raw bytes} of every body and the shas of interest."""
    zhaoqing = FIXTURES.joinpath("zhaoqing.html").read_bytes()
    panzhihua = FIXTURES.joinpath("panzhihua.html").read_bytes()
    yongkang = FIXTURES.joinpath("yongkang.html").read_bytes()
    pages: list[tuple[str, str, bytes]] = [("zhaoqing", ZQ.format(0, "real"), zhaoqing)]
    pages += [("zhaoqing", ZQ.format(n, n), report_html(year=2008 + n, proactive=300 + 7 * n)) for n in range(12)]
    pages += [("zhaoqing", ZQ.format(99, "notice"), notice_html())]
    pages += [("panzhihua", PZH.format(n), variant(panzhihua, n)) for n in range(3)]
    pages += [("yongkang", YK.format(1), yongkang),
              # the same bytes under a zhaoqing URL too: one body, compressed for yongkang (first by key)
              ("zhaoqing", ZQ.format(98, "copy"), yongkang),
              ("yuxi", YUXI.format("stub"), STUB)]
    file_page = variant(panzhihua, 7)  # a page body that is also a file's body (a linked copy)
    pages += [("panzhihua", PZH.format(7), file_page)]
    with Store(db_url) as store:
        for site, url, body in pages:
            store.save_page(make_item(url, body, site=site))
        save_files(store, PZH.format(0), None, [
            FetchedFile(url="http://www.panzhihua.gov.cn/u/report.pdf", name="report.pdf", kind="pdf",
                        fetched_at="2026-11-01T08:00:00Z", body=PDF, status=200, sha256=sha(PDF)),
            FetchedFile(url="http://www.panzhihua.gov.cn/u/copy.html", name="copy", kind="html",
                        fetched_at="2026-11-01T08:00:00Z", body=file_page, status=200, sha256=sha(file_page))])
    to_old_archive(db_url)
    newer = [("zhaoqing", ZQ.format(50, "new"), report_html(year=2025, proactive=999)),
             ("panzhihua", PZH.format(50), variant(panzhihua, 50))]
    with Store(db_url) as store:
        for site, url, body in newer:
            store.save_page(make_item(url, body, site=site))
    raw = {sha(body): body for _, _, body in pages + newer}
    raw[sha(PDF)] = PDF
    return {"raw": raw, "new": {sha(b) for _, _, b in newer}, "pdf": sha(PDF), "file_page": sha(file_page),
            "stub": sha(STUB), "shared": sha(yongkang)}


def test_compact_recompresses_old_page_bodies_byte_for_byte(db_url, old_archive, use_parser):
    raw = old_archive["raw"]
    with Store(db_url) as store:
        before = rows(store)
        old = {s for s, (compression, _, _) in before.items() if compression == "zlib"}
        assert old == set(raw) - old_archive["new"] and dictionaries(store)  # the newer pages made some
        assert {before[s][0] for s in old_archive["new"]} == {"zstd"}
        assert pending_bodies(store.engine) == len(old) - 1  # the PDF is no page's
        exported = [export_item(r.item) for r in iter_current_reports(store)]
        summary = compact(store.engine, batch=4)
        after = rows(store)
        made = dictionaries(store)
    assert summary.complete and summary.examined == len(old) - 1
    assert summary.examined == summary.recompressed + summary.kept_zlib + summary.skipped_total
    assert summary.skipped == {"attachment": 1}
    assert all_bodies(db_url, raw) == raw and all(sha(body) == s for s, body in raw.items())
    # attachment bodies (a file; a page body that is also a file's) and newer pages untouched
    for untouched in [old_archive["pdf"], old_archive["file_page"], *old_archive["new"]]:
        assert after[untouched] == before[untouched]
    # the stub of a site without any other page: too short for a dictionary, stays zlib
    assert after[old_archive["stub"]] == before[old_archive["stub"]]
    assert "yuxi" not in {site for _, site, _ in made}
    assert summary.kept_zlib == 1
    recompressed = old - {old_archive["pdf"], old_archive["file_page"], old_archive["stub"]}
    site_of = {number: site for number, site, _ in made}
    assert summary.recompressed == len(recompressed)
    for s in recompressed:
        compression, data, dictionary_id = after[s]
        assert compression == "zstd" and dictionary_id in site_of and len(data) < len(before[s][1])
    assert site_of[after[old_archive["shared"]][2]] == "yongkang"
    stored_before = sum(len(d) for _, d, _ in before.values())
    stored_after = sum(len(d) for _, d, _ in after.values())
    assert stored_before - stored_after == summary.bytes_before - summary.bytes_after > 0
    assert summary.bytes_after < 0.8 * summary.bytes_before
    # re-parse reads every page and finds the same output; export reads the same reports
    from harvester.storage.reparse import reparse

    with Store(db_url) as store:
        done = reparse(store)
        assert done.failed == 0 and done.examined == len(raw) - 1 + 1  # the PDF is no page; two URLs share a body
        assert done.changed == 0 and done.unchanged == done.reports_examined > 0
        assert [export_item(r.item) for r in iter_current_reports(store)] == exported
        # a second run changes nothing
        again = compact(store.engine, batch=4)
        assert rows(store) == after and dictionaries(store) == made
    assert again.recompressed == 0 and again.dictionaries_made == 0
    assert again.examined == again.kept_zlib + again.skipped_total == 2


def test_an_interrupted_compact_goes_on_where_it_stopped(db_url, old_archive):
    raw = old_archive["raw"]
    with Store(db_url) as store:
        pending = pending_bodies(store.engine)
        first = compact(store.engine, batch=1, max_batches=1)
        assert not first.complete and first.batches == first.examined == 1
        assert pending_bodies(store.engine) == pending - first.recompressed

        seen = []

        def interrupt(n: int) -> None:  # Ctrl-C after the second batch committed
            seen.append(n)
            if len(seen) == 2:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            compact(store.engine, batch=1, progress=interrupt)
        middle = pending_bodies(store.engine)
        assert middle < pending
        rest = compact(store.engine, batch=1)
        made = dictionaries(store)
    assert rest.complete and rest.examined == middle
    assert pending - rest.kept_zlib - rest.skipped_total == pending - middle + rest.recompressed
    # the dictionary made by the interrupted runs is the one the later run went on with
    assert sorted(site for _, site, kind in made if kind == "raw") == ["panzhihua", "yongkang", "zhaoqing"]
    assert all_bodies(db_url, raw) == raw


def test_a_site_gets_its_trained_dictionary_as_in_a_crawl(db_url, old_archive, monkeypatch):
    """After TRAIN_AFTER pages of a site the compaction trains its dictionary (as a crawl does),
    and the site's later pages use it."""
    monkeypatch.setattr(rawpages, "TRAIN_AFTER", 10)
    raw = old_archive["raw"]
    with Store(db_url) as store:
        existing = {number for number, _, _ in dictionaries(store)}
        compact(store.engine, batch=3)
        made = [d for d in dictionaries(store) if d[0] not in existing]
        used = {dictionary_id for _, _, dictionary_id in rows(store).values()}
    trained = [number for number, site, kind in made if site == "zhaoqing" and kind == "trained"]
    assert len(trained) == 1 and trained[0] in used
    assert all_bodies(db_url, raw) == raw


def test_a_body_that_fails_verification_is_left_as_it_is(db_url, old_archive, monkeypatch):
    """Broken zlib data, and zstd bytes that would not decompress to the page: never written."""
    raw = old_archive["raw"]
    target = next(s for s in sorted(raw) if s not in old_archive["new"] and s != old_archive["stub"]
                  and s not in (old_archive["pdf"], old_archive["file_page"]))
    with Store(db_url) as store:
        with store.engine.begin() as connection:
            connection.execute(Body.__table__.update().where(Body.sha256 == target).values(data=b"not zlib"))
        real = rawpages.compress
        monkeypatch.setattr(rawpages, "compress", lambda body, dictionary, *level: real(body[:-1], dictionary, *level))
        summary = compact(store.engine)
        assert summary.recompressed == 0
        assert summary.skipped == {"unreadable": 1, "round trip": summary.examined - 3, "attachment": 1}
        assert {c for s, (c, _, _) in rows(store).items() if s not in old_archive["new"]} == {"zlib"}


def test_db_compact_cli(db_url, old_archive, capsys, tmp_path):
    assert main(["db", "compact", "--db", db_url, "--batch", "0"]) == 2
    assert capsys.readouterr().err.strip() == "harvester: error: --batch takes 1 or more, got 0"
    missing = tmp_path / "none" / "harvest.db"
    assert main(["db", "compact", "--db", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"harvester: error: database {missing} does not exist") and "\n" not in err
    assert not missing.exists()
    assert main(["db", "compact", "--db", db_url, "--no-vacuum"]) == 0
    out = capsys.readouterr().out
    recompressed = len(old_archive["raw"]) - len(old_archive["new"]) - 3
    assert f"recompressed as zstd:  {recompressed} " in out
    assert "kept zlib:             1 " in out and "skipped:               1 (also an attachment file 1)" in out
    if db_url.startswith("postgresql"):
        assert "`VACUUM FULL bodies` returns them to the operating system" in out
    else:
        assert "not vacuumed (--no-vacuum)" in out


def test_db_compact_in_a_subprocess_shrinks_the_sqlite_file(tmp_path, make_item):
    db = tmp_path / "old.db"
    url = f"sqlite:///{db}"
    base = FIXTURES.joinpath("yuxi.html").read_bytes()
    with Store(url) as store:
        for n in range(40):
            page = base.replace(b"2017", str(1980 + n).encode()) + f"<!-- page {n} -->".encode()
            store.save_page(make_item(YUXI.format(n), page, site="yuxi", parse=False))
    to_old_archive(url)
    size = db.stat().st_size
    done = subprocess.run([sys.executable, "-m", "harvester", "db", "compact", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "40 page bodies stored as zlib examined" in done.stdout
    assert "recompressed as zstd:  40 (site dictionaries made: 1)" in done.stdout
    assert f"VACUUM: {db} " in done.stdout
    assert db.stat().st_size < size
    again = subprocess.run([sys.executable, "-m", "harvester", "db", "compact", "--db", str(db)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "no page body stored as zlib, nothing to recompress" in again.stdout


def test_a_crawl_storing_between_batches_is_fine(db_url, old_archive, make_item):
    """A crawl (another Store, its own connections) stores pages while compact runs: a new page
    whose bytes are an old zlib body (the insert keeps the stored row), a new page of a site
    being compacted, a page of a new site. Every body reads back exactly afterwards."""
    raw = dict(old_archive["raw"])
    zhaoqing_old = sorted(s for s in raw if raw[s].startswith(b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
                          and s not in old_archive["new"])
    crawl_pages = [("zhaoqing", ZQ.format(70, "again"), raw[zhaoqing_old[-1]]),
                   ("zhaoqing", ZQ.format(71, "new"), report_html(year=2026, proactive=4321)),
                   ("xuancheng", "https://gdb.xuancheng.gov.cn/XxgkAnnualReport/show/1.html",
                    FIXTURES.joinpath("xuancheng.html").read_bytes())]
    batches = []

    def crawl_meanwhile(n: int) -> None:
        batches.append(n)
        if len(batches) <= len(crawl_pages):
            site, url, body = crawl_pages[len(batches) - 1]
            with Store(db_url) as crawl:
                crawl.save_page(make_item(url, body, site=site))
            raw[sha(body)] = body

    with Store(db_url) as store:
        summary = compact(store.engine, batch=2, progress=crawl_meanwhile)
        after = rows(store)
    assert summary.complete and len(batches) > len(crawl_pages)
    assert all_bodies(db_url, raw) == raw
    assert after[zhaoqing_old[-1]][0] == "zstd"  # the crawl's insert did not undo the compaction
    # only the stub of the site without a dictionary and the attachment bodies are still zlib
    assert {s for s, (c, _, _) in after.items() if c == "zlib"} == {
        old_archive["stub"], old_archive["pdf"], old_archive["file_page"]}


def test_a_vacuum_that_cannot_lock_the_file_is_one_line_and_the_compaction_stays(tmp_path, make_item,
                                                                               monkeypatch, capsys):
    """A crawl holding SQLite's write lock past the busy timeout: the bodies are compacted (each
    batch committed), VACUUM is reported as not done, the next run does it."""
    import sqlite3

    db = tmp_path / "busy.db"
    base = FIXTURES.joinpath("zhaoqing.html").read_bytes()
    with Store(f"sqlite:///{db}") as store:
        for n in range(5):
            store.save_page(make_item(ZQ.format(n, n), variant(base, n), parse=False))
    to_old_archive(f"sqlite:///{db}")
    monkeypatch.setenv("HARVESTER_SQLITE_BUSY_TIMEOUT", "100")
    crawl = sqlite3.connect(db, isolation_level=None)
    try:
        progress = []

        def lock_after_the_batch(n):  # the crawl's write starts before VACUUM
            progress.append(n)
            crawl.execute("BEGIN IMMEDIATE")

        from harvester.storage import compact as module

        real = module.compact
        monkeypatch.setattr(module, "compact", lambda engine, batch, progress=None: real(
            engine, batch, progress=lock_after_the_batch))
        assert main(["db", "compact", "--db", str(db), "--batch", "5"]) == 0
        out = capsys.readouterr().out
        assert "recompressed as zstd:  5" in out and "VACUUM failed (database is locked)" in out
    finally:
        crawl.execute("ROLLBACK")
        crawl.close()
    assert main(["db", "compact", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "nothing to recompress" in out and f"VACUUM: {db} " in out


def test_progress_lines_go_to_stderr_every_few_seconds(capsys):
    from harvester.cli.db import COMPACTED
    from harvester.progress import count_progress

    now = [0.0]
    progress = count_progress(1000, COMPACTED, to_stderr=True, every=10, clock=lambda: now[0])
    for step in range(6):
        now[0] += 4
        progress(100)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["compacted 300/1000 page bodies", "compacted 600/1000 page bodies"]


def test_compact_beside_a_crawl_in_another_thread(db_url, old_archive, make_item):
    """A crawl (another Store) stores pages in a thread while compact runs in small batches: no
    lock error on either side, every body reads back exactly."""
    import threading

    raw = dict(old_archive["raw"])
    zhaoqing = FIXTURES.joinpath("zhaoqing.html").read_bytes()
    crawled = [make_item(ZQ.format(200 + n, n), variant(zhaoqing, 100 + n)) for n in range(12)]
    old_pages = [s for s in sorted(raw) if s not in old_archive["new"] and s != old_archive["pdf"]]
    crawled += [make_item(ZQ.format(300 + n, n), raw[s], parse=False) for n, s in enumerate(old_pages[:4])]
    errors: list[BaseException] = []
    started = threading.Event()

    def crawl() -> None:
        try:
            with Store(db_url) as store:
                started.set()
                for item in crawled:
                    store.save_page(item)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=crawl)
    thread.start()
    started.wait(30)
    with Store(db_url) as store:
        first = compact(store.engine, batch=2)
    thread.join(60)
    assert not thread.is_alive() and errors == []
    with Store(db_url) as store:
        rest = compact(store.engine, batch=2)  # what the crawl stored as zlib: nothing
    assert first.recompressed > 0 and rest.recompressed == 0
    raw.update({sha(item.body): item.body for item in crawled})
    assert all_bodies(db_url, raw) == raw
