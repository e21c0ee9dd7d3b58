"""Database URLs, engines and schema migrations (Alembic, run programmatically)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

ENV_VAR = "HARVESTER_DATABASE_URL"
DEFAULT_SQLITE_FILE = "harvest.db"
PACKAGE_DIR = Path(__file__).resolve().parent


class StorageError(Exception):
    """A database problem the user can fix (unwritable path, unreachable server, bad URL)."""


class StorageUnavailable(StorageError):
    """The database cannot be used any more (disk full, locked, corrupt, read-only, server
    gone): a crawl stops instead of fetching pages it cannot store (docs/reliability.md)."""


#: (text in the driver's message, what the user reads)
_FAULT_MESSAGES = (
    ("database or disk is full", "the disk holding the database is full"),
    ("no space left", "the disk holding the database is full"),
    ("diskfull", "the disk holding the database is full"),
    ("could not extend file", "the disk holding the database is full"),
    ("database is locked", "the database is locked by another process, longer than its busy timeout"),
    ("database table is locked", "the database is locked by another process, longer than its busy timeout"),
    ("malformed", "the database file is corrupt"),
    ("file is not a database", "the database file is corrupt"),
    ("disk i/o error", "disk I/O error on the database file"),
    ("readonly database", "the database file is read-only"),
    ("unable to open database", "the database file cannot be opened"),
)


def database_fault(exc: BaseException) -> str | None:
    """One line saying what is wrong with the database when ``exc`` means it is unusable (not
    just one bad row), else None."""
    from sqlalchemy.exc import (DatabaseError, DataError, IntegrityError, NotSupportedError, OperationalError,
                                ProgrammingError)

    if isinstance(exc, StorageError):
        return str(exc)
    # One row's problem (a constraint, a value, a statement the row made invalid) is that page's
    # failure, not the database's.
    if not isinstance(exc, (OperationalError, DatabaseError)) or isinstance(
            exc, (IntegrityError, DataError, ProgrammingError, NotSupportedError)):
        return None
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = (text + " " + type(getattr(exc, "orig", exc)).__name__).lower()
    for needle, message in _FAULT_MESSAGES:
        if needle in low:
            return f"{message} ({text})"
    return f"database error: {text}"


def database_url(explicit: str | None = None) -> str:
    """The SQLAlchemy URL to use: ``explicit`` > $HARVESTER_DATABASE_URL > ./harvest.db.

    A value without ``://`` is a path to an SQLite file.
    """
    value = explicit or os.environ.get(ENV_VAR) or DEFAULT_SQLITE_FILE
    if "://" in value:
        return value
    return f"sqlite:///{os.path.abspath(os.path.expanduser(value))}"


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other backends and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _check_sqlite_path(path: Path) -> None:
    # SQLite's own message ("unable to open database file") does not say what is wrong.
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise StorageError(f"cannot use {path} as a database: it is a directory")
    if not parent.exists():
        raise StorageError(f"cannot create database {path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise StorageError(f"cannot create database {path}: {parent} is not a directory")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise StorageError(f"cannot write database {path}: permission denied")
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise StorageError(f"cannot create database {path}: directory {parent} is not writable")


def sqlite_writable(path: Path) -> bool:
    """Whether this process may write the SQLite file and create its -wal/-shm files."""
    parent = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(parent, os.W_OK | os.X_OK)


def _read_only_connect(path: Path) -> Any:
    """sqlite3 connection that never writes: mode=ro; immutable=1 as well when the directory is
    not writable (a WAL database then cannot get its -shm file; nobody can be writing it)."""
    import sqlite3
    from urllib.parse import quote

    flags = "mode=ro" + ("" if os.access(path.parent, os.W_OK) else "&immutable=1")
    return lambda: sqlite3.connect(f"file:{quote(str(path))}?{flags}", uri=True, check_same_thread=False)


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=%d" % busy_timeout_ms())
    cursor.close()


def busy_timeout_ms() -> int:
    """How long an SQLite statement waits for another process's lock (ms) before "database is
    locked"; HARVESTER_SQLITE_BUSY_TIMEOUT overrides the 30 s default."""
    try:
        return int(os.environ.get("HARVESTER_SQLITE_BUSY_TIMEOUT", "30000"))
    except ValueError:
        return 30000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (export, history) work while a crawl writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=%d" % busy_timeout_ms())
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _register_sqlite_adapters() -> None:
    """Adapters for the parameter types sqlite3 binds as they are but still runs through its
    adaptation protocol: None and bytes (Python 3.11 skips it only for exact int, float, str and
    bytearray). Without an adapter registered for the type, each such parameter looks up
    ``__adapt__`` on sqlite3's PrepareProtocol type, which raises an AttributeError whose message
    is formatted and then discarded: ~2,200 instructions a parameter, and a crawl binds ~75 a
    page (the NULL unit, label and section of statistics, a report's empty columns, the
    compressed body). With one, it is a registry lookup and a call to a builtin that returns the
    value itself (``{}.get`` returns None for None, ``bytes`` returns exact bytes as they are):
    the same values bound, NULL and BLOB (bench/RESULTS.md, issue 15, crawl process)."""
    import sqlite3

    sqlite3.register_adapter(type(None), {}.get)
    sqlite3.register_adapter(bytes, bytes)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


