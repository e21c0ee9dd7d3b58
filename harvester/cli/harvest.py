"""`harvester harvest`: one scheduled harvest of the chosen sites, recorded as one run per site.

Incremental by default (docs/scheduling.md), sites one after another (``--concurrency``), a
live progress table on a terminal and plain lines otherwise, the per-site summary, the
monitoring checks, and a non-zero exit when a site failed (unreachable, locked, no report, too
many errors)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from rich.console import Console

from ..monitoring import alerts, failing, reports_seen
from ..runner import SiteResult, fast_local_settings, log_settings, run_sites
from ..sites import SITES, UnknownSiteError, get_site
from .errors import UserError
from .summary import fitted_console, print_checks, print_summary


#: Bodies crawled at once on the replicas by default (loopback is fast; the CPU is not).
REPLICA_CONCURRENCY = 6


def register(sub) -> None:
    p = sub.add_parser(
        "harvest",
        help="run one harvest of the given sites (all by default); non-zero exit when a site failed",
        description="Crawls each site through its own listings, stores new and changed pages with "
        "provenance, records one harvest run per site and exits non-zero when a site failed or "
        "found no report at all (its layout probably changed).",
    )
    p.add_argument("sites", nargs="*", metavar="BODY",
                   help="registry bodies to harvest (default: all; `harvester sites` lists them)")
    p.add_argument("--all", action="store_true", help="harvest every body (the default when no BODY is given)")
    p.add_argument("--url", metavar="COLUMN_URL",
                   help="harvest the report column at this URL instead: its platform is detected from the page "
                   "(stored under the registry body with this column URL, else under --key)")
    p.add_argument("--key", help="with --url: the archive key (default: web-<host>-<hash of the URL>)")
    p.add_argument("--db", default=None, help="database file or SQLAlchemy URL (default: $HARVESTER_DATABASE_URL or ./harvest.db)")
    p.add_argument("--replica", action="store_true", help="harvest the bundled replicas on loopback instead of the real sites")
    p.add_argument("--port", type=int, default=8600,
                   help="with --replica: first replica port; each replica host takes the next one (default: 8600)")
    p.add_argument("--base-url", action="append", default=[], metavar="SITE=URL",
                   help="crawl SITE at URL instead of its real address (repeatable)")
    p.add_argument("--renderer", choices=["auto", "splash", "playwright", "none"], default="auto",
                   help="JavaScript renderer for sites behind a challenge: auto picks Splash (SPLASH_URL set and "
                   "answering) or Chromium (scrapy-playwright importable, browser starts) and says which "
                   "(default: auto)")
    p.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--distributed", action="store_true",
                   help="be one worker of a harvest shared through Redis: start this same command on "
                   "any number of hosts with the same --redis and a shared PostgreSQL --db (docs/scaling.md)")
    p.add_argument("--redis", default=os.environ.get("HARVESTER_REDIS_URL"), metavar="URL",
                   help="with --distributed: the Redis server, e.g. redis://10.0.0.5:6379/0 "
                   "(default: $HARVESTER_REDIS_URL)")
    add_schedule_arguments(p)
    p.set_defaults(func=run)


def add_schedule_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by harvest and demo."""
    p.add_argument("--full", action="store_true",
                   help="not incremental: walk every listing page and request every known page (conditionally)")
    p.add_argument("--concurrency", type=int, default=None, metavar="N",
                   help="sites crawled at once (default: 1, one after another; with --replica all at once)")
    p.add_argument("--progress", choices=["auto", "live", "plain", "off"], default="auto",
                   help="progress display: live table on a terminal, plain lines otherwise (default: auto)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy/harvester setting, e.g. -s HARVESTER_RECHECK_DAYS=0 (repeatable)")


