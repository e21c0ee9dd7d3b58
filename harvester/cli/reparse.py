"""`harvester reparse`: re-parse stored snapshots with the current parser (no network)."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone

from .db import add_db_argument, open_store
from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser(
        "reparse",
        help="re-parse stored pages with the current parser, no network; prints what changed",
        description="Runs the current clean+parse code over the current snapshot of every stored page, "
        "merges the files each report page links from the archive (attachment_files: no network; "
        "pictures and scans are OCR'd when HARVESTER_OCR=1), and stores a new report version wherever "
        "the output changed. Commits in batches: it can be interrupted and run again.",
    )
    p.add_argument("--site", default=None, help="only this site's pages")
    p.add_argument("--since", default=None, metavar="DATE", help="only pages fetched on or after DATE (YYYY-MM-DD)")
    p.add_argument("--dry-run", action="store_true", help="report what would change, store nothing")
    p.add_argument("--restart", action="store_true",
                   help="start from the first page even if the last re-parse was interrupted")
    p.add_argument("--batch-size", type=int, default=100, help="pages per transaction (default 100)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="processes claiming batches of pages: this one and N-1 more (default 1: this "
                   "process alone); "
                   "0 only plans the run for workers started elsewhere with --join")
    p.add_argument("--join", type=int, default=None, metavar="RUN",
                   help="work on the batches of the parallel re-parse RUN (e.g. on another machine "
                   "sharing the PostgreSQL database); the last worker closes the run")
    add_db_argument(p)
    p.set_defaults(func=run)


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=timezone.utc)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise UserError(f"--since takes a date like 2026-01-31, got {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def run(args: argparse.Namespace) -> int:
    from ..progress import batch_progress
    from ..storage.reparse import count_pages, reparse

    since = parse_since(args.since)
    if args.site:
        from ..sites import SITES

        if args.site not in SITES:
            raise UserError(f"unknown site {args.site!r}; known: {', '.join(SITES)}")
    if args.workers < 0:
        raise UserError(f"--workers takes 0 or more, got {args.workers}")
    if args.batch_size < 1:
        raise UserError(f"--batch-size takes 1 or more, got {args.batch_size}")
    store = open_store(args.db, must_exist=True)
    if args.join is not None:
        return join(store, args.join)
    if args.workers != 1 and not args.dry_run:
        return run_parallel(store, args, since)
    try:
        total = count_pages(store, args.site, since)
        with batch_progress(total, "re-parsing", REPARSED) as progress:
            summary = reparse(store, args.site, since, args.dry_run, args.batch_size, progress=progress,
                              resume=not args.restart)
    finally:
        store.close()
    print_summary(summary.to_dict())
    return 1 if summary.failed else 0


#: The plain progress line of a re-parse (harvester.progress.count_progress), one a batch.
REPARSED = "re-parsed {done}/{total} pages"


def run_parallel(store, args: argparse.Namespace, since: datetime | None) -> int:
    from ..progress import count_progress
    from ..storage.reparse import count_pages, reparse_parallel

    try:
        total = count_pages(store, args.site, since)
        summary = reparse_parallel(store, args.site, since, args.batch_size, args.workers,
                                   progress=count_progress(total, REPARSED), resume=not args.restart)
    finally:
        store.close()
    if args.workers == 0:
        print(f"re-parse run {summary.run_id} planned: {summary.pages_total} pages in batches of {args.batch_size}; "
              f"start workers with: harvester reparse --join {summary.run_id} --db ...")
        return 0
    print_summary(summary.to_dict())
    return 1 if summary.failed else 0


def join(store, run_id: int) -> int:
    from ..storage.reparse import finish_if_complete, work_batches

    try:
        try:
            pages = work_batches(store, run_id)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        print(f"worker done: {pages} pages of run {run_id} re-parsed here", flush=True)
        summary = finish_if_complete(store, run_id)
    finally:
        store.close()
    if summary is not None:
        print_summary(summary.to_dict())
        return 1 if summary.failed else 0
    return 0


def print_summary(data: dict) -> None:
    prefix = "dry run, nothing stored: " if data["dry_run"] else ""
    print(f"{prefix}parser {data['parser_version']}, {data['examined']} pages re-parsed"
          + (f" (run {data['run_id']})" if data["run_id"] else ""))
    if data["resumed_from_run"]:
        print(f"resumed the interrupted run {data['resumed_from_run']}: {data['pages_skipped']} pages already done")
    print(f"reports examined:            {data['reports_examined']}")
    print(f"  changed (new version):     {data['changed']}")
    print(f"  unchanged:                 {data['unchanged']}")
    print(f"newly classified as reports: {data['newly_reports']}")
    print(f"no longer reports:           {data['newly_non_reports']}")
    print(f"non-reports (still):         {data['non_reports']}")
    print(f"failed:                      {data['failed']}")
    if data["field_changes"]:
        print("field changes: " + ", ".join(f"{name} {n}" for name, n in data["field_changes"].items()))
    print(f"new warnings:                {data['new_warnings']}")
    for warning in data["new_warning_examples"][:10]:
        print(f"  - {warning}")
