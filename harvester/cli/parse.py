"""`harvester parse FILE... [--url URL] [--site KEY] [--json|--jsonl]`: parse saved pages, no network.

Any page of any body: parsing reads the page alone. ``--site`` names a registry body whose hints
(container, canonical name, region) are applied after, as a crawl applies them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UserError

#: Summary stats shown first when present (the era-independent series).
MAIN_STATS = (
    "proactive.total", "proactive.cumulative", "requests.received", "requests.completed",
    "requests.result.disclosed", "reconsideration.received", "litigation.received", "press_conferences",
)
#: Where a saved page may carry its own URL (TRS/gov.cn meta, canonical link, Open Graph).
_OWN_URL_RE = re.compile(
    rb"""<meta\s+name=["']Url["']\s+content=["'](https?://[^"'<>\s]+)["']"""
    rb"""|<link\s+rel=["']canonical["']\s+href=["'](https?://[^"'<>\s]+)["']"""
    rb"""|<meta\s+property=["']og:url["']\s+content=["'](https?://[^"'<>\s]+)["']""",
    re.I,
)


def register(sub) -> None:
    p = sub.add_parser(
        "parse",
        help="parse saved pages of any body and print their report items",
        description="Cleans and parses saved pages (any encoding, any body) exactly as a crawl would, "
        "without network, database or site configuration. One file prints its report item; several "
        "print a table of the fields found per file.",
    )
    p.add_argument("files", metavar="FILE", nargs="+", help="saved pages (raw bytes as served)")
    p.add_argument("--url", help="the URL the page was fetched from (one FILE only; default: the page's own "
                   "<meta name=Url>/canonical link, else the file's path as a file:// URL)")
    p.add_argument("--site", metavar="KEY", help="a body of the registry: apply its hints (container, canonical "
                   "name, region) after parsing, as a crawl does; values taken from it are marked 'registry'")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print the report item as JSON (a list for several files)")
    out.add_argument("--jsonl", action="store_true", help="print one report item per line as JSON")
    p.set_defaults(func=run)


def page_url(body: bytes, path: Path) -> str:
    """The URL a saved page names for itself, else its file:// URL."""
    m = _OWN_URL_RE.search(body[:200_000])
    if m:
        return next(g for g in m.groups() if g).decode("ascii", "replace")
    return path.resolve().as_uri()


def run(args) -> int:
    from ..parsing import parse_page  # imported late: `harvester --help` stays fast

    paths = [Path(f) for f in args.files]
    if args.url and len(paths) > 1:
        raise UserError("--url names the URL of one page; with several files leave it out (each page's own "
                        "<meta name=Url> or its file path is used)")
    if args.url and not urlsplit(args.url).scheme:
        raise UserError(f"--url must be an absolute URL (http://...), got {args.url!r}")
    if args.site:
        from ..sites import SITES

        if args.site not in SITES:
            raise UserError(f"unknown site {args.site!r}; known sites: {', '.join(sorted(SITES))} "
                            "(leave --site out to parse the page alone)")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")

    rows = []
    items = []
    for path in paths:
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        url = args.url or page_url(body, path)
        result = parse_page(url, body, None, args.site)
        item = result.item
        item.content_sha256 = hashlib.sha256(body).hexdigest()
        item.final_url = url
        data = item.to_dict()
        data["kind"] = result.kind
        data["kind_reason"] = result.reason
        items.append(data)
        rows.append((path, result))

    if args.jsonl:
        for data in items:
            print(json.dumps(data, ensure_ascii=False))
    elif args.json:
        print(json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=1))
    elif len(rows) == 1:
        print(summary(rows[0][1]))
    else:
        print(summary_table(rows))
    return 0


def summary(result) -> str:
    item = result.item
    sources = item.field_sources or {}

    def origin(name: str) -> str:
        return f"  ({sources[name]})" if name in sources else ""

    lines = [
        f"kind:      {result.kind} ({result.reason})",
        f"title:     {item.title or '-'}",
        f"year:      {item.report_year or '-'}",
        f"agency:    {item.agency or '-'}{origin('agency')}",
        f"region:    {item.region or '-'}{f' [{item.region_code}]' if item.region_code else ''}{origin('region')}",
        f"publisher: {item.publisher or '-'}",
        f"published: {item.published_date or '-'}   signed: {item.signed_date or '-'}",
        f"index no:  {item.index_no or '-'}   doc no: {item.doc_no or '-'}",
    ]
    if item.site:
        lines.insert(1, f"site:      {item.site}")
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


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns (with an ellipsis) and padded to it."""
    out = ""
    for ch in text:
        if _width(out + ch) > width - (1 if _width(text) > width else 0):
            out += "…"
            break
        out += ch
    return out + " " * max(0, width - _width(out))


def summary_table(rows: list) -> str:
    """One line per file: kind, year, counts of sections/stats/warnings, agency, file name.

    Fits the terminal (80 columns when piped): the agency and file columns share what is left.
    """
    width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
    width = max(60, min(width, 160))
    fixed = [("kind", 9), ("year", 4), ("sect", 4), ("stats", 5), ("warn", 4)]
    rest = width - sum(w + 1 for _, w in fixed) - 1
    agency_w = max(12, rest * 2 // 5)
    file_w = max(12, rest - agency_w - 1)
    header = " ".join(_fit(name, w) for name, w in fixed) + " " + _fit("agency", agency_w) + " " + _fit("file", file_w)
    lines = [header.rstrip()]
    reports = 0
    for path, result in rows:
        item = result.item
        reports += result.kind == "report"
        level1 = sum(1 for s in item.sections if s.level == 1)
        cells = [result.kind, str(item.report_year or "-"), str(level1), str(len(item.stats)), str(len(item.warnings))]
        line = " ".join(_fit(c, w) for c, (_, w) in zip(cells, fixed))
        line += " " + _fit(item.agency or "-", agency_w) + " " + _fit(path.name, file_w)
        lines.append(line.rstrip())
    lines.append(f"{len(rows)} files, {reports} reports")
    return "\n".join(lines)