def run(args: argparse.Namespace) -> int:
    options = schedule_options(args)
    if args.distributed:
        options["settings"] = {**distributed_options(args.redis, args.db, args.replica), **options["settings"]}
    if args.url:
        if args.sites or args.replica:
            raise UserError("--url harvests one column: give no BODY and no --replica (serve the replicas with "
                            "`harvester replica serve` and pass a replica column URL)")
        return 1 if harvest_url(args.url, args.key, db=args.db, log_level=args.log_level,
                                renderer=args.renderer, **options) else 0
    failed = harvest_sites(args.sites or list(SITES), db=args.db, replica=args.replica, port=args.port,
                           renderer=args.renderer, base_urls=parse_base_urls(args.base_url),
                           log_level=args.log_level, **options)
    return 1 if failed else 0


def distributed_options(redis_url: str | None, db: str | None, replica: bool) -> dict[str, Any]:
    """Settings of a distributed worker, after checking what it needs."""
    from ..storage import database_url

    if not redis_url:
        raise UserError("--distributed needs --redis URL or $HARVESTER_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    if replica:
        raise UserError("--distributed crawls real sites or --base-url ones: each worker's --replica would be "
                        "its own replica server")
    if database_url(db).startswith("sqlite"):
        raise UserError("--distributed needs a database every worker can reach: a PostgreSQL --db "
                        "(postgresql+psycopg://...), not an SQLite file")
    try:
        from ..distributed import redis_client

        redis_client(redis_url).ping()
    except Exception as exc:  # redis.exceptions.ConnectionError, bad URL
        raise UserError(f"cannot reach Redis at {redis_url}: {exc}") from None
    return {"HARVESTER_REDIS_URL": redis_url}


def schedule_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"full": args.full, "concurrency": args.concurrency, "progress": args.progress,
            "settings": parse_settings(args.set)}


def parse_settings(values: list[str]) -> dict[str, str]:
    result = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise UserError(f"-s/--set takes NAME=VALUE, got {value!r}")
        result[name.strip()] = setting
    return result


def harvest_sites(site_names: list[str], *, db: str | None, replica: bool, port: int = 0,
                  renderer: str = "auto", base_urls: dict[str, str] | None = None,
                  console: Console | None = None, log_level: str = "WARNING", full: bool = False,
                  concurrency: int | None = None, progress: str = "auto",
                  settings: dict[str, Any] | None = None) -> bool:
    """Harvest the sites (their replicas with ``replica``); print the table and the checks; True
    if any site failed."""
    console = console or fitted_console()
    try:
        sites = [get_site(s).key for s in site_names]
    except UnknownSiteError as exc:
        raise UserError(str(exc)) from None
    db_url = open_store_or_fail(db)
    needs_rendering = [s for s in sites if SITES[s].needs_rendering]
    # Probing starts a browser: only when a chosen site sits behind a JavaScript challenge.
    backend, render_settings = renderer_settings(renderer if needs_rendering else "none", console)
    scheduled = {"HARVESTER_INCREMENTAL": not full, "HARVESTER_PROGRESS": progress}
    user = dict(settings or {})
    if not replica:
        spider_args = {s: {"base_url": (base_urls or {})[s]} for s in sites if (base_urls or {}).get(s)}
        return crawl_sites(sites, db_url=db_url, spider_args=spider_args, console=console,
                           extra_settings={**log_settings(log_level), **render_settings, **scheduled, **user},
                           concurrency=concurrency or 1)
    from ..replicas import CURRENT_EDITION, PortInUseError, ReplicaOptions, ReplicaServer

    if needs_rendering and backend is None:
        console.print(f"[yellow]no JavaScript renderer available: {', '.join(needs_rendering)} replica served "
                      "with its challenge switched off (set SPLASH_URL or install chromium; README, Rendering)[/]",
                      highlight=False)
    from ..replicas.hosting import NoReplicaError

    try:
        server = ReplicaServer(sites=None if set(sites) == set(SITES) else sites, port=port,
                               options=ReplicaOptions(challenge=backend is not None, edition=CURRENT_EDITION))
        server.start()
    except (PortInUseError, NoReplicaError) as exc:
        raise UserError(str(exc)) from None
    unserved = [s for s in sites if s not in server.base_urls]
    if unserved:
        console.print(f"[yellow]no replica for {', '.join(unserved)} here: not harvested[/]", highlight=False)
        sites = [s for s in sites if s in server.base_urls]
    try:
        console.print("replicas: " + "  ".join(f"{h}={u}" for h, u in server.host_urls.items()), highlight=False)
        spider_args = {s: {"base_url": server.base_urls[s],
                           "render": "yes" if backend and s in needs_rendering else "no"} for s in sites}
        return crawl_sites(sites, db_url=db_url, spider_args=spider_args, console=console,
                           extra_settings={**log_settings(log_level), **fast_local_settings(), **render_settings,
                                           **scheduled, **user},
                           concurrency=concurrency or min(len(sites), REPLICA_CONCURRENCY))
    finally:
        server.stop()


