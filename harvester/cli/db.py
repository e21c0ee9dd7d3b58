"""`harvester db upgrade|current|compact`: create or upgrade the archive's schema (Alembic
migrations); bring the raw pages of an older archive to the compact storage.

Also home of :func:`open_store`, how every storage command opens ``--db`` with one-line errors.
"""

from __future__ import annotations

import argparse

from .errors import UserError

DB_HELP = "database file or SQLAlchemy URL (default: $HARVESTER_DATABASE_URL, else ./harvest.db)"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL|PATH", default=None, help=DB_HELP)


def open_store(db: str | None, *, must_exist: bool = False, read_only: bool = False):
    """Open (and migrate) the Store named by --db / $HARVESTER_DATABASE_URL.

    ``must_exist``: reading commands refuse to create an empty SQLite file by mistake.
    ``read_only``: a command that only reads (export, runs, history) also works on an SQLite file
    it cannot write (read-only mount, archive copy): opened read-only, not migrated.
    """
    from ..storage import StorageError, Store, database_url
    from ..storage.engine import sqlite_path, sqlite_writable

    url = database_url(db)
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise UserError(f"database {path} does not exist (harvest first, or pass --db / set HARVESTER_DATABASE_URL)")
    try:
        if read_only and path is not None and not sqlite_writable(path):
            return Store(url, migrate=False, read_only=True)
        return Store(url)
    except StorageError as exc:
        raise UserError(str(exc)) from None


def register(sub) -> None:
    p = sub.add_parser("db", help="create or upgrade the database schema, compact its raw pages",
                       description=" ".join(__doc__.split("\n\n")[0].split()))
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    up = actions.add_parser("upgrade", help="create the schema, or upgrade it to the newest revision")
    add_db_argument(up)
    up.set_defaults(func=run_upgrade)
    cur = actions.add_parser("current", help="print the schema revision of the database")
    add_db_argument(cur)
    cur.set_defaults(func=run_current)
    com = actions.add_parser(
        "compact", help="recompress the raw pages stored before migration 0009 (zlib) as zstd with their "
        "site's dictionary, then VACUUM an SQLite file",
        description="Upgrades the schema, then recompresses every page body still stored as zlib (archives "
        "harvested before migration 0009) as zstd with its site's dictionary, as a crawl stores pages "
        "today; bodies too short for a dictionary, or that zstd would not make smaller, stay zlib, and "
        "attachment files are not touched. Each body is verified (old bytes against their SHA-256, new "
        "bytes decompressed) before it is written. One transaction per batch: it can be interrupted and "
        "run again, also while a crawl writes. Then VACUUMs an SQLite file so it shrinks on disk; on "
        "PostgreSQL it prints how to give the space back (VACUUM FULL bodies locks the table: it is not run).")
    add_db_argument(com)
    com.add_argument("--batch", type=int, default=500, metavar="N",
                     help="bodies per transaction (default 500)")
    com.add_argument("--no-vacuum", action="store_true",
                     help="do not VACUUM the SQLite file afterwards (the freed space is then only reused by "
                     "later writes, the file does not shrink)")
    com.set_defaults(func=run_compact)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def run_upgrade(args: argparse.Namespace) -> int:
    from ..storage import StorageError, database_url, display_url, upgrade
    from ..storage.engine import make_engine

    url = database_url(args.db)
    try:
        engine = make_engine(url)
        try:
            before, after = upgrade(engine)
        finally:
            engine.dispose()
    except StorageError as exc:
        raise UserError(str(exc)) from None
    if before == after:
        print(f"{display_url(url)}: schema already at revision {after}")
    else:
        print(f"{display_url(url)}: schema upgraded from {before or 'empty'} to revision {after}")
    return 0


def run_current(args: argparse.Namespace) -> int:
    from ..storage import StorageError, database_url, display_url
    from ..storage.engine import current_revision, head_revision, make_engine, sqlite_path

    url = database_url(args.db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise UserError(f"database {path} does not exist")
    try:
        engine = make_engine(url)
    except StorageError as exc:
        raise UserError(str(exc)) from None
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if revision == head else f"behind head {head}: run `harvester db upgrade`"
    print(f"{display_url(url)}: revision {revision or 'none (empty)'} ({state})")
    return 0


def run_compact(args: argparse.Namespace) -> int:
    from ..progress import batch_progress
    from ..storage import display_url
    from ..storage.compact import compact, pending_bodies, vacuum_sqlite
    from ..storage.engine import sqlite_path

    if args.batch < 1:
        raise UserError(f"--batch takes 1 or more, got {args.batch}")
    store = open_store(args.db, must_exist=True)
    try:
        engine = store.engine
        postgres = engine.dialect.name == "postgresql"
        total = pending_bodies(engine)
        # plain lines every 10 s on stderr (cron mail stays short), a bar on a terminal
        with batch_progress(total, "compacting page bodies", COMPACTED, to_stderr=True, every=10.0,
                            transient=True) as progress:
            summary = compact(engine, args.batch, progress=progress)
        if not summary.examined:
            print(f"{display_url(store.url)}: no page body stored as zlib, nothing to recompress")
        else:
            print(f"{display_url(store.url)}: {summary.examined} page bodies stored as zlib examined "
                  f"in {summary.batches} batches")
            print(f"  recompressed as zstd:  {summary.recompressed}"
                  + (f" (site dictionaries made: {summary.dictionaries_made})" if summary.dictionaries_made else ""))
            print(f"  kept zlib:             {summary.kept_zlib} (too short for a dictionary, or zstd not smaller)")
            reasons = ", ".join(f"{SKIP_REASONS.get(k, k)} {n}" for k, n in sorted(summary.skipped.items()))
            print(f"  skipped:               {summary.skipped_total}" + (f" ({reasons})" if reasons else ""))
            print(f"  stored bytes:          {_size(summary.bytes_before)} -> {_size(summary.bytes_after)}"
                  + _percent(summary.bytes_before, summary.bytes_after))
        path = sqlite_path(store.url)
        if path is not None:
            if args.no_vacuum:
                print(f"not vacuumed (--no-vacuum): {path} keeps its size, later writes reuse the freed space")
            else:
                result = vacuum_sqlite(engine, path)
                if result.error:
                    print(f"VACUUM failed ({result.error}): the freed space is reused by later writes; run "
                          "`harvester db compact` again when no crawl is writing to shrink the file")
                else:
                    print(f"VACUUM: {path} {_size(result.size_before)} -> {_size(result.size_after)}"
                          + _percent(result.size_before, result.size_after))
        elif postgres:
            print(f"PostgreSQL: the {_size(summary.bytes_before - summary.bytes_after)} freed in table bodies are "
                  "reused by new rows once (auto)vacuum has passed; `VACUUM FULL bodies` returns them to the "
                  "operating system (not run here: it locks the table while it rewrites it)")
    finally:
        store.close()
    return 0


SKIP_REASONS = {"attachment": "also an attachment file", "unreadable": "unreadable or not matching its SHA-256",
                "round trip": "zstd round trip differed"}


#: The plain progress line of `harvester db compact` (harvester.progress.count_progress).
COMPACTED = "compacted {done}/{total} page bodies"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1000
    return f"{n} B"  # pragma: no cover


def _percent(before: int, after: int) -> str:
    return f" ({(after - before) / before:+.0%})" if before else ""
