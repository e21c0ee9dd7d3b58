"""Re-parse stored snapshots with the current parser: no network, streaming, resumable.

Pages are visited in id order, ``batch_size`` at a time, each batch in one transaction: an
interrupted re-parse keeps every committed batch and a rerun simply goes over the pages again
(already updated ones come out "unchanged") unless it resumes: an interrupted re-parse records
the last page it committed, and the next one with the same selection and parser version starts
after it.

A batch is read in one query (pages, snapshots and stored bodies), parsed, and made ready to
store (output, digest, packed blob, statistic rows) with no transaction open; only then is it
stored, in one short transaction of a few bulk statements (Store.apply_parses). SQLite has one
writer: a worker that kept its transaction open while parsing made the other workers wait, and
two workers were no faster than one (bench/RESULTS.md, issue 15, figure 7a).
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import rawpages
from .models import Body, HarvestRun, Page, Snapshot
from .store import ParseChange, ParsedPage, Store

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What one batch did; added to the summary only once the batch is committed."""

    examined: int = 0
    reports_examined: int = 0
    changed: int = 0
    unchanged: int = 0
    newly_reports: int = 0
    newly_non_reports: int = 0
    non_reports: int = 0
    failed: int = 0
    field_changes: Counter = field(default_factory=Counter)
    new_warnings: Counter = field(default_factory=Counter)


_COUNTS = ("examined", "reports_examined", "changed", "unchanged", "newly_reports", "newly_non_reports", "non_reports", "failed")


@dataclass(kw_only=True)
class ReparseSummary(Tally):
    """The whole re-parse: the committed batches' tallies added up, plus where it stands.

    ``examined`` counts snapshots parsed again; ``reports_examined`` pages that were or became
    reports (what "reports examined" reports)."""

    parser_version: str
    dry_run: bool = False
    run_id: int | None = None
    pages_total: int = 0
    interrupted: bool = False
    #: Set when continuing an interrupted re-parse: its run, and the pages it had done.
    resumed_from_run: int | None = None
    pages_skipped: int = 0
    #: Last page id of the last committed batch (where a rerun resumes).
    last_page_id: int = 0

    def add(self, tally: Tally) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(tally, name))
        self.field_changes.update(tally.field_changes)
        self.new_warnings.update(tally.new_warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parser_version": self.parser_version,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "pages_total": self.pages_total,
            "examined": self.examined,
            "reports_examined": self.reports_examined,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "newly_reports": self.newly_reports,
            "newly_non_reports": self.newly_non_reports,
            "non_reports": self.non_reports,
            "failed": self.failed,
            "interrupted": self.interrupted,
            "resumed_from_run": self.resumed_from_run,
            "pages_skipped": self.pages_skipped,
            "last_page_id": self.last_page_id,
            "field_changes": dict(self.field_changes.most_common()),
            "new_warnings": sum(self.new_warnings.values()),
            "new_warning_examples": [w for w, _ in self.new_warnings.most_common(20)],
        }


def _pages_query(site: str | None, since: datetime | None, *columns: Any):
    query = select(*(columns or (Page, Snapshot))).join(Snapshot, Snapshot.id == Page.current_snapshot_id)
    if site:
        query = query.where(Page.site_key == site)
    if since is not None:
        query = query.where(Snapshot.last_fetched_at >= since)
    return query


def _batch_query(site: str | None, since: datetime | None):
    """Everything a batch needs of each selected page, in one query: the page, its current
    snapshot and the stored body (outer join: a missing body is a failure, not a lost page)."""
    return _pages_query(
        site, since, Page.id.label("page_id"), Page.url, Page.site_key, Snapshot.id.label("snapshot_id"),
        Snapshot.content_sha256, Snapshot.headers, Snapshot.kind, Snapshot.kind_reason, Snapshot.parser_version,
        Body.compression, Body.data, Body.dictionary_id,
    ).outerjoin(Body, Body.sha256 == Snapshot.content_sha256).order_by(Page.id)


def count_pages(
    store: Store, site: str | None = None, since: datetime | None = None, up_to_page_id: int | None = None
) -> int:
    query = _pages_query(site, since).with_only_columns(func.count()).order_by(None)
    if up_to_page_id is not None:
        query = query.where(Page.id <= up_to_page_id)
    with store.session() as session:
        return session.scalar(query) or 0


