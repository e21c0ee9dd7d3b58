"""`harvester coverage`: per registry body and report year, found / late / withdrawn / missing
in the archive, with each body's subtree (a city's districts and departments) rolled up."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from rich.cells import cell_len

from .db import add_db_argument, open_store
from .errors import UserError
from .sites import WIDTH, fit, ordered


def register(sub) -> None:
    p = sub.add_parser(
        "coverage", help="per body and year: found, late, withdrawn or missing reports, rolled up by hierarchy",
        description="For every registry body: the report years it is expected to cover (from its first report "
        "in the archive, or params.since, to the last year whose report is due), each one found, late "
        "(published after the due date: 31 March until the 2018 report, 31 January since), withdrawn (gone "
        "from the site, kept in the archive) or missing; then each body with bodies below it rolled up.")
    p.add_argument("--json", action="store_true", help="every body's years and the roll-ups as JSON")
    p.add_argument("--under", metavar="KEY", help="only this body and the bodies below it")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="judge due dates as of this day (default: today)")
    add_db_argument(p)
    p.set_defaults(func=run)


def _years(years: list[int]) -> str:
    """2009, 2012-2014 ..."""
    spans, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            spans.append(str(y) if start == y else f"{start}-{y}")
            start = None
    return ",".join(spans)


def run(args: argparse.Namespace) -> int:
    from ..coverage import coverage

    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        raise UserError(f"--today takes a date as YYYY-MM-DD, got {args.today!r}") from None
    rows = ordered(args.under)
    store = open_store(args.db, must_exist=True)
    try:
        result = coverage(store, today, [k for _, k in rows])
    finally:
        store.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    by_key = {b["key"]: b for b in result["bodies"]}
    head = fit("body", 18) + " " + fit("years", 9) + " found late gone miss  missing years"
    print(head)
    for depth, key in rows:
        b = by_key[key]
        years = [y["year"] for y in b["years"]]
        c = b["counts"]
        span = f"{years[0]}-{years[-1]}" if years else "-"
        line = (fit("  " * depth + key, 18) + " " + fit(span, 9) + " " + f"{c['found']:>5} {c['late']:>4} "
                f"{c['withdrawn']:>4} {c['missing']:>4}  ")
        missing = _years([y["year"] for y in b["years"] if y["status"] == "missing"]) or ("no report" if not years else "")
        print(line + fit(missing, WIDTH - cell_len(line)).rstrip())
    for r in result["rollups"]:
        c = r["counts"]
        print(f"{r['key']} + {r['bodies'] - 1} below: {c['found']} found, {c['late']} late, "
              f"{c['withdrawn']} withdrawn, {c['missing']} missing")
    print(f"as of {result['today']}; gone = withdrawn from the site, kept in the archive;")
    print("late = published after the due date; --json for every year")
    return 0
