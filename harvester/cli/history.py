"""`harvester history URL`: the snapshots and report versions of one page, with what changed."""

from __future__ import annotations

import argparse
import json
import re

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
        # json escapes C0 controls itself; DEL and C1 controls become \u00XX escapes (still JSON)
        text = json.dumps(history, ensure_ascii=False, indent=2)
        print(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", text))
        return 0
    print_history(history)
    return 0


#: C0 controls but tab/newline, DEL and C1 controls: a site-supplied title holding ESC [ ... could
#: recolour, move or retitle the user's terminal.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as \\xNN instead of sent to the terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def line(*parts: object) -> None:
    """Print one line of site-supplied text, made terminal-safe."""
    print(terminal_safe(" ".join(str(p) for p in parts)))


def print_history(h: dict) -> None:
    gone = f", gone since {h['gone_at']}" if h["gone_at"] else ""
    line(f"{h['url']}  (site {h['site']})")
    line(f"  first seen {h['first_seen_at']}, last seen {h['last_seen_at']}, fetched {h['fetch_count']} times{gone}")
    if h["listing_title"]:
        line(f"  listed as: {h['listing_title']} {h['listing_date'] or ''}".rstrip())
    line(f"{len(h['snapshots'])} snapshots:")
    for s in h["snapshots"]:
        mark = "  <- current" if s["current"] else ""
        line(f"  #{s['id']}  fetched {s['fetched_at']} (last {s['last_fetched_at']}, {s['fetch_count']}x)  "
             f"HTTP {s['status']}  sha256 {s['content_sha256'][:12]}  kind {s['kind'] or 'unknown'}  "
             f"run {s['harvest_run'] or '-'}{mark}")
        if s.get("listed_url") and s["listed_url"] != h["url"]:
            line(f"      listed as {s['listed_url']}")
        if s.get("final_url") and s["final_url"] not in (h["url"], s.get("listed_url")):
            line(f"      redirected to {s['final_url']}")
    line(f"{len(h['report_versions'])} report versions:")
    for r in h["report_versions"]:
        mark = "  <- current" if r["current"] else ""
        changed = ", ".join(r["changed_fields"]) if r["changed_fields"] else ("first version" if r["version"] == 1 else "no field changed")
        line(f"  v{r['version']}  snapshot #{r['snapshot_id']}  parser {r['parser_version']}  {r['created_at']}  "
             f"{r['reason'] or ''}  year {r['report_year'] or '-'}  {r['stats']} stats  {r['warnings']} warnings{mark}")
        if r.get("title"):
            line(f"      title: {r['title']}")
        line(f"      changed: {changed}")