def reparse(
    store: Store,
    site: str | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = 100,
    progress: Callable[[int], None] | None = None,
    resume: bool = True,
) -> ReparseSummary:
    """Parse the current snapshot of every selected page again and store what changed.

    ``progress`` is called with the number of pages done after each batch. With ``resume``, a
    re-parse interrupted earlier (same site/since, same parser version) continues after the last
    page it committed instead of starting over.
    """
    # Looked up at call time so that a changed parser (or a test's patched rule) is what runs.
    parsing = importlib.import_module("harvester.parsing")
    from .. import __version__

    summary = ReparseSummary(parser_version=parsing.PARSER_VERSION, dry_run=dry_run)
    summary.pages_total = count_pages(store, site, since)
    selection = {"site": site, "since": since.isoformat() if since else None}
    outcome = "failed"
    last_page_id = 0
    if not dry_run:
        _abandon_killed_reparses(store)
    if resume and not dry_run:
        last_page_id, summary.resumed_from_run = _interrupted_position(store, selection, parsing.PARSER_VERSION)
        summary.last_page_id = last_page_id
        summary.pages_skipped = count_pages(store, site, since, up_to_page_id=last_page_id) if last_page_id else 0
    if not dry_run:
        args = {**selection, "batch_size": batch_size, "resumed_from_run": summary.resumed_from_run}
        summary.run_id = store.start_run(site, "reparse", args, __version__, parsing.PARSER_VERSION, kind="reparse")
    if progress is not None and summary.pages_skipped:
        progress(summary.pages_skipped)

    base_query = _batch_query(site, since).limit(batch_size)
    dictionaries = rawpages.Dictionaries()  # dictionary rows never change: kept across batches
    try:
        while True:
            # Python's cyclic collector is paused for a whole batch, as parse_page pauses it for
            # a page: the batch's parse results, output dicts and rows are freed by reference
            # counting once it is done; with the collector on, preparing and storing them set
            # off young collections that walked all of them, and their survivors the older
            # generations (~0.2 ms a page; bench/RESULTS.md, issue 15, store cost).
            with parsing.cyclic_gc_paused():
                with store.session() as session:
                    rows = session.execute(base_query.where(Page.id > last_page_id)).all()
                    if not rows:
                        break
                    parsed, parse_tally = _parse_batch(store, session, parsing, rows, dictionaries)
                last_page_id = rows[-1].page_id
                with store.session() as session:
                    try:
                        changes = store.apply_parses(session, parsed, summary.run_id, "reparse")
                        tally = _counted(parse_tally, parsed, changes)
                        if dry_run:
                            session.rollback()
                            store.forget_uncommitted()
                            summary.add(tally)
                        else:
                            # The position is committed with the batch: exactly where a rerun resumes.
                            _save_position(session, summary, tally, last_page_id)
                            session.commit()
                            summary.add(tally)
                            summary.last_page_id = last_page_id
                    except Exception:
                        # A database error spoils the batch's transaction: store it one page at a time.
                        log.exception("re-parse batch failed; storing its pages one by one")
                        session.rollback()
                        store.forget_uncommitted()
                        summary.add(_store_one_by_one(store, parsed, parse_tally, summary.run_id, dry_run))
                        summary.last_page_id = last_page_id
                        if not dry_run:
                            with store.session() as position_session:
                                _save_position(position_session, summary, Tally(), last_page_id)
                                position_session.commit()
                count = len(rows)
                del rows, parsed  # freed by reference counting, not by a collection
            if progress is not None:
                progress(count)
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    except BaseException:
        outcome = "failed"
        raise
    else:
        outcome = "finished"
    finally:
        if summary.run_id is not None:
            outcome = "interrupted" if summary.interrupted else outcome
            counts = {
                "changed": summary.changed + summary.newly_reports + summary.newly_non_reports,
                "unchanged": summary.unchanged + summary.non_reports,
                "failed": summary.failed,
            }
            store.finish_run(summary.run_id, outcome, summary.to_dict(), counts)
    return summary


