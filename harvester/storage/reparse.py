"""Re-parse stored snapshots with the current parser: no network, streaming, resumable.

Pages are visited in id order, ``batch_size`` at a time, each batch in one transaction: an
interrupted re-parse keeps every committed batch and a rerun simply goes over the pages again
(already updated ones come out "unchanged") unless it resumes: an interrupted re-parse records
the last page it committed, and the next one with the same selection and parser version starts
after it.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import HarvestRun, Page, Snapshot
from .store import Store, load_body

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


def _pages_query(site: str | None, since: datetime | None):
    query = select(Page, Snapshot).join(Snapshot, Snapshot.id == Page.current_snapshot_id)
    if site:
        query = query.where(Page.site_key == site)
    if since is not None:
        query = query.where(Snapshot.last_fetched_at >= since)
    return query


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

    base_query = _pages_query(site, since).order_by(Page.id).limit(batch_size)
    try:
        while True:
            with store.session() as session:
                rows = session.execute(base_query.where(Page.id > last_page_id)).all()
                if not rows:
                    break
                last_page_id = rows[-1][0].id
                tally = Tally()
                try:
                    for page, snapshot in rows:
                        _reparse_one(store, session, parsing, page, snapshot, summary.run_id, tally)
                    if dry_run:
                        session.rollback()
                        summary.add(tally)
                    else:
                        # The position is committed with the batch: exactly where a rerun resumes.
                        _save_position(session, summary, tally, last_page_id)
                        session.commit()
                        summary.add(tally)
                        summary.last_page_id = last_page_id
                except Exception:
                    # A database error spoils the batch's transaction: redo it one page at a time.
                    log.exception("re-parse batch failed; retrying its pages one by one")
                    session.rollback()
                    _retry_one_by_one(store, parsing, [page.id for page, _ in rows], summary, dry_run)
                    summary.last_page_id = last_page_id
                    if not dry_run:
                        with store.session() as position_session:
                            _save_position(position_session, summary, Tally(), last_page_id)
                            position_session.commit()
            if progress is not None:
                progress(len(rows))
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


def _retry_one_by_one(store: Store, parsing, page_ids: list[int], summary: ReparseSummary, dry_run: bool) -> None:
    for page_id in page_ids:
        with store.session() as session:
            row = session.execute(
                select(Page, Snapshot).join(Snapshot, Snapshot.id == Page.current_snapshot_id).where(Page.id == page_id)
            ).first()
            if row is None:
                continue
            tally = Tally()
            try:
                _reparse_one(store, session, parsing, row[0], row[1], summary.run_id, tally)
                session.rollback() if dry_run else session.commit()
                summary.add(tally)
            except Exception:
                log.exception("re-parse of %s failed", row[0].url)
                session.rollback()
                summary.failed += 1


def _reparse_one(store: Store, session: Session, parsing, page: Page, snapshot: Snapshot, run_id: int | None, tally: "Tally") -> None:
    body = load_body(session, snapshot.content_sha256)
    if body is None:
        log.error("body %s of %s is missing", snapshot.content_sha256, page.url)
        tally.failed += 1
        return
    old_kind = snapshot.kind
    try:
        result = parsing.parse_page(page.url, body, snapshot.headers, page.site_key)
    except Exception:  # the parser promises not to raise; a bug must not stop the re-parse
        log.exception("parser failed on %s", page.url)
        tally.failed += 1
        return
    tally.examined += 1
    change = store.apply_parse(session, page, snapshot, result, run_id, "reparse")
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
