"""`harvester demo`: serve the bundled replicas on loopback and harvest every site into a database."""

from __future__ import annotations

import argparse
import os

from ..sites import SITES
from .harvest import add_schedule_arguments, harvest_sites, schedule_options
from .summary import fitted_console


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="serve the bundled site replicas on loopback and harvest all of them into harvest.db",
        description="Starts the five site replicas on 127.0.0.1, harvests every site through its own "
        "navigation and pagination, stores raw pages and parsed reports, and prints a per-site table. "
        "Running it twice stores nothing twice. The replicas show the sites as they are now (2025 reports "
        "out). Same as `harvester harvest --replica`.",
    )
    p.add_argument("--db", default="harvest.db", help="database file or SQLAlchemy URL (default: ./harvest.db)")
    p.add_argument("--site", action="append", metavar="SITE", help="only this registry body; repeatable (default: every body a replica serves)")
    p.add_argument("--port", type=int, default=8600,
                   help="first replica port; the sites use PORT..PORT+4 (default: 8600). Fixed ports keep "
                   "page URLs stable from one run to the next, so a second run stores nothing twice")
    p.add_argument("--renderer", choices=["auto", "splash", "playwright", "none"], default="auto",
                   help="how to pass xuancheng's JavaScript challenge: auto (Splash if SPLASH_URL is set and "
                   "answers, else Chromium if scrapy-playwright imports and the browser starts; says which), "
                   "splash, playwright, or none (challenge switched off)")
    add_schedule_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = fitted_console()
    failed = harvest_sites(args.site or list(SITES), db=args.db, replica=True, port=args.port,
                           renderer=args.renderer, console=console, **schedule_options(args))
    where = args.db if "://" in args.db else os.path.abspath(args.db)
    console.print(f"database: {where}")
    console.print("explore: harvester runs · harvester browse · harvester export --format csv --out out/ · "
                  "harvester history URL", highlight=False)
    return 1 if failed else 0