def _save_position(session: Session, summary: ReparseSummary, tally: Tally, last_page_id: int) -> None:
    if summary.run_id is None:
        return
    merged = ReparseSummary(parser_version=summary.parser_version)
    merged.__dict__.update({k: v for k, v in summary.__dict__.items() if k not in ("field_changes", "new_warnings")})
    merged.field_changes = summary.field_changes.copy()
    merged.new_warnings = summary.new_warnings.copy()
    merged.add(tally)
    merged.last_page_id = last_page_id
    stats = merged.to_dict()
    session.execute(update(HarvestRun).where(HarvestRun.id == summary.run_id).values(stats=stats))


#: Re-parse runs that stopped before the end: Ctrl-C ("interrupted") or killed ("abandoned").
RESUMABLE = frozenset({"interrupted", "abandoned"})


def _abandon_killed_reparses(store: Store) -> list[int]:
    """Re-parse runs still "running" were killed (SIGKILL, OOM, power loss: no finally ran); they
    become "abandoned" and the next re-parse resumes after their last committed batch. A re-parse
    takes no lock: do not run two at once."""
    with store.session() as session, session.begin():
        ids = list(session.scalars(select(HarvestRun.id).where(HarvestRun.kind == "reparse",
                                                                HarvestRun.outcome == "running")))
        if ids:
            session.execute(update(HarvestRun).where(HarvestRun.id.in_(ids)).values(outcome="abandoned"))
            log.warning("re-parse runs %s did not finish (killed); marked abandoned", ", ".join(map(str, ids)))
    return ids


def _interrupted_position(store: Store, selection: dict, parser_version: str) -> tuple[int, int | None]:
    """(last committed page id, run id) of the latest re-parse if it was interrupted with the same
    selection and parser version; (0, None) otherwise."""
    with store.session() as session:
        latest = session.scalars(
            select(HarvestRun).where(HarvestRun.kind == "reparse").order_by(HarvestRun.id.desc()).limit(1)
        ).first()
    if latest is None or latest.outcome not in RESUMABLE or latest.parser_version != parser_version:
        return 0, None
    args = latest.args or {}
    if {k: args.get(k) for k in selection} != selection:
        return 0, None
    return int((latest.stats or {}).get("last_page_id") or 0), latest.id


def _parse_batch(store: Store, session: Session, parsing, rows: list, dictionaries: rawpages.Dictionaries,
                 ) -> tuple[list[ParsedPage], Tally]:
    """Parse the pages of a batch (rows of _batch_query) and make them ready to store, with no
    transaction open (reads only); the tally counts the pages parsed and those that failed."""
    tally = Tally()
    parsed: list[ParsedPage] = []
    for row in rows:
        if row.data is None:
            log.error("body %s of %s is missing", row.content_sha256, row.url)
            tally.failed += 1
            continue
        try:
            dictionary = dictionaries.get(session, row.dictionary_id) if row.dictionary_id is not None else None
            body = rawpages.decompress(row.compression, row.data, dictionary)
        except Exception:
            log.exception("body %s of %s cannot be read", row.content_sha256, row.url)
            tally.failed += 1
            continue
        try:
            result = _parse_with_files(session, parsing, row.url, body, row.headers, row.site_key)
        except Exception:  # the parser promises not to raise; a bug must not stop the re-parse
            log.exception("parser failed on %s", row.url)
            tally.failed += 1
            continue
        tally.examined += 1
        parsed.append(ParsedPage(row.page_id, row.snapshot_id, row.site_key, row.url, result,
                                 (row.kind, row.kind_reason, row.parser_version)))
    # The store's CPU work too, before its transaction: digests, and the blob and statistic rows
    # of the reports that will be new versions (apply_parses makes any it finds missing).
    reports = [page for page in parsed if page.result is not None and page.result.kind == "report"]
    latest = store.latest_versions(session, [page.page_id for page in reports])
    for page in reports:
        digest = page.prepare().digest
        last = latest.get(page.page_id)
        if last is None or not last.is_current or last.snapshot_id != page.snapshot_id or last.output_sha256 != digest:
            page.prepare(pack=True)
    return parsed, tally


