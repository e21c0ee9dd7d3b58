"""`harvester add-body`: the registry row for a new body (like `scrapy genspider`, but a body is
data, not code): printed, or appended to your registry file (--append), validated either way."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..registry import LEVELS, PLATFORMS, REGISTRY_ENV, RegistryError, SITES, body_toml, load
from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser(
        "add-body", help="print (or append to your registry file) the registry row of a new body",
        description="Writes the [[body]] row of a new body: one row is all a body on a known platform needs "
        "(gkmlpt, hanweb, trs, anhui, static; leave --platform out to detect it from the column page). "
        "With --append FILE the row is added to FILE (created if missing); use FILE with "
        f"${REGISTRY_ENV}=FILE or `harvester --registry FILE`. See docs/registry.md.")
    p.add_argument("key", help="short key: lower-case letters, digits, '-' or '_' (spider name, archive key)")
    p.add_argument("name", help="canonical name of the body, e.g. 肇庆市公安局")
    p.add_argument("column_url", help="the report column (entry) URL, e.g. http://www.zhaoqing.gov.cn/zqgaj/gkmlpt/index")
    p.add_argument("--level", choices=LEVELS, default="", help="administrative level")
    p.add_argument("--region", default="", help="region as written, e.g. 广东省肇庆市")
    p.add_argument("--code", default="", help="administrative division code (6 digits), e.g. 441200")
    p.add_argument("--parent", default="", help="key of the body it belongs to (a city for its department)")
    p.add_argument("--platform", choices=[x for x in PLATFORMS if x], default="",
                   help="the column's platform (default: detected from the page at crawl time)")
    p.add_argument("--column-name", default="", help="gkmlpt: name of the report column in the tree")
    p.add_argument("--title-keyword", action="append", default=[], metavar="WORD",
                   help="a column shared by several bodies: a word in this body's titles (repeatable)")
    p.add_argument("--former-name", action="append", default=[], metavar="NAME", help="a former name (repeatable)")
    p.add_argument("--alias", action="append", default=[], metavar="NAME",
                   help="another name its reports are signed with (repeatable)")
    p.add_argument("--selector", action="append", default=[], metavar="CSS",
                   help="CSS selector of the report container, most specific first (repeatable)")
    p.add_argument("--render", action="store_true", help="the site sits behind a JavaScript challenge")
    p.add_argument("--append", metavar="FILE", help="append the row to this registry file instead of printing it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params: dict = {}
    if args.column_name:
        params["column_name"] = args.column_name
    if args.title_keyword:
        params["title_keywords"] = args.title_keyword
    if args.render:
        params["render"] = True
    try:
        row = body_toml(key=args.key, name=args.name, column_url=args.column_url, level=args.level,
                        region=args.region, region_code=args.code, parent=args.parent, platform=args.platform,
                        former_names=args.former_name, aliases=args.alias, params=params,
                        content_selectors=args.selector)
    except RegistryError as exc:
        raise UserError(str(exc).replace("add-body: ", "")) from None
    if args.parent and args.parent not in SITES:
        raise UserError(f"parent {args.parent!r} is not in the registry (see `harvester sites`)")
    if not args.append:
        print(row, end="")
        return 0
    path = Path(args.append)
    try:
        existing = path.read_text("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    try:
        current = load([path]) if existing else dict(SITES)
    except RegistryError as exc:
        raise UserError(f"{exc} (fix {path} first)") from None
    if args.key in current:
        raise UserError(f"body {args.key!r} is already in the registry ({current[args.key].source}); pick another key")
    text = existing + ("\n" if existing and not existing.endswith("\n\n") else "") + row
    _written(path, text)
    try:
        load([path])
    except RegistryError as exc:  # pragma: no cover - body_toml validated the row already
        path.write_text(existing, "utf-8")
        raise UserError(str(exc)) from None
    print(f"added {args.key} to {path}:\n\n{row}\ncrawl it:  {REGISTRY_ENV}={path} scrapy crawl {args.key}\n"
          f"       or: harvester --registry {path} harvest {args.key}")
    return 0


def _written(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path
