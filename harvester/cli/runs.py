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
        for r in runs:  # the years as a list, not only inside the Scrapy stats
            r["report_years"] = (r.get("stats") or {}).get("harvester/report_years", [])
        print(json.dumps(runs, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    from .summary import fitted_console

    console = fitted_console(Console())
    if not (console.is_terminal and console.width >= FULL_RUNS_WIDTH):
        for line in compact_lines(runs, console.width):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        return 0
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
    console.print(table)
    return 0


#: A terminal at least this wide gets every column; narrower ones and pipes the compact lines.
FULL_RUNS_WIDTH = 240


def compact_lines(runs: list[dict], width: int) -> list[str]:
    """One line per run (id, site, start, outcome, page counts), its checks that are not ok on
    the next line; at most ``width`` characters (checks wrap)."""
    import textwrap

    header = ("id", "site", "started", "outcome", "new", "chg", "same", "gone", "fail")
    rows = []
    for r in runs:
        started = (r["started_at"] or "-").replace("T", " ")[:16]
        outcome = r["outcome"] if r["kind"] == "crawl" else f"{r['kind']}:{r['outcome']}"
        rows.append((str(r["id"]), r["site"] or "(all)", started, outcome, str(r["new"]), str(r["changed"]),
                     str(r["unchanged"]), str(r["gone"]), str(r["failed"])))
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    left = {0: False, 1: True, 2: True, 3: True}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if left.get(i, False) else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines = [f"{len(runs)} runs (newest first)", line(header)]
    for r, row in zip(runs, rows):
        lines.append(line(row))
        problems = _problems(r["checks"])
        if problems:
            lines.extend(textwrap.wrap(problems, max(width, 40), initial_indent="    ", subsequent_indent="      "))
    lines.append("chg/same: changed/unchanged pages; checks not ok under their run; all: --json")
    return lines


def _problems(checks) -> str:
    """The checks that are not ok, e.g. "alert last_year_report: no 2025 report ..."."""
    if not isinstance(checks, dict):
        return ""
    parts = [f"{v.get('status')} {name}: {v.get('message', '')}" for name, v in checks.items()
             if isinstance(v, dict) and v.get("status") not in ("ok", None)]
    return "; ".join(parts)


def _num(value) -> str:
    return "-" if value is None else f"{value:,}"


def _checks(checks) -> str:
    """Monitoring results (set by the scheduled-harvest checks) in one short cell."""
    if not checks:
        return "-"
    if isinstance(checks, dict):
        return ", ".join(f"{k}: {v.get('status', v) if isinstance(v, dict) else v}" for k, v in checks.items())
    return str(checks)