def harvest_url(url: str, key: str | None, *, db: str | None, log_level: str = "WARNING", renderer: str = "auto",
                full: bool = False, concurrency: int | None = None, progress: str = "auto",
                settings: dict[str, Any] | None = None, console: Console | None = None) -> bool:
    """Harvest one report column by URL (platform detected); True when it failed."""
    from urllib.parse import urlsplit

    console = console or fitted_console()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"--url takes the http(s) URL of a report column, got {url!r}")
    db_url = open_store_or_fail(db)
    # a column found by URL is fetched without a browser unless one is asked for
    _, render_settings = renderer_settings("none" if renderer == "auto" else renderer, console)
    scheduled = {"HARVESTER_INCREMENTAL": not full, "HARVESTER_PROGRESS": progress}
    args = {"url": url, **({"key": key} if key else {})}
    return crawl_sites(["column"], db_url=db_url, spider_args={"column": args}, console=console,
                       extra_settings={**log_settings(log_level), **render_settings, **scheduled, **(settings or {})},
                       concurrency=1)


def parse_base_urls(values: list[str]) -> dict[str, str]:
    result = {}
    for value in values:
        site, sep, url = value.partition("=")
        if not sep or not url:
            raise UserError(f"--base-url takes SITE=URL, got {value!r}")
        try:
            result[get_site(site).key] = url
        except UnknownSiteError as exc:
            raise UserError(str(exc)) from None
    return result


def open_store_or_fail(db: str | None) -> str:
    """Resolve the database URL and create/upgrade its schema now, so a bad path fails before
    any crawling with one clear line."""
    from ..storage import StorageError, Store, database_url

    url = database_url(db)
    try:
        Store(url).close()
    except StorageError as exc:
        raise UserError(str(exc)) from None
    return url


def renderer_settings(choice: str, console: Console | None = None) -> tuple[str | None, dict[str, Any]]:
    """(backend, settings) for --renderer; the render add-on (harvester.render) does the wiring.

    auto: Splash when SPLASH_URL is set and answers, else Chromium when scrapy-playwright imports
    and the browser starts (harvester.render.available), else no renderer. Says which it chose."""
    from ..render.available import choose_renderer, probe_playwright, probe_splash

    splash_url = os.environ.get("SPLASH_URL")
    if choice == "auto":
        backend, probes = choose_renderer(splash_url)
        if console is not None:
            chosen = next((p for p in probes if p.ok), None)
            skipped = "; ".join(f"{p.backend}: {p.detail}" for p in probes if not p.ok)
            if chosen:
                console.print(f"renderer: {chosen.backend} ({chosen.detail})" + (f"; skipped {skipped}" if skipped else ""),
                              highlight=False, markup=False)
            else:
                console.print(f"renderer: none ({skipped})", highlight=False, markup=False)
        choice = backend or "none"
    elif choice in ("splash", "playwright"):
        if choice == "splash" and not splash_url:
            raise UserError("--renderer splash needs SPLASH_URL (e.g. SPLASH_URL=http://127.0.0.1:8050 after "
                            "scripts/splash.sh start); see README, Rendering")
        probe = probe_splash(splash_url) if choice == "splash" else probe_playwright()
        if not probe.ok:
            raise UserError(f"--renderer {choice} cannot run: {probe.detail}")
        if console is not None:
            console.print(f"renderer: {choice} ({probe.detail})", highlight=False, markup=False)
    if choice == "none":
        return None, {"HARVESTER_RENDERER": "none"}
    return choice, {"HARVESTER_RENDERER": choice, **({"SPLASH_URL": splash_url} if choice == "splash" else {})}


