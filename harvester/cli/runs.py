"""`harvester runs`: the recorded harvest (and re-parse) runs with their counts and checks."""

from __future__ import annotations

import argparse
import json

from .db import add_db_argument, open_store


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the recorded harvest runs with their counts and checks")
    p.add_argument("--json", action="store_true", help="one JSON list, with the Scrapy stats of each run")
    p.add_argument("--site", default=None, help="only this site's runs")
    p.add_argument("--limit", type=int, default=50, help="newest N runs (default 50; 0 = all)")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..storage.queries import iter_runs

    store = open_store(args.db, must_exist=True, read_only=True)
    try:
        runs = list(iter_runs(store, site=args.site, limit=args.limit or None, with_stats=args.json))
    finally:
        store.close()
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(runs)} runs (newest first)")
    for column in ("id", "kind", "site", "started", "finished", "outcome", "sweep", "new", "changed", "unchanged",
                   "gone", "failed", "requests", "bytes", "checks"):
        table.add_column(column, justify="right" if column in ("id", "new", "changed", "unchanged", "gone",
                                                                "failed", "requests", "bytes") else "left")
    for r in runs:
        table.add_row(
            str(r["id"]), r["kind"], r["site"] or "-", r["started_at"] or "-", r["finished_at"] or "-",
            r["outcome"], r.get("sweep") or "-", str(r["new"]), str(r["changed"]), str(r["unchanged"]), str(r["gone"]),
            str(r["failed"]), _num(r["requests"]), _num(r["bytes"]), _checks(r["checks"]),
        )
    console = Console()
    if not console.is_terminal:  # a pipe or file: do not squeeze the table into 80 columns
        console = Console(width=260)
    console.print(table)
    return 0


def _num(value) -> str:
    return "-" if value is None else f"{value:,}"


def _checks(checks) -> str:
    """Monitoring results (set by the scheduled-harvest checks) in one short cell."""
    if not checks:
        return "-"
    if isinstance(checks, dict):
        return ", ".join(f"{k}: {v.get('status', v) if isinstance(v, dict) else v}" for k, v in checks.items())
    return str(checks)
