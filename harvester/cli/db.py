"""`harvester db upgrade|current`: create or upgrade the archive's schema (Alembic migrations).

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
    p = sub.add_parser("db", help="create or upgrade the database schema", description=__doc__.splitlines()[0])
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    up = actions.add_parser("upgrade", help="create the schema, or upgrade it to the newest revision")
    add_db_argument(up)
    up.set_defaults(func=run_upgrade)
    cur = actions.add_parser("current", help="print the schema revision of the database")
    add_db_argument(cur)
    cur.set_defaults(func=run_current)
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
