"""`harvester browse`: explore the archive in Datasette (facets, the current-reports and
current-statistics views, canned queries), without writing SQL."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

from .db import add_db_argument, open_store
from .errors import UserError

INSTALL_HINT = "pip install -e '.[browse]' (or pip install datasette==0.65.5)"


def register(sub) -> None:
    p = sub.add_parser(
        "browse",
        help="open the archive in Datasette: current reports, statistics with units, canned queries",
        description="Starts Datasette on the archive (SQLite) with the project's metadata: the views "
        "current_reports and current_statistics with facets by body, year and key, and the canned "
        "queries requests_per_body_per_year and missing_years_per_body. Needs Datasette "
        f"({INSTALL_HINT}).",
    )
    add_db_argument(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001, help="port to serve on (default: 8001; 0: any free port)")
    p.add_argument("--no-open", action="store_true", help="do not open a web browser")
    p.set_defaults(func=run)


def metadata_for(db_name: str) -> dict:
    """The packaged metadata, filed under the database name Datasette derives from the file."""
    text = resources.files("harvester.storage").joinpath("datasette-metadata.json").read_text(encoding="utf-8")
    metadata = json.loads(text)
    metadata["databases"] = {db_name: metadata["databases"]["harvest"]}
    return metadata


def run(args: argparse.Namespace) -> int:
    from ..storage.engine import sqlite_path

    store = open_store(args.db, must_exist=True)  # also upgrades: the views exist afterwards
    url = store.url
    store.close()
    path = sqlite_path(url)
    if path is None:
        raise UserError("harvester browse serves SQLite files; for PostgreSQL export first: "
                        "harvester export --format csv --out out/")
    try:
        found = importlib.util.find_spec("datasette") is not None
    except ImportError:
        found = False
    if not found:
        raise UserError(f"Datasette is not installed: {INSTALL_HINT}; or use harvester export --format csv")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as meta:
        json.dump(metadata_for(Path(path).stem), meta, ensure_ascii=False)
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", meta.name,
               "--host", args.host, "--port", str(args.port), "--setting", "facet_time_limit_ms", "1000"]
    if not args.no_open:
        command.append("--open")
    print(f"datasette: {path} (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
    finally:
        os.unlink(meta.name)
