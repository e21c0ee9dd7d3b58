"""`harvester sites`: the registry of bodies (package file + $HARVESTER_REGISTRY), one line per
body, within 80 columns; --json for every field."""

from __future__ import annotations

import argparse
import json

from rich.cells import cell_len

from ..registry import SITES, descendants

WIDTH = 80


def fit(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` terminal cells (CJK characters take two)."""
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            if out and width >= 1:
                while used + 1 > width and out:
                    used -= cell_len(out.pop())
                out.append("…")
                used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def register(sub) -> None:
    p = sub.add_parser("sites", help="list the registry of bodies (key, level, division code, platform, name)",
                       description="Lists every body of the registry: harvester/registry/bodies.toml plus the "
                       "files in $HARVESTER_REGISTRY (or --registry). Bodies below another are indented under it.")
    p.add_argument("--json", action="store_true", help="every field of every body as JSON")
    p.add_argument("--platform", help="only bodies on this platform")
    p.add_argument("--under", metavar="KEY", help="only this body and the bodies below it")
    p.set_defaults(func=run)


def ordered(under: str | None = None) -> list[tuple[int, str]]:
    """(depth, key) in registry order with each body's descendants right after it; with
    ``under``, only that body and those below it (UserError for an unknown key)."""
    if under:
        from ..registry import get_site
        from .errors import UserError

        try:
            root = get_site(under).key
        except ValueError as exc:
            raise UserError(str(exc)) from None
        keep = {root} | {b.key for b in descendants(root)}
        return [(d, k) for d, k in ordered() if k in keep]
    result: list[tuple[int, str]] = []
    placed: set[str] = set()

    def walk(key: str, depth: int) -> None:
        if key in placed:
            return
        placed.add(key)
        result.append((depth, key))
        for child in [b.key for b in SITES.values() if b.parent == key]:
            walk(child, depth + 1)

    for key, body in SITES.items():
        if not body.parent or body.parent not in SITES:
            walk(key, 0)
    for key in SITES:  # a parent cycle: still listed
        walk(key, 0)
    return result


def run(args: argparse.Namespace) -> int:
    rows = ordered(args.under)
    if args.platform:
        rows = [(d, k) for d, k in rows if SITES[k].platform == args.platform]
    if args.json:
        out = []
        for _, key in rows:
            b = SITES[key]
            out.append({"key": b.key, "name": b.agency, "former_names": list(b.former_names), "aliases": list(b.aliases),
                        "level": b.level, "region": b.region, "region_code": b.region_code, "parent": b.parent or None,
                        "platform": b.platform or None, "column_url": b.entry_url,
                        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in b.extra.items()},
                        "content_selectors": list(b.content_selectors), "source": b.source})
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(fit("key", 16) + " " + fit("level", 10) + " " + fit("code", 6) + " " + fit("platform", 8) + " name")
    for depth, key in rows:
        b = SITES[key]
        label = "  " * depth + key
        line = (fit(label, 16) + " " + fit(b.level or "-", 10) + " " + fit(b.region_code or "-", 6) + " "
                + fit(b.platform or "detect", 8) + " ")
        print(line + fit(b.agency, WIDTH - cell_len(line)).rstrip())
    print(f"{len(rows)} bodies (add one: harvester add-body; see docs/registry.md)")
    return 0
