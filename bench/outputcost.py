"""CPU of ``records.prepare_output`` per report and output blob bytes per report (issue 15).

    python -m bench.outputcost --reports 5000 --every 10
    python -m bench.outputcost --against c94affe    # this tree's records.py vs the one of c94affe

Every ``--every``-th page of the ``--reports``-report scaled replica (bench.scaled) is cleaned
and parsed as a parse worker does (harvester.pool.extract), untimed; then ``prepare_output`` of
every report (the digest, the packed rows: what a parse worker computes for each report it
ships, harvester.pool.ShippedResult, and re-parse for each new version) is timed by
time.process_time, ``--rounds`` rounds, the cyclic collector on as in a worker. With
``--against REV`` the module harvester/storage/records.py as it was at git revision REV is
loaded beside this tree's and both are timed on the same reports in alternating rounds (before /
after on one machine, one load); their digests and rows are checked equal first. Results on
stdout as JSON: the medians per report in ms, the blob bytes per report.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from .jobs import REPO


def reports(total: int, every: int, cache_dir: Path) -> list[Any]:
    from harvester.pool import extract

    from .scaled import ScaleSpec, iter_pages

    found = []
    for site, url, headers, body, _ in itertools.islice(iter_pages(ScaleSpec(reports=total), cache_dir), 0, None, every):
        result = extract(url, body, headers, site).result
        if result is not None and result.kind == "report":
            found.append(result.item)
    return found


def records_at(revision: str) -> ModuleType:
    """harvester/storage/records.py of git ``revision``, as a module of this tree's package (its
    relative imports are this tree's; its preset dictionaries this tree's, which only grow)."""
    import harvester.storage.records as current

    source = subprocess.run(["git", "show", f"{revision}:harvester/storage/records.py"], cwd=REPO,
                            check=True, capture_output=True).stdout
    path = Path(tempfile.mkdtemp()) / "records.py"
    path.write_bytes(source)
    name = f"harvester.storage._records_{revision}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module._DICTIONARY_DIR = current._DICTIONARY_DIR
    return module


def timed(module: ModuleType, items: list[Any]) -> tuple[float, list[Any]]:
    start = time.process_time()
    prepared = [module.prepare_output(item) for item in items]
    return (time.process_time() - start) / len(items) * 1000, prepared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outputcost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=5000, help="size of the scaled replica (default 5000)")
    parser.add_argument("--every", type=int, default=10, help="time every Nth report of it (default 10)")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (default 9)")
    parser.add_argument("--against", metavar="REV", help="also time records.py of this git revision, alternately")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "bench" / ".cache",
                        help="the scaled replica's page cache (default bench/.cache)")
    args = parser.parse_args(argv)

    import harvester.storage.records as current

    items = reports(args.reports, args.every, args.cache_dir)
    modules = {"this tree": current}
    if args.against:
        modules[args.against] = records_at(args.against)
        new, old = (timed(module, items)[1] for module in modules.values())
        for a, b in zip(new, old):
            if (a.digest, a.row_values, a.stats, a.attachments) != (b.digest, b.row_values, b.stats, b.attachments):
                print(f"{args.against} and this tree differ on a report", file=sys.stderr)
                return 1
    times: dict[str, list[float]] = {name: [] for name in modules}
    blob: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, module in modules.items():
            ms, prepared = timed(module, items)
            times[name].append(ms)
            blob[name] = sum(len(p.row_values["output"]) for p in prepared) / len(prepared)
    print(json.dumps({"reports": len(items), "rounds": args.rounds,
                      **{name: {"ms_per_report": round(statistics.median(times[name]), 4),
                                "min_ms_per_report": round(min(times[name]), 4),
                                "blob_bytes_per_report": round(blob[name], 1)} for name in modules}}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