def _counted(parse_tally: Tally, parsed: list[ParsedPage], changes: list[ParseChange]) -> Tally:
    """The batch's tally: what parsing counted plus what storing each page did."""
    tally = replace(parse_tally, field_changes=Counter(parse_tally.field_changes),
                    new_warnings=Counter(parse_tally.new_warnings))
    for page, change in zip(parsed, changes):
        old_kind = page.stored_kind[0]
        if change.status in ("changed", "unchanged", "new_report", "to_nonreport"):
            tally.reports_examined += 1
        if change.status == "changed" or (change.status == "new_report" and old_kind == "report"):
            tally.changed += 1
        elif change.status == "unchanged":
            tally.unchanged += 1
        elif change.status == "new_report":
            tally.newly_reports += 1
        elif change.status == "to_nonreport":
            tally.newly_non_reports += 1
        elif change.status == "nonreport":
            tally.non_reports += 1
        tally.field_changes.update(change.changed_fields)
        tally.new_warnings.update(change.new_warnings)
    return tally


def _store_one_by_one(store: Store, parsed: list[ParsedPage], parse_tally: Tally, run_id: int | None,
                      dry_run: bool) -> Tally:
    """After a batch the database refused: each page in its own transaction, so that one bad
    page costs only itself (counted as failed)."""
    tally = _counted(parse_tally, [], [])
    for page in parsed:
        with store.session() as session:
            try:
                changes = store.apply_parses(session, [page], run_id, "reparse")
                if dry_run:
                    session.rollback()
                    store.forget_uncommitted()
                else:
                    session.commit()
            except Exception:
                log.exception("re-parse of %s failed", page.url)
                session.rollback()
                store.forget_uncommitted()
                tally.examined -= 1
                tally.failed += 1
                continue
        tally = _counted(tally, [page], changes)
    return tally


def _parse_with_files(session: Session, parsing, url: str, body: bytes, headers: Any, site_key: str):
    """The page parsed as the crawl parsed it: with the files it links merged from the archive
    (attachment_files; offline), or as a file when the page is one (harvester.files)."""
    try:
        from ..files.report import parse_with_files
    except ImportError:  # pragma: no cover - harvester.files needs only the standard library to import
        return parsing.parse_page(url, body, headers, site_key)
    from .attachments import stored_files_in

    return parse_with_files(url, body, headers, site_key, stored_files=lambda urls: stored_files_in(session, urls))


# --- parallel re-parse: workers claiming batches ----------------------------------------------
#
# The run's pages are cut into id ranges (reparse_batches). Any number of workers, processes
# of `harvester reparse --workers N` or `harvester reparse --join RUN` on other machines, claim
# a pending range with one conditional UPDATE (PostgreSQL: FOR UPDATE SKIP LOCKED first, so
# workers never wait on each other's claim), parse it without holding a transaction, then
# store the results and mark the range done in ONE short transaction that first checks the
# claim is still theirs. A worker that dies leaves its claim behind; once the lease
# (LEASE_SECONDS) expires another worker takes the range over. The change report is the sum of
# the done ranges' tallies, so it is the same whatever the number of workers.

#: A claimed batch not finished within this many seconds is taken over by another worker.
LEASE_SECONDS = 600.0


def _tally_json(tally: Tally) -> dict[str, Any]:
    data = {name: getattr(tally, name) for name in _COUNTS}
    data["field_changes"] = dict(tally.field_changes)
    data["new_warnings"] = dict(tally.new_warnings)
    return data


def _tally_from_json(data: dict[str, Any]) -> Tally:
    tally = Tally(**{name: int(data.get(name) or 0) for name in _COUNTS})
    tally.field_changes = Counter(data.get("field_changes") or {})
    tally.new_warnings = Counter(data.get("new_warnings") or {})
    return tally


def plan_batches(store: Store, run_id: int, site: str | None, since: datetime | None, batch_size: int,
                 after_page_id: int = 0) -> int:
    """Cut the selected pages (id > after_page_id) into ranges of ``batch_size`` pages; returns
    how many ranges."""
    from .models import ReparseBatch

    query = _pages_query(site, since).with_only_columns(Page.id).where(Page.id > after_page_id).order_by(Page.id)
    rows: list[dict[str, Any]] = []
    with store.session() as session, session.begin():
        current: list[int] = []

        def close() -> None:
            rows.append({"run_id": run_id, "first_page_id": current[0], "last_page_id": current[-1],
                         "pages": len(current), "state": "pending"})
            current.clear()
            if len(rows) >= 500:
                session.execute(ReparseBatch.__table__.insert(), rows)
                planned[0] += len(rows)
                rows.clear()

        planned = [0]
        for page_id in session.scalars(query.execution_options(yield_per=5000)):
            current.append(page_id)
            if len(current) >= batch_size:
                close()
        if current:
            close()
        if rows:
            session.execute(ReparseBatch.__table__.insert(), rows)
            planned[0] += len(rows)
    return planned[0]


