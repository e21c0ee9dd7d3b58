"""Read-side queries of the CLI: the history of one page, the list of harvest runs."""

from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import func, select

from .models import HarvestRun, Page, Report, ReportStat, Snapshot
from .records import iso
from .store import Store


def page_history(store: Store, url: str) -> dict[str, Any] | None:
    """Snapshots and report versions of the page at ``url`` (oldest first), or None if unknown."""
    from ..urls import canonical_url

    with store.session() as session:
        page = session.scalar(select(Page).where(Page.url == url))
        if page is None:  # the URL as a listing gave it: pages are stored under its canonical form
            page = session.scalar(select(Page).where(Page.url == canonical_url(url)))
        if page is None:
            return None
        snapshots = session.scalars(select(Snapshot).where(Snapshot.page_id == page.id).order_by(Snapshot.id)).all()
        stat_counts = dict(
            session.execute(
                select(ReportStat.report_id, func.count())
                .join(Report, Report.id == ReportStat.report_id)
                .where(Report.page_id == page.id)
                .group_by(ReportStat.report_id)
            ).all()
        )
        reports = session.scalars(select(Report).where(Report.page_id == page.id).order_by(Report.version)).all()
        return {
            "url": page.url,
            "site": page.site_key,
            "first_seen_at": iso(page.first_seen_at),
            "last_seen_at": iso(page.last_seen_at),
            "last_fetched_at": iso(page.last_fetched_at),
            "fetch_count": page.fetch_count,
            "gone_at": iso(page.gone_at),
            "listing_title": page.last_listing_title,
            "listing_date": page.last_listing_date,
            "current_snapshot_id": page.current_snapshot_id,
            "snapshots": [
                {
                    "id": s.id,
                    "fetched_at": iso(s.fetched_at),
                    "last_fetched_at": iso(s.last_fetched_at),
                    "fetch_count": s.fetch_count,
                    "status": s.status,
                    "final_url": s.final_url,
                    "listed_url": s.listed_url,
                    "content_sha256": s.content_sha256,
                    "etag": s.etag,
                    "last_modified": s.last_modified,
                    "encoding": s.encoding,
                    "renderer": s.renderer,
                    "referer": s.referer,
                    "kind": s.kind,
                    "kind_reason": s.kind_reason,
                    "harvest_run": s.harvest_run_id,
                    "current": s.id == page.current_snapshot_id,
                }
                for s in snapshots
            ],
            "report_versions": [
                {
                    "id": r.id,
                    "version": r.version,
                    "snapshot_id": r.snapshot_id,
                    "current": r.is_current,
                    "parser_version": r.parser_version,
                    "checked_parser_version": r.checked_parser_version,
                    "created_at": iso(r.created_at),
                    "created_run": r.created_run_id,
                    "reason": r.created_reason,
                    "changed_fields": list(r.changed_fields or []),
                    "title": r.title,
                    "report_year": r.report_year,
                    "stats": stat_counts.get(r.id, 0),
                    "warnings": len(r.warnings or []),
                }
                for r in reports
            ],
        }


RUN_FIELDS = (
    "id", "kind", "site", "spider", "started_at", "finished_at", "outcome", "new", "changed", "unchanged",
    "gone", "failed", "requests", "bytes", "harvester_version", "parser_version", "args", "checks", "sweep",
)


def iter_runs(store: Store, site: str | None = None, limit: int | None = None, with_stats: bool = False) -> Iterator[dict[str, Any]]:
    """Harvest runs, newest first."""
    query = select(HarvestRun).order_by(HarvestRun.id.desc())
    if site:
        query = query.where(HarvestRun.site_key == site)
    if limit:
        query = query.limit(limit)
    with store.session() as session:
        for run in session.scalars(query.execution_options(yield_per=500)):
            row = {
                "id": run.id,
                "kind": run.kind,
                "site": run.site_key,
                "spider": run.spider,
                "started_at": iso(run.started_at),
                "finished_at": iso(run.finished_at),
                "outcome": run.outcome,
                "new": run.pages_new,
                "changed": run.pages_changed,
                "unchanged": run.pages_unchanged,
                "gone": run.pages_gone,
                "failed": run.pages_failed,
                "requests": run.requests,
                "bytes": run.response_bytes,
                "harvester_version": run.harvester_version,
                "parser_version": run.parser_version,
                "args": run.args,
                "checks": run.checks,
                "sweep": run.sweep,
            }
            if with_stats:
                row["stats"] = run.stats
            yield row