def crawl_sites(sites: list[str], *, db_url: str, spider_args: dict[str, dict], console: Console,
                extra_settings: dict[str, Any] | None = None, concurrency: int | None = None) -> bool:
    """Crawl, print the per-site table, the checks and the problems; True when any site failed."""
    settings = {"HARVESTER_DATABASE_URL": db_url, **(extra_settings or {})}
    results = run_sites(sites, settings=settings, spider_args=spider_args, concurrency=concurrency)
    print_summary(results, console)
    for r in results:
        if r.stat("harvester/worker", None):
            closed = "closed by another worker" if r.stat("harvester/run_closed_by_other_worker", False) else \
                "closed here (the table shows every worker's share)"
            console.print(f"distributed worker {r.stat('harvester/worker')}: {r.site} run {r.stat('harvester/run_id')} "
                          f"{closed}", highlight=False, soft_wrap=True)
    print_checks(results, console)
    for r in results:
        for name, message in alerts(r.stat("harvester/checks", None)):
            console.print(f"[yellow]alert {r.site}: {message}[/]", highlight=False)
    problems = site_problems(results)
    for site, problem in problems:
        console.print(f"[red]ALERT {site}: {problem}[/]", highlight=False)
    return bool(problems)


def site_problems(results: list[SiteResult]) -> list[tuple[str, str]]:
    problems = []
    for r in results:
        if r.finish_reason == "locked":
            holder = r.stat("harvester/lock_holder", "another process")
            problems.append((r.site, f"harvest refused: another harvest of {r.site} is running ({holder})"))
            continue
        if r.stat("harvester/listing_unreachable") and r.stat("harvester/listing_pages") <= r.stat("harvester/listing_unreachable"):
            problems.append((r.site, "site unreachable: no listing page could be fetched (see the log line above); "
                             "check the network or the site's address (--base-url SITE=URL)"))
        elif not reports_seen(r.stats) and r.stat("harvester/listing_errors"):
            problems.append((r.site, f"listing page answered {r.stat('harvester/listing_error', 'an HTTP error')}: "
                             "check the site's entry URL (harvester/sites.py) or --base-url SITE=URL"))
        elif r.finish_reason == "lock_lost":
            problems.append((r.site, "stopped (lock_lost): another harvest took over this site's lock, judging "
                             "this one stale; raise HARVESTER_LOCK_STALE_SECONDS if crawls pause that long"))
        elif r.finish_reason == "renderer_missing":
            problems.append((r.site, "needs a JavaScript renderer: set SPLASH_URL=http://127.0.0.1:8050 (scripts/splash.sh "
                             "start) or use --renderer playwright with Debian's chromium; see README, Rendering"))
        elif r.finish_reason == "storage_failed":
            problems.append((r.site, f"storage failed: {r.stat('harvester/storage_error', 'database error')}; the crawl "
                             "stopped, pages not stored are fetched again by the next harvest"))
        elif r.finish_reason not in ("finished", None):
            problems.append((r.site, f"crawl stopped: {r.finish_reason}"))
        elif r.stat("harvester/run_closed_by_other_worker", False):
            continue  # a distributed worker that did its share: the last worker judges the run
        elif not reports_seen(r.stats):
            problems.append((r.site, "no report found: the site's layout probably changed or its listings are empty"))
        # Checks that mean "site broken" (zero reports is reported just above).
        for name, message in failing(r.stat("harvester/checks", None)):
            if name != "reports":
                problems.append((r.site, f"{name} check failed: {message}"))
    return problems
