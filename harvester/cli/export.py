"""`harvester export`: the current report of every page as jsonl, or reports + statistics as
csv/parquet (see harvester.storage.export for the file naming)."""

from __future__ import annotations

import argparse
import sys

from .db import add_db_argument, open_store
from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write the reports (and statistics in long format) as jsonl, csv or parquet",
        description="jsonl: one report item per line (all fields, with provenance). csv/parquet: "
        "PATH gets the reports (flat columns) and PATH's name + .stats the statistics, one row per "
        "report and key; a directory gets reports.<ext> and stats.<ext>.",
    )
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    p.add_argument("--site", default=None, help="only this site")
    p.add_argument("--year", type=int, default=None, help="only reports on this year")
    p.add_argument("--out", required=True, metavar="PATH|-", help="output file or directory; - for stdout (jsonl)")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..storage.export import atomic_path, iter_current_reports, output_paths, write_csv, write_jsonl, write_parquet

    if args.out == "-" and args.format != "jsonl":
        raise UserError(f"--format {args.format} writes two files (reports and statistics): give --out a file or directory")
    store = open_store(args.db, must_exist=True, read_only=True)
    try:
        reports = iter_current_reports(store, site=args.site, year=args.year)
        if args.format == "jsonl":
            if args.out == "-":
                count = write_jsonl(reports, sys.stdout)
                sys.stdout.flush()
            else:
                try:
                    with atomic_path(args.out) as tmp, open(tmp, "w", encoding="utf-8") as out:
                        count = write_jsonl(reports, out)
                except OSError as exc:
                    raise UserError(f"cannot write {args.out}: {exc.strerror}") from None
                print(f"{count} reports -> {args.out}", file=sys.stderr)
            return 0
        reports_path, stats_path = output_paths(args.out, args.format)
        writer = write_csv if args.format == "csv" else write_parquet
        try:
            n_reports, n_stats = writer(reports, reports_path, stats_path)
        except OSError as exc:
            raise UserError(f"cannot write {reports_path}: {exc.strerror}") from None
        except RuntimeError as exc:
            raise UserError(str(exc)) from None
        print(f"{n_reports} reports -> {reports_path}\n{n_stats} statistics -> {stats_path}", file=sys.stderr)
        return 0
    finally:
        store.close()
