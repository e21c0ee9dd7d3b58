"""`harvester replica serve|manifest`: serve the site replicas for manual crawls, list their reports."""

from __future__ import annotations

import argparse
import json
import threading

from ..sites import UnknownSiteError, get_site
from .errors import UserError


def register(sub) -> None:
    parser = sub.add_parser("replica", help="serve the loopback site replicas / list their reports")
    actions = parser.add_subparsers(dest="replica_command", metavar="ACTION")

    serve = actions.add_parser("serve", help="serve the replicas until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8600,
                       help="first port; each replica host takes the next one (0: ephemeral)")
    serve.add_argument("--site", action="append", dest="sites", metavar="BODY",
                       help="serve only this registry body's replica (repeatable)")
    serve.add_argument("--challenge", action=argparse.BooleanOptionalAction, default=True,
                       help="xuancheng answers with its JavaScript cookie challenge, as the real site "
                       "does (default: on; --no-challenge for crawls without a renderer)")
    # default None = the current edition, resolved when the command runs (importing the corpus
    # here would slow every `harvester` command down)
    serve.add_argument("--edition", type=int, default=None,
                       help="corpus edition to serve (default: the current one, the sites as they are now, "
                       "2025 reports included; 1: a year earlier)")
    serve.set_defaults(func=run_serve)

    show = actions.add_parser("manifest", help="list the reports the replicas publish")
    show.add_argument("--json", action="store_true", help="JSON instead of a table")
    show.add_argument("--edition", type=int, default=None,
                      help="corpus edition (default: the current one, as served by default)")
    show.add_argument("--site", help="one site only")
    show.add_argument("--all", action="store_true", help="every listing entry (non-reports, dead link, duplicate)")
    show.set_defaults(func=run_manifest)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _check_sites(sites: list[str] | None) -> list[str] | None:
    if not sites:
        return None
    try:
        return [get_site(s).key for s in sites]
    except UnknownSiteError as exc:
        raise UserError(str(exc)) from None


def run_serve(args: argparse.Namespace) -> int:
    from ..replicas import CURRENT_EDITION, PortInUseError, ReplicaOptions, ReplicaServer

    if args.edition is None:
        args.edition = CURRENT_EDITION
    if args.edition < 1:
        raise UserError("--edition must be 1 or more")
    from ..replicas.hosting import NoReplicaError, host_order

    hosts = len(host_order())
    if not 0 <= args.port <= 65535 - hosts:
        raise UserError(f"--port must be between 0 and {65535 - hosts}")
    options = ReplicaOptions(challenge=args.challenge, edition=args.edition)
    try:
        server = ReplicaServer(sites=_check_sites(args.sites), host=args.host, port=args.port, options=options)
        server.start()
    except NoReplicaError as exc:
        raise UserError(str(exc)) from None
    except PortInUseError as exc:
        raise UserError(f"{exc}; pick another with --port") from None
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}: {exc.strerror or exc}") from None
    try:
        print(f"Serving replicas (edition {args.edition}, challenge {'on' if args.challenge else 'off'}):")
        entries = server.entry_urls()
        for key, base in server.base_urls.items():
            print(f"  {key:<12} {entries[key]}")
            print(f"               scrapy crawl {key} -a base_url={base}")
        print("Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print(f"Replicas stopped after {len(server.request_log)} requests.")
    return 0


def run_manifest(args: argparse.Namespace) -> int:
    from ..replicas import CURRENT_EDITION, manifest, manifest_all

    if args.edition is None:
        args.edition = CURRENT_EDITION
    site = _check_sites([args.site])[0] if args.site else None
    records = (manifest_all if args.all else manifest)(edition=args.edition, site=site)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
        return 0
    for record in records:
        kind = f" [{record['kind']}{' duplicate' if record.get('duplicate') else ''}]" if args.all else ""
        print(f"{record['site']:<12} {record['year'] or '':<5} {record['published']}  {record['path']}  {record['title']}{kind}")
    print(f"{len(records)} entries")
    return 0