#: Database backends harvester is built and tested for (SQLAlchemy backend names).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url`` (already resolved by :func:`database_url`), connection checked.
    ``read_only``: an SQLite file opened without any write (see :func:`_read_only_connect`)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StorageError(f"database {backend} is not supported ({display_url(url)}): use SQLite (a file path "
                           "or sqlite:///PATH) or PostgreSQL (postgresql+psycopg://user@host/db)")
    if backend == "postgresql" and parsed.get_driver_name() not in ("psycopg", "psycopg2", "psycopg_async"):
        raise StorageError(f"PostgreSQL driver {parsed.get_driver_name()} is not supported ({display_url(url)}): "
                           "write postgresql+psycopg://user@host/db (psycopg 3 is installed with harvester)")
    path = sqlite_path(url)
    read_only = read_only and path is not None
    if path is not None and not read_only:
        _check_sqlite_path(path)
    try:
        # JSON columns as UTF-8, not \uXXXX escapes: 6 bytes per Chinese character instead of 3
        # made sections/tables twice their size (bench/RESULTS.md, figure 5)
        extra: dict[str, Any] = {"creator": _read_only_connect(path)} if read_only else {}
        engine = create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite",
                               json_serializer=_json_dumps, **extra)
    except ImportError as exc:
        raise StorageError(f"cannot use database {display_url(url)}: its driver is not installed ({exc}); "
                           "supported: sqlite:///PATH and postgresql+psycopg://user@host/db") from exc
    except (ArgumentError, SQLAlchemyError) as exc:
        raise StorageError(f"cannot use database {display_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _register_sqlite_adapters()
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(f"cannot open database {display_url(url)}: {reason}") from exc
    return engine


def alembic_config(engine: Engine | None = None):
    """An Alembic Config for the migrations shipped in this package."""
    from alembic.config import Config

    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Create or upgrade the schema; returns (revision before, revision after)."""
    from alembic import command

    from .views import create_views, drop_views

    before = current_revision(engine)
    if revision == "head" and before == head_revision():
        return before, before  # the common case: nothing to do, skip Alembic's machinery
    if before is None and inspect(engine).has_table("pages"):
        raise StorageError(
            f"database {display_url(str(engine.url))} has harvester tables but no migration record"
        )
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            # views are derived: off while migrations rebuild tables, back at the head
            drop_views(connection)
            command.upgrade(config, revision)
            if revision == "head":
                drop_views(connection)
                create_views(connection)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(f"cannot upgrade database {display_url(str(engine.url))}: {reason}") from exc
    return before, current_revision(engine) or ""
