"""`harvester history URL`: the snapshots and report versions of one page, with what changed."""

from __future__ import annotations

import argparse
import json

from .db import add_db_argument, open_store
from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("history", help="the snapshots and report versions of one page")
    p.add_argument("url", help="the page URL as harvested")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..storage.queries import page_history

    store = open_store(args.db, must_exist=True, read_only=True)
    try:
        history = page_history(store, args.url)
    finally:
        store.close()
    if history is None:
        raise UserError(f"no page {args.url} in the database", exit_code=1)
    if args.json:
        print(json.dumps(history, ensure_ascii=False, indent=2))
        return 0
    print_history(history)
    return 0


def print_history(h: dict) -> None:
    gone = f", gone since {h['gone_at']}" if h["gone_at"] else ""
    print(f"{h['url']}  (site {h['site']})")
    print(f"  first seen {h['first_seen_at']}, last seen {h['last_seen_at']}, fetched {h['fetch_count']} times{gone}")
    if h["listing_title"]:
        print(f"  listed as: {h['listing_title']} {h['listing_date'] or ''}".rstrip())
    print(f"{len(h['snapshots'])} snapshots:")
    for s in h["snapshots"]:
        mark = "  <- current" if s["current"] else ""
        print(f"  #{s['id']}  fetched {s['fetched_at']} (last {s['last_fetched_at']}, {s['fetch_count']}x)  "
              f"HTTP {s['status']}  sha256 {s['content_sha256'][:12]}  kind {s['kind'] or 'unknown'}  "
              f"run {s['harvest_run'] or '-'}{mark}")
    print(f"{len(h['report_versions'])} report versions:")
    for r in h["report_versions"]:
        mark = "  <- current" if r["current"] else ""
        changed = ", ".join(r["changed_fields"]) if r["changed_fields"] else ("first version" if r["version"] == 1 else "no field changed")
        print(f"  v{r['version']}  snapshot #{r['snapshot_id']}  parser {r['parser_version']}  {r['created_at']}  "
              f"{r['reason'] or ''}  year {r['report_year'] or '-'}  {r['stats']} stats  {r['warnings']} warnings{mark}")
        print(f"      changed: {changed}")
