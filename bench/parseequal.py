"""Parsed output must stay byte-identical across a speed-up: dump it, then compare.

Dumps ``parse_page(url, body, headers[, site]).item.to_dict()`` minus ``parser_version`` (which
follows the sources) as one JSON line per page, for: every real page of ``../shared/corpus/pingtan``
(where present), every HTML fixture under ``tests/parsing/fixtures`` and ``tests/fixtures/pages``,
and every document of the five hand-made replica sites (editions 1 and 2) as the site renders it, parsed with
and without the site. The parse result's ``kind`` and warnings are part of the line.

    python -m bench.parseequal dump /tmp/before.jsonl     # on the untouched tree
    python -m bench.parseequal dump /tmp/after.jsonl      # after a change
    python -m bench.parseequal compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
SHARED_PINGTAN = REPO.parent / "shared" / "corpus" / "pingtan"


def pages() -> Iterator[tuple[str, str, bytes, dict | None, str | None]]:
    """(name, url, body, headers, site) of every page checked."""
    if SHARED_PINGTAN.is_dir():
        for path in sorted(SHARED_PINGTAN.glob("*.html")):
            yield (f"real/{path.name}", "https://www.pingtan.gov.cn/zwgk/" + path.name, path.read_bytes(), None, None)
    for base in ("tests/parsing/fixtures", "tests/fixtures/pages"):
        for path in sorted((REPO / base).rglob("*.htm*")):
            name = str(path.relative_to(REPO))
            yield (name, f"http://fixture.invalid/{path.name}", path.read_bytes(), None, None)
    from harvester.replicas.server import ReplicaOptions
    from harvester.replicas.sites import HAND_MADE, REPLICA_CLASSES
    from harvester.sites import SITES

    for key in HAND_MADE:  # pingtan's replica serves the real pages above
        replica = REPLICA_CLASSES[key](ReplicaOptions())
        base_url = "/".join(SITES[key].url_for(None).split("/", 3)[:3])
        for edition in (1, 2):
            for doc in replica.documents(edition):
                body = replica.encode(replica.render_detail(doc))
                url = base_url + replica.detail_path(doc)
                headers = {"content-type": [replica.content_type()]}
                for site in (None, key):
                    yield (f"replica/{key}/e{edition}/{doc.doc_id}/{site}", url, body, headers, site)


def dump(out: Path) -> int:
    from harvester.parsing import parse_page

    n = 0
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for name, url, body, headers, site in pages():
            if name in seen:
                continue
            seen.add(name)
            result = parse_page(url, body, headers, site) if site else parse_page(url, body, headers)
            data: dict[str, Any] = result.item.to_dict()
            data.pop("parser_version", None)
            line = {"page": name, "kind": str(result.kind), "item": data}
            f.write(json.dumps(line, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            n += 1
    print(f"{n} pages dumped to {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    if len(left) != len(right):
        print(f"different page counts: {len(left)} vs {len(right)}")
        return 1
    bad = [json.loads(x)["page"] for x, y in zip(left, right) if x != y]
    if bad:
        print(f"{len(bad)} of {len(left)} pages differ: " + ", ".join(bad[:20]))
        return 1
    print(f"{len(left)} pages byte-identical")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parseequal", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    return dump(args.out) if args.cmd == "dump" else compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