def _claim(store: Store, run_id: int, worker: str, lease: float):
    """Claim one pending batch of the run (or one whose lease expired); None when none is left.

    The claim is one conditional UPDATE (still pending, or still expired, when it runs): two
    workers that read the same candidate cannot both have it (SQLite runs the SELECT before
    its write lock is taken; two workers forked at the same instant did claim the same batch,
    and one of them parsed it for nothing). PostgreSQL skips rows another claim has locked."""
    from datetime import timedelta

    from .models import ReparseBatch
    from .records import utcnow

    while True:
        now = utcnow()
        expired = now - timedelta(seconds=lease)
        claimable = (ReparseBatch.state == "pending") | (
            (ReparseBatch.state == "claimed") & (ReparseBatch.claimed_at < expired))
        with store.session() as session, session.begin():
            query = (select(ReparseBatch.id, ReparseBatch.state, ReparseBatch.worker, ReparseBatch.first_page_id,
                            ReparseBatch.last_page_id)
                     .where(ReparseBatch.run_id == run_id, claimable).order_by(ReparseBatch.id).limit(1))
            if store.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            batch = session.execute(query).first()
            if batch is None:
                return None
            taken = session.execute(update(ReparseBatch).where(ReparseBatch.id == batch.id, claimable)
                                    .values(state="claimed", worker=worker, claimed_at=now))
            if taken.rowcount != 1:
                continue  # another worker claimed it between our read and our write: next one
            if batch.state == "claimed":
                log.warning("re-parse batch %s of run %s: worker %s let its claim expire; taking it over",
                            batch.id, run_id, batch.worker)
            return batch.id, batch.first_page_id, batch.last_page_id


def work_batches(store: Store, run_id: int, worker: str | None = None, lease: float = LEASE_SECONDS,
                 progress: Callable[[int], None] | None = None) -> int:
    """Process batches of the re-parse run ``run_id`` until none is left; returns pages done.
    Selection (site, since) comes from the run's arguments."""
    import os
    import socket as _socket

    parsing = importlib.import_module("harvester.parsing")
    worker = worker or f"{_socket.gethostname()}:{os.getpid()}"
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        if run is None or run.kind != "reparse":
            raise ValueError(f"no re-parse run {run_id}")
        args = dict(run.args or {})
    since = datetime.fromisoformat(args["since"]) if args.get("since") else None
    done = 0
    query = _batch_query(args.get("site"), since)
    dictionaries = rawpages.Dictionaries()  # dictionary rows never change: kept across batches
    while True:
        claim = _claim(store, run_id, worker, lease)
        if claim is None:
            return done
        batch_id, first, last = claim
        with parsing.cyclic_gc_paused():  # a batch at a time, as reparse() does
            pages = _work_batch(store, parsing, query, dictionaries, run_id, worker, batch_id, first, last)
        if pages is None:  # our lease expired and another worker took the batch
            continue
        done += pages
        if progress is not None:
            progress(pages)


def _work_batch(store: Store, parsing, query, dictionaries: rawpages.Dictionaries, run_id: int, worker: str,
                batch_id: int, first: int, last: int) -> int | None:
    """Parse and store one claimed batch of a parallel re-parse; returns its pages (None when
    the claim was lost meanwhile and the result dropped). Its parse results are freed on return."""
    from .models import ReparseBatch
    from .records import utcnow

    with store.session() as session:  # reads and parsing: no transaction held meanwhile
        rows = session.execute(query.where(Page.id >= first, Page.id <= last)).all()
        parsed, parse_tally = _parse_batch(store, session, parsing, rows, dictionaries)
    mine = (ReparseBatch.id == batch_id) & (ReparseBatch.worker == worker) & (ReparseBatch.state == "claimed")
    with store.session() as session:
        try:
            # The claim is checked first: the write lock (SQLite) is then ours, and a batch
            # whose lease expired meanwhile is dropped before any work.
            owned = session.execute(update(ReparseBatch).where(mine).values(state="done", done_at=utcnow()))
            if owned.rowcount != 1:  # our lease expired and another worker took the batch
                log.warning("re-parse batch %s was taken over by another worker; dropping this result", batch_id)
                session.rollback()
                return None
            changes = store.apply_parses(session, parsed, run_id, "reparse")
            tally = _counted(parse_tally, parsed, changes)
            session.execute(update(ReparseBatch).where(ReparseBatch.id == batch_id).values(tally=_tally_json(tally)))
            session.commit()
        except Exception:
            # one page the database refuses: store the batch's pages one by one
            log.exception("re-parse batch %s failed; storing its pages one by one", batch_id)
            session.rollback()
            store.forget_uncommitted()
            tally = _store_one_by_one(store, parsed, parse_tally, run_id, False)
            with store.session() as marker, marker.begin():
                marker.execute(update(ReparseBatch).where(ReparseBatch.id == batch_id).values(
                    state="done", done_at=utcnow(), tally=_tally_json(tally)))
    return len(rows)


