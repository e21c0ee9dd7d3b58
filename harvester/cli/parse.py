"""`harvester parse FILE --url URL [--site S] [--json]`: parse one saved page, no network."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from ..sites import SITES
from .errors import UserError

#: Summary stats shown first when present (the era-independent series).
MAIN_STATS = (
    "proactive.total", "proactive.cumulative", "requests.received", "requests.completed",
    "requests.result.disclosed", "reconsideration.received", "litigation.received", "press_conferences",
)


def register(sub) -> None:
    p = sub.add_parser(
        "parse",
        help="parse one saved page and print its report item",
        description="Cleans and parses a saved page (any encoding) exactly as a crawl would, "
        "without network or database, and prints the report item.",
    )
    p.add_argument("file", metavar="FILE", help="the saved page (raw bytes as served)")
    p.add_argument("--url", required=True, help="the URL the page was fetched from (links resolve against it)")
    p.add_argument("--site", help=f"site key (default: guessed from the URL; one of {', '.join(SITES)})")
    p.add_argument("--json", action="store_true", help="print the report item as JSON (DESIGN.md field names)")
    p.set_defaults(func=run)


def _registrable(host: str) -> str:
    """zhaoqing.gov.cn for www.zhaoqing.gov.cn; the last three labels of *.gov.cn hosts."""
    labels = host.lower().split(".")
    keep = 3 if labels[-2:] == ["gov", "cn"] else 2
    return ".".join(labels[-keep:])


def guess_site(url: str) -> str | None:
    """The site whose entry URL shares the host (or, for replicas on loopback, the path root)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host:
        for key, site in SITES.items():
            if _registrable(urlsplit(site.entry_url).hostname or "") == _registrable(host):
                return key
    # Replicas keep each site's paths: match the first path segment of the entry URL.
    first = parts.path.strip("/").split("/")[0]
    known_roots = {"gkmlpt": "zhaoqing", "col": "yongkang", "art": "yongkang", "zwgk": "yuxi",
                   "XxgkAnnualReport": "xuancheng", "zfxxgk1": "panzhihua"}
    return known_roots.get(first)


def run(args) -> int:
    from ..parsing import parse_page  # imported late: `harvester --help` stays fast

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"no such file: {args.file}")
    if not urlsplit(args.url).scheme:
        raise UserError(f"--url must be an absolute URL (http://...), got {args.url!r}")
    site = args.site
    if site is not None and site not in SITES:
        raise UserError(f"unknown site {site!r}; known sites: {', '.join(sorted(SITES))}")
    if site is None:
        site = guess_site(args.url)
        if site is None:
            raise UserError(f"cannot tell the site from {args.url!r}; pass --site (one of {', '.join(sorted(SITES))})")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror or exc}") from None

    result = parse_page(args.url, body, None, site)
    item = result.item
    item.content_sha256 = hashlib.sha256(body).hexdigest()
    item.final_url = args.url
    if args.json:
        data = item.to_dict()
        data["kind"] = result.kind
        data["kind_reason"] = result.reason
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(summary(result))
    return 0


def summary(result) -> str:
    item = result.item
    lines = [
        f"kind:      {result.kind} ({result.reason})",
        f"site:      {item.site}",
        f"title:     {item.title or '-'}",
        f"year:      {item.report_year or '-'}",
        f"agency:    {item.agency or '-'}",
        f"publisher: {item.publisher or '-'}",
        f"published: {item.published_date or '-'}   signed: {item.signed_date or '-'}",
        f"index no:  {item.index_no or '-'}   doc no: {item.doc_no or '-'}",
    ]
    level1 = [s.title for s in item.sections if s.level == 1]
    lines.append(f"sections:  {len(item.sections)} ({len(level1)} top level)")
    lines.extend(f"  - {t}" for t in level1)
    by_key = {s.key: s for s in item.stats}
    lines.append(f"stats:     {len(item.stats)}")
    for key in MAIN_STATS:
        if key in by_key:
            s = by_key[key]
            lines.append(f"  {key} = {s.value:g}{s.unit or ''}  ({s.source})")
    if item.attachments:
        lines.append(f"attachments: {len(item.attachments)}")
        lines.extend(f"  - [{a.kind}] {a.name}" for a in item.attachments)
    lines.append(f"warnings:  {len(item.warnings)}")
    lines.extend(f"  ! {w}" for w in item.warnings)
    return "\n".join(lines)