#: A tiny report page: parsed once before workers are forked, so that they inherit a warm parser.
_WARM_UP_PAGE = ("<html><head><title>某县2020年政府信息公开工作年度报告</title></head><body><p>一、总体情况</p>"
                 "<p>主动公开政府信息12条。</p><table><tr><td>收到申请</td><td>3</td></tr></table></body></html>").encode()


def _worker_context(store: Store, parsing):
    """How worker processes start. Fork where the platform has it: a spawned worker needs ~1 s
    (interpreter, SQLAlchemy, the parser's lazy imports and OpenCC tables) before its first
    page, a fork ~10 ms, and on a 1,000-page run that second was most of what a second worker
    could gain (bench/RESULTS.md, issue 15, figure 7a). The parser is warmed up first, so the
    fork inherits it; no database connection crosses the fork (the parent's pool is emptied;
    each worker opens its own Store). Spawn elsewhere (macOS, Windows)."""
    import multiprocessing
    import sys

    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    try:
        _parse_with_files(None, parsing, "http://localhost/warm-up.html", _WARM_UP_PAGE, None, None)
    except Exception:  # a warm-up only: the workers' own first page would do it
        log.debug("parser warm-up failed", exc_info=True)
    store.engine.dispose()
    return multiprocessing.get_context("fork")


def _worker_process(url: str, run_id: int, lease: float, number: int) -> int:
    """Entry point of a `--workers N` process (forked or spawned; see _worker_context)."""
    import os
    import socket as _socket

    store = Store(url, migrate=False)
    try:
        return work_batches(store, run_id, f"{_socket.gethostname()}:{os.getpid()}/{number}", lease)
    finally:
        store.close()


def run_summary(store: Store, run_id: int) -> ReparseSummary:
    """The change report of a parallel run: the tallies of its done batches added up."""
    from .models import ReparseBatch

    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        summary = ReparseSummary(parser_version=run.parser_version or "", run_id=run_id)
        summary.resumed_from_run = (run.args or {}).get("resumed_from_run")
        for state, pages, tally in session.execute(
                select(ReparseBatch.state, ReparseBatch.pages, ReparseBatch.tally).where(ReparseBatch.run_id == run_id)):
            summary.pages_total += pages
            if state == "done" and tally is not None:
                summary.add(_tally_from_json(tally))
        return summary


def reparse_parallel(
    store: Store,
    site: str | None = None,
    since: datetime | None = None,
    batch_size: int = 100,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
    resume: bool = True,
    lease: float = LEASE_SECONDS,
) -> ReparseSummary:
    """Re-parse with ``workers`` processes claiming batches (see above), this one and workers-1
    more (_worker_context); ``workers=0`` only plans
    the run and returns at once, for workers started elsewhere (`harvester reparse --join RUN`).
    An interrupted parallel run with the same selection and parser version is continued: its
    unfinished batches move to the new run, whose report counts the pages done before as skipped."""
    import os
    import socket as _socket
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from contextlib import nullcontext

    from .. import __version__
    from .models import ReparseBatch

    parsing = importlib.import_module("harvester.parsing")
    selection = {"site": site, "since": since.isoformat() if since else None}
    previous = _interrupted_parallel_run(store, selection, parsing.PARSER_VERSION) if resume else None
    args = {**selection, "batch_size": batch_size, "workers": workers, "resumed_from_run": previous}
    run_id = store.start_run(site, "reparse", args, __version__, parsing.PARSER_VERSION, kind="reparse")
    skipped = 0
    if previous is not None:
        with store.session() as session, session.begin():
            skipped = session.scalar(select(func.coalesce(func.sum(ReparseBatch.pages), 0)).where(
                ReparseBatch.run_id == previous, ReparseBatch.state == "done")) or 0
            session.execute(update(ReparseBatch).where(ReparseBatch.run_id == previous, ReparseBatch.state != "done")
                            .values(run_id=run_id, state="pending", worker=None, claimed_at=None))
    else:
        plan_batches(store, run_id, site, since, batch_size)
    if progress is not None and skipped:
        progress(skipped)
    if workers <= 0:
        return run_summary(store, run_id)
    outcome = "failed"
    try:
        # This process is worker 0 and starts at once; the other workers-1 are started next to it.
        pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=_worker_context(store, parsing)) \
            if workers > 1 else nullcontext()
        with pool:
            futures = [pool.submit(_worker_process, store.url, run_id, lease, n) for n in range(1, workers)]
            reported = [0]

            def follow(_pages: int) -> None:  # after each of this process's batches: everybody's
                reported[0] = _report_done(store, run_id, progress, reported[0])

            work_batches(store, run_id, f"{_socket.gethostname()}:{os.getpid()}/0", lease,
                         progress=follow if progress is not None else None)
            if progress is not None:
                _follow(store, run_id, futures, progress, reported[0])
            for future in as_completed(futures):
                future.result()
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    finally:
        summary = run_summary(store, run_id)
        summary.pages_skipped = skipped
        summary.pages_total += skipped
        summary.resumed_from_run = previous
        summary.interrupted = outcome == "interrupted"
        counts = {"changed": summary.changed + summary.newly_reports + summary.newly_non_reports,
                  "unchanged": summary.unchanged + summary.non_reports, "failed": summary.failed}
        store.finish_run(run_id, outcome, summary.to_dict(), counts)
    return summary


def _report_done(store: Store, run_id: int, progress: Callable[[int], None], reported: int) -> int:
    """Report the pages of the run's done batches not reported yet; returns pages reported."""
    from .models import ReparseBatch

    with store.session() as session:
        done = session.scalar(select(func.coalesce(func.sum(ReparseBatch.pages), 0)).where(
            ReparseBatch.run_id == run_id, ReparseBatch.state == "done")) or 0
    if done > reported:
        progress(done - reported)
    return max(done, reported)


def _follow(store: Store, run_id: int, futures: list, progress: Callable[[int], None], reported: int = 0) -> None:
    """Report progress from the done batches while the other workers run."""
    import time

    while True:
        finished = all(f.done() for f in futures)
        reported = _report_done(store, run_id, progress, reported)
        if finished:
            return
        time.sleep(0.5)


def _interrupted_parallel_run(store: Store, selection: dict, parser_version: str) -> int | None:
    """The latest re-parse run if it was parallel, did not finish, and matches; else None."""
    from .models import ReparseBatch

    with store.session() as session:
        latest = session.scalars(
            select(HarvestRun).where(HarvestRun.kind == "reparse").order_by(HarvestRun.id.desc()).limit(1)).first()
        if latest is None or latest.outcome == "finished" or latest.parser_version != parser_version:
            return None
        args = latest.args or {}
        if "workers" not in args or {k: args.get(k) for k in selection} != selection:
            return None
        pending = session.scalar(select(func.count()).where(
            ReparseBatch.run_id == latest.id, ReparseBatch.state != "done"))
        return latest.id if pending else None


def finish_if_complete(store: Store, run_id: int) -> ReparseSummary | None:
    """Close a parallel run once every batch is done (what the last `--join` worker does);
    returns its change report, or None while batches remain."""
    from .models import ReparseBatch

    with store.session() as session:
        left = session.scalar(select(func.count()).where(ReparseBatch.run_id == run_id, ReparseBatch.state != "done"))
    if left:
        return None
    summary = run_summary(store, run_id)
    counts = {"changed": summary.changed + summary.newly_reports + summary.newly_non_reports,
              "unchanged": summary.unchanged + summary.non_reports, "failed": summary.failed}
    store.finish_run(run_id, "finished", summary.to_dict(), counts)
    return summary
