"""The archive API used by the store pipeline, the harvest command and re-parse."""

from __future__ import annotations

import hashlib
import logging
import operator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any, Iterable

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from .engine import StorageUnavailable, database_fault, database_url, display_url, make_engine, upgrade
from . import rawpages
from .models import (Body, FetchFailure, HarvestRun, Page, Report, ReportAttachment, ReportStat, SiteRow, Snapshot,
                     StatKey, StatText, UTCDateTime)
from .records import (
    ParsedForStore,
    PreparedOutput,
    changed_fields,
    first_header,
    for_store,
    normalise_headers,
    parse_timestamp,
    prepare_output,
    report_output,
    sanitize,
    utcnow,
)

log = logging.getLogger(__name__)

OUTCOMES = ("new", "changed", "unchanged", "failed")
_RUN_COUNTER = {
    "new": HarvestRun.pages_new,
    "changed": HarvestRun.pages_changed,
    "unchanged": HarvestRun.pages_unchanged,
    "failed": HarvestRun.pages_failed,
    "gone": HarvestRun.pages_gone,
}
_CHUNK = 500  # rows per IN (...) update: well under every backend's parameter limit


@dataclass(frozen=True)
class KnownPage:
    """What an incremental harvest needs to know about a stored page."""

    etag: str | None
    last_modified: str | None
    listing_date: str | None
    last_fetched_at: datetime | None
    content_sha256: str | None
    kind: str | None
    gone: bool


@dataclass(frozen=True)
class KnownFailure:
    """A URL of a site that failed (dead link, timeout) and has no stored page."""

    status: int | None
    last_failed_at: datetime | None


@dataclass
class ParseChange:
    """What storing one parse result did to a page's reports.

    status: "new_report" (the page had no current report), "changed" (new version of the current
    report), "unchanged", "to_nonreport" (the current report stopped being one), "nonreport",
    "skipped" (no parse result), "kept_current" (a crawl fetched new content that is not a report
    — a maintenance page, an empty or broken body — and the current report stays current:
    only a 404/410 on a complete sweep or a new report version retires it; ``reason`` says why).
    """

    status: str
    changed_fields: list[str] = field(default_factory=list)
    new_warnings: list[str] = field(default_factory=list)
    reason: str | None = None


def content_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _insert_ignore(session: Session, model: type, values: dict[str, Any], keys: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: concurrent crawls may store the same body or site."""
    session.execute(_insert_statement(session.get_bind().dialect, model.__table__, tuple(keys)).values(**values))


def _insert_ignore_many(session: Session, model: type, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """One executemany INSERT ... ON CONFLICT DO NOTHING (concurrent writers may add the same)."""
    _executemany(session, model.__table__, rows, conflict_keys=tuple(keys))


def _executemany(session: Session, table: Any, rows: list[dict[str, Any]],
                 conflict_keys: tuple[str, ...] | None = None) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``table`` by the driver's executemany:
    the statement SQLAlchemy compiles for them, each value through its column type's bind
    processor (UTC datetimes, JSON), as ``session.execute(table.insert(), rows)`` sends them,
    without SQLAlchemy's per-row bookkeeping: that cost the store thread more than the INSERTs
    of pages, bodies, snapshots and reports themselves (bench/RESULTS.md, issue 15, store cost).
    ``conflict_keys``: ON CONFLICT (keys) DO NOTHING. Rows that need a column default filled
    in Python go through SQLAlchemy."""
    if not rows:
        return
    connection = session.connection()
    plan = _insert_plan(connection.dialect, table, tuple(rows[0]), conflict_keys)
    if plan is None:
        session.execute(_insert_statement(connection.dialect, table, conflict_keys), rows)
        return
    sql, positional, processors = plan
    if not positional:  # named parameters (psycopg's pyformat)
        values: list = [{name: (process(row[name]) if process else row[name]) for name, process, _ in processors}
                        for row in rows]
    else:
        values = _positional_values(processors, rows)
    connection.exec_driver_sql(sql, values)


def _positional_values(processors: tuple, rows: list[dict[str, Any]]) -> list:
    """The parameter lists of ``rows`` in ``processors``' order, each value through its bind
    processor. The columns are picked by one itemgetter and only the values that need it are
    converted; a datetime (hashable, the same in a row's several time columns and often across a
    batch) is converted once per executemany."""
    get = operator.itemgetter(*(name for name, _, _ in processors))
    if len(processors) == 1:
        return [(get(row),) if processors[0][1] is None else (processors[0][1](get(row)),) for row in rows]
    converted = [(position, process, {} if memoize else None)
                 for position, (_, process, memoize) in enumerate(processors) if process is not None]
    if not converted:
        return [get(row) for row in rows]
    values = []
    for row in rows:
        row_values = list(get(row))
        for position, process, memo in converted:
            value = row_values[position]
            if memo is None:
                row_values[position] = process(value)
            else:
                try:
                    row_values[position] = memo[value]
                except KeyError:
                    row_values[position] = memo[value] = process(value)
        values.append(tuple(row_values))
    return values


def _insert_statement(dialect: Any, table: Any, conflict_keys: tuple[str, ...] | None) -> Any:
    """INSERT into ``table``; with ``conflict_keys``, ON CONFLICT (keys) DO NOTHING."""
    if conflict_keys is None:
        return table.insert()
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict_keys))


_PLANS: dict[tuple, Any] = {}


def _insert_plan(dialect: Any, table: Any, columns: tuple[str, ...], conflict_keys: tuple[str, ...] | None):
    """(SQL, whether its parameters are positional (else named), (name, bind processor, whether
    its values are datetimes) in parameter order) of an INSERT of ``columns``; None where only
    SQLAlchemy can run it (a column default to compute, a paramstyle other than
    qmark/format/pyformat). Cached."""
    key = (dialect.name, dialect.paramstyle, table, columns, conflict_keys)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    plan = None
    given = set(columns)
    needs_default = any(c.default is not None and c.key not in given for c in table.columns)
    if not needs_default and dialect.paramstyle in ("qmark", "format", "pyformat") and given <= set(table.c.keys()):
        compiled = _insert_statement(dialect, table, conflict_keys).compile(dialect=dialect, column_keys=list(columns))
        names = list(compiled.positiontup) if compiled.positional else sorted(compiled.binds)
        if set(names) == given:
            processors = tuple((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect),
                                isinstance(table.c[name].type, UTCDateTime)) for name in names)
            plan = (compiled.string, compiled.positional, processors)
    _PLANS[key] = plan
    return plan


def _positional_mark(dialect: Any) -> str | None:
    """The driver's mark of a positional parameter in SQL sent as it is (sqlite3's ``?``,
    psycopg's ``%s``); None for a paramstyle without one (SQLAlchemy then runs the statement)."""
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)


#: Bound parameters per statement of a multi-row INSERT: under SQLite's historical limit of 999
#: (SQLITE_MAX_VARIABLE_NUMBER before 3.32), far under PostgreSQL's 65,535.
_MAX_PARAMETERS = 999


def _executemany_plain(session: Session, table: Any, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT ``rows`` (tuples of ints, floats, str, None: no type conversion needed) by the
    driver, many rows per statement (``VALUES (...), (...), ...``): SQLAlchemy's per-row
    parameter processing cost more than the insert itself for a batch's thousands of statistic
    rows, and the driver's executemany steps the statement once per row, each step letting go of
    the GIL and taking it back, which the crawl's reactor thread contends for: one step per ~120
    rows instead, and ~20 % less CPU in SQLite (8.0 vs 6.3 ms for a batch's 3,350 rows). The full
    statements go as one executemany of their one SQL text, the rest as one statement."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    marks = _positional_mark(dialect)
    if marks is None:
        session.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = f"({', '.join([marks] * len(columns))})"
    per_statement = max(1, _MAX_PARAMETERS // len(columns))
    whole = len(rows) - len(rows) % per_statement
    if whole:
        # the full statements as one executemany of one SQL text: one call through SQLAlchemy
        # instead of one a statement (a batch of 50 reports has ~30)
        connection.exec_driver_sql(head + ", ".join([one] * per_statement),
                                   [tuple(chain.from_iterable(rows[start:start + per_statement]))
                                    for start in range(0, whole, per_statement)])
    if whole < len(rows):
        chunk = rows[whole:]
        connection.exec_driver_sql(head + ", ".join([one] * len(chunk)), tuple(chain.from_iterable(chunk)))


def _set_current_snapshots(session: Session, snapshot_pages: list[tuple[int, int]]) -> None:
    """pages.current_snapshot_id of (snapshot id, page id) pairs, by the driver's executemany
    (SQLAlchemy's executemany of the same UPDATE processes each row's parameters in Python)."""
    connection = session.connection()
    mark = _positional_mark(connection.dialect)
    table = Page.__table__
    if mark is None:
        session.execute(update(table).where(table.c.id == bindparam("page_id"))
                        .values(current_snapshot_id=bindparam("snapshot_id")),
                        [{"page_id": p, "snapshot_id": s} for s, p in snapshot_pages])
        return
    quote = connection.dialect.identifier_preparer.quote
    connection.exec_driver_sql(f"UPDATE {quote(table.name)} SET {quote(table.c.current_snapshot_id.name)} = {mark} "
                               f"WHERE {quote(table.c.id.name)} = {mark}", snapshot_pages)


def _retryable(exc: BaseException) -> str | None:
    """'deadlock' / 'serialization failure' when PostgreSQL aborted the transaction so that a
    concurrent one could go on: redoing it is the documented remedy."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(getattr(exc, "orig", None), "pgcode", None)
    return {"40P01": "deadlock", "40001": "serialization failure"}.get(code or "")


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(session: Session, table: Any, columns: tuple[str, ...], by: str, values: list,
               equal: dict[str, Any] | None = None, limit: int | None = None) -> list[tuple]:
    """``SELECT columns FROM table WHERE by IN (values) [AND name = value ...] [LIMIT n]`` (plain
    values: no bind processing), ``_CHUNK`` values a statement, by the driver: SQLAlchemy's IN
    expansion and session execution cost ~0.15 ms more a statement, and a batch runs several
    (ids read back, strings numbered). Through SQLAlchemy where the paramstyle is another."""
    connection = session.connection()
    dialect = connection.dialect
    mark = _positional_mark(dialect)
    equal = equal or {}
    found: list[tuple] = []
    for chunk in _chunks(values):
        if mark is None:
            query = select(*(table.c[c] for c in columns)).where(
                table.c[by].in_(chunk), *(table.c[name] == value for name, value in equal.items()))
            found.extend(tuple(row) for row in session.execute(query if limit is None else query.limit(limit)))
        else:
            quote = dialect.identifier_preparer.quote
            sql = (f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} "
                   f"WHERE {quote(by)} IN ({', '.join([mark] * len(chunk))})"
                   + "".join(f" AND {quote(name)} = {mark}" for name in equal)
                   + (f" LIMIT {int(limit)}" if limit is not None else ""))
            found.extend(connection.exec_driver_sql(sql, (*chunk, *equal.values())).fetchall())
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


class Store:
    """The harvester archive on SQLite or PostgreSQL; the schema is created/upgraded on opening."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, read_only: bool = False):
        self.url = database_url(url)
        self.engine: Engine = make_engine(self.url, read_only=read_only)
        if migrate:
            upgrade(self.engine)
        elif read_only:
            _require_head(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._known_sites: set[str] = set()
        self._key_ids: dict[str, int] = {}
        self._text_ids: dict[str, int] = {}
        self._dictionaries = rawpages.Dictionaries()

    def __repr__(self) -> str:
        return f"Store({display_url(self.url)!r})"

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return self.sessions()

    def forget_uncommitted(self) -> None:
        """After a rollback: sites and statistic keys inserted by it are gone again."""
        self._known_sites.clear()
        self._key_ids.clear()
        self._text_ids.clear()
        self._dictionaries.clear()

    # --- runs -------------------------------------------------------------------------------

    def start_run(
        self,
        site: str | None,
        spider: str | None,
        args: dict | None,
        harvester_version: str,
        parser_version: str,
        kind: str = "crawl",
    ) -> int:
        with self.session() as session, session.begin():
            if site:
                self._ensure_site(session, site)
            run = HarvestRun(
                kind=kind,
                site_key=site,
                spider=spider,
                args=sanitize(args or {}),
                harvester_version=harvester_version,
                parser_version=parser_version,
                started_at=utcnow(),
                outcome="running",
            )
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, outcome: str, stats: dict | None, counts: dict | None = None,
                   sweep: str | None = None) -> None:
        """Close a run: outcome, end time, Scrapy stats; ``counts`` overrides the counters kept
        while storing (keys new, changed, unchanged, gone, failed); ``sweep`` says whether the
        crawl walked every listing page ("complete") or stopped early ("partial")."""
        stats = sanitize(stats or {})
        with self.session() as session, session.begin():
            run = session.get(HarvestRun, run_id)
            if run is None:
                log.warning("finish_run: no harvest run %s", run_id)
                return
            run.outcome = outcome
            run.finished_at = utcnow()
            if sweep is not None:
                run.sweep = sweep
            run.stats = stats
            if "downloader/request_count" in stats:
                run.requests = int(stats["downloader/request_count"] or 0)
            if "downloader/response_bytes" in stats:
                run.response_bytes = int(stats["downloader/response_bytes"] or 0)
            for name, value in (counts or {}).items():
                if name in _RUN_COUNTER:
                    setattr(run, f"pages_{name}", int(value))

    def set_run_checks(self, run_id: int, checks: dict) -> None:
        """Store monitoring results (the scheduled-harvest issue's checks) on a run."""
        with self.session() as session, session.begin():
            session.execute(update(HarvestRun).where(HarvestRun.id == run_id).values(checks=sanitize(checks)))

    def abandon_runs(self, site: str, keep: int | None = None) -> list[int]:
        """Runs of ``site`` still marked running (their process was killed: SIGKILL, power loss)
        become "abandoned"; call it while holding the site's lock, so none of them is alive.
        Returns their ids."""
        with self.session() as session, session.begin():
            ids = list(session.scalars(select(HarvestRun.id).where(
                HarvestRun.site_key == site, HarvestRun.kind == "crawl", HarvestRun.outcome == "running",
                HarvestRun.id != (keep or -1))))
            if ids:
                session.execute(update(HarvestRun).where(HarvestRun.id.in_(ids)).values(outcome="abandoned"))
        return ids

    def previous_crawl(self, site: str, before: int | None = None) -> dict[str, Any] | None:
        """The site's latest crawl run before ``before`` (id, outcome, sweep, started/finished)."""
        query = select(HarvestRun).where(HarvestRun.site_key == site, HarvestRun.kind == "crawl")
        if before is not None:
            query = query.where(HarvestRun.id < before)
        with self.session() as session:
            run = session.scalar(query.order_by(HarvestRun.id.desc()).limit(1))
            if run is None:
                return None
            return {"id": run.id, "outcome": run.outcome, "sweep": run.sweep,
                    "started_at": run.started_at, "finished_at": run.finished_at}

    def last_complete_sweep(self, site: str) -> datetime | None:
        """When the site's listings were last walked completely by a finished crawl."""
        with self.session() as session:
            return session.scalar(select(func.max(HarvestRun.finished_at)).where(
                HarvestRun.site_key == site, HarvestRun.kind == "crawl", HarvestRun.sweep == "complete",
                HarvestRun.outcome == "finished"))

    def _count(self, session: Session, run_id: int | None, outcome: str, amount: int = 1) -> None:
        if run_id is None or not amount:
            return
        # by the driver: no run object of these sessions to keep in step, so none of the ORM's
        # per-statement work (about a millisecond), nor Core's statement building (once per batch
        # and outcome, and a crawl's batches are small: ~15 pages at 7 pages/s a site)
        table = HarvestRun.__table__
        column = table.c[_RUN_COUNTER[outcome].key]
        connection = session.connection()
        mark = _positional_mark(connection.dialect)
        if mark is None:
            session.execute(update(table).where(table.c.id == run_id).values({column: column + amount}))
            return
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(f"UPDATE {quote(table.name)} SET {quote(column.name)} = {quote(column.name)} + {mark} "
                                   f"WHERE {quote(table.c.id.name)} = {mark}", (amount, run_id))

    def _ensure_site(self, session: Session, key: str) -> None:
        if key in self._known_sites:
            return
        from ..sites import SITES

        registered = SITES.get(key)
        values = {"key": key, "first_seen_at": utcnow()}
        if registered is not None:
            values.update(
                agency=registered.agency,
                region=registered.region,
                platform=registered.platform,
                entry_url=registered.entry_url,
            )
        _insert_ignore(session, SiteRow, values, ["key"])
        self._known_sites.add(key)

    # --- pages --------------------------------------------------------------------------------

    def save_page(self, item: Any) -> str:
        """Archive one fetched page (a harvester.items.PageItem) in its own transaction.

        Returns "new", "changed", "unchanged" or "failed"; never raises for a bad item. Raises
        :class:`StorageUnavailable` when the database itself fails (disk full, locked, corrupt):
        then nothing can be stored and the crawl must stop, not record "failures" it cannot write.
        """
        if getattr(item, "error", None):
            try:
                self.record_failure(
                    item.site, item.url, item.harvest_run, item.error, status=item.status or None, referer=item.referer
                )
            except Exception as exc:
                fault = database_fault(exc)
                if fault:
                    raise StorageUnavailable(fault) from exc
                raise
            return "failed"
        try:
            with self.session() as session, session.begin():
                if int(getattr(item, "status", 0) or 0) == 304:
                    outcome = self._not_modified(session, item)
                else:
                    outcome = self._save_page(session, item)
                self._count(session, item.harvest_run, outcome)
            return outcome
        except Exception as exc:  # one bad item must never stop the crawl or touch other items
            self.forget_uncommitted()
            fault = database_fault(exc)
            if fault:
                raise StorageUnavailable(fault) from exc
            log.exception("could not store %s", getattr(item, "url", item))
            try:
                self.record_failure(
                    getattr(item, "site", None) or "unknown",
                    getattr(item, "url", None) or "?",
                    getattr(item, "harvest_run", None),
                    f"store failed: {type(exc).__name__}: {exc}",
                    status=getattr(item, "status", None),
                    referer=getattr(item, "referer", None),
                )
            except Exception:
                log.exception("could not record the failure of %s", getattr(item, "url", item))
            return "failed"

    def save_pages(self, items: list[Any]) -> list[str]:
        """Archive a batch of page items in ONE transaction (the crawl's store pipeline): the
        outcome of each, in order, once the batch is committed. Should the batch fail (one item
        the database refuses), it is rolled back and stored item by item (save_page), so a bad
        item costs only itself."""
        if not items:
            return []
        from ..parsing import cyclic_gc_paused

        # The collector paused for the batch: its thousands of rows and unpickled statistics are
        # all freed by reference counting when it ends; with the collector on they set off young
        # collections, and now and then a full one over the whole crawl process, in this thread
        # (~0.14 ms a page of the crawl's store thread; bench/RESULTS.md, issue 15, store thread).
        with cyclic_gc_paused():
            return self._save_pages(items)

    def _save_pages(self, items: list[Any]) -> list[str]:
        for attempt in range(3):
            try:
                return self._save_batch(items)
            except Exception as exc:
                self.forget_uncommitted()
                if _retryable(exc) and attempt < 2:
                    # PostgreSQL chose this transaction as a deadlock victim (another worker of a
                    # distributed harvest wrote the same rows): the batch is simply redone.
                    log.warning("batch of %d items: %s; retrying", len(items), _retryable(exc))
                    continue
                fault = database_fault(exc)
                if fault:  # disk full, locked, corrupt: item by item would fail the same way
                    raise StorageUnavailable(fault) from exc
                log.warning("batch of %d items failed (%s: %s); storing them one by one", len(items),
                            type(exc).__name__, exc)
                return [self.save_page(item) for item in items]
        raise AssertionError("unreachable")

    def _save_batch(self, items: list[Any]) -> list[str]:
        outcomes: list[str] = []
        counts: dict[tuple[int | None, str], int] = {}
        with self.session() as session, session.begin():
            # Dictionary strings of the whole batch first, in one sorted order: concurrent writers
            # then lock them in the same order (no deadlock between two workers' batches).
            keys: set[str] = set()
            texts: set[str] = set()
            for item in items:
                result = for_store(item.result)
                if result is not None:
                    more_keys, more_texts = result.stat_strings()
                    keys |= more_keys
                    texts |= more_texts
            if keys:
                self._numbers(session, StatKey, StatKey.key, self._key_ids, keys)
                self._numbers(session, StatText, StatText.text, self._text_ids, texts)
            # A first harvest's batches are new pages only: written with one executemany per
            # table (Core, no ORM unit of work), the same rows as save_page writes one by one.
            fresh = self._all_new_pages(session, items)
            for item in items:
                if getattr(item, "error", None):
                    self._record_failure(session, item.site, item.url, item.harvest_run, item.error,
                                         status=item.status or None, referer=item.referer)
                    outcome = "failed"
                elif fresh:
                    outcome = "new"
                elif int(getattr(item, "status", 0) or 0) == 304:
                    outcome = self._not_modified(session, item)
                else:
                    outcome = self._save_page(session, item)
                outcomes.append(outcome)
                key = (item.harvest_run, outcome)
                counts[key] = counts.get(key, 0) + 1
            if fresh:
                self._insert_new_pages(session, fresh)
            for (run_id, outcome), amount in sorted(counts.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
                self._count(session, run_id, outcome, amount)
        return outcomes

    def _all_new_pages(self, session: Session, items: list[Any]) -> list[Any]:
        """The batch's fetched pages when every one of them is a page not stored yet (and no URL
        comes twice): they can be inserted in bulk. Empty otherwise (stored item by item)."""
        pages = [item for item in items if not getattr(item, "error", None)]
        if not pages or any(int(getattr(item, "status", 0) or 0) == 304 for item in pages):
            return []
        urls = [item.url for item in pages]
        if len(set(urls)) != len(urls):
            return []
        if _select_in(session, Page.__table__, ("id",), "url", urls, limit=1):
            return []
        return pages

    def _insert_new_pages(self, session: Session, items: list[Any]) -> None:
        """New pages, their bodies, snapshots and reports in one executemany per table: what
        ``_save_page`` + ``apply_parse`` write for a page never stored (outcome "new", reason
        "new_page", report version 1), in the batch's order."""
        pages, bodies, snapshots, shas = [], [], [], []
        results = [for_store(item.result) for item in items]
        for item, result in zip(items, results):
            self._ensure_site(session, item.site)
            pages.append(_page_values(item))
            body: bytes = item.body or b""
            sha = _body_sha256(body, result)
            shas.append(sha)
            bodies.append(self._body_values(session, item.site, sha, body))
        page_ids = self._insert_ids(session, Page, pages, "url")
        _insert_ignore_many(session, Body, bodies, ["sha256"])
        for item, result, page_id, sha in zip(items, results, page_ids, shas):
            snapshots.append(_snapshot_values(item, page_id, sha, result))
        snapshot_ids = self._insert_ids(session, Snapshot, snapshots, "page_id")
        _set_current_snapshots(session, list(zip(snapshot_ids, page_ids)))
        reports, prepared = [], []
        for item, result, page_id, snapshot_id in zip(items, results, page_ids, snapshot_ids):
            if result is None or result.kind != "report":
                continue  # apply_parse: "skipped" / "nonreport" for a new page, no row
            rows = result.report_rows()  # a parse worker's, unless its report was read since
            prepared.append(rows)
            reports.append(_version_values(page_id, item.site, item.url, snapshot_id, None, rows,
                                           item.harvest_run, "new_page", []))
        if not reports:
            return
        report_ids = self._insert_ids(session, Report, reports, "page_id", {"version": 1})
        self._insert_report_rows(session, list(zip(report_ids, prepared)))  # strings numbered first (_save_batch)

    @staticmethod
    def _insert_ids(session: Session, model: type, rows: list[dict[str, Any]], by: str,
                    equal: dict[str, Any] | None = None) -> list[int]:
        """One executemany INSERT of ``rows``, then their new ids in the rows' order, read back by
        ``by`` (a column unique among them, with the columns of ``equal`` equal to its values). Not
        INSERT ... RETURNING: SQLAlchemy runs that one row at a time on SQLite when the order must
        be kept."""
        table = model.__table__
        _executemany(session, table, rows)
        keys = [row[by] for row in rows]
        ids = dict(_select_in(session, table, (by, "id"), by, keys, equal))
        return [ids[key] for key in keys]

    def _save_page(self, session: Session, item: Any) -> str:
        fetched_at = parse_timestamp(item.fetched_at)
        body: bytes = item.body or b""
        result = for_store(item.result)
        sha = _body_sha256(body, result)
        run_id = item.harvest_run
        self._ensure_site(session, item.site)

        # Statements per new page: select page, insert page, insert body, insert snapshot, update
        # page + insert report, insert stats, insert attachments, update run counter. A page
        # created here has no snapshot and no report yet: those lookups are skipped.
        page = session.scalar(select(Page).where(Page.url == item.url))
        new_page = page is None
        if new_page:
            page = Page(**_page_values(item))
            session.add(page)
            session.flush()
        else:
            _fetched_again(page, item, fetched_at)
            page.fetch_count = (page.fetch_count or 0) + 1

        encoding = getattr(item, "encoding", None)
        snapshot = None if new_page else session.scalar(
            select(Snapshot).where(Snapshot.page_id == page.id, Snapshot.content_sha256 == sha))
        if snapshot is not None:
            # Same bytes as before: no new row, only the counters move.
            snapshot.last_fetched_at = max(snapshot.last_fetched_at, fetched_at)
            snapshot.fetch_count = (snapshot.fetch_count or 0) + 1
            snapshot.last_run_id = run_id
            snapshot.encoding = snapshot.encoding or encoding
            outcome = "unchanged" if page.current_snapshot_id == snapshot.id else "changed"
            # Same bytes as the current snapshot: a new version can only come from a newer parser.
            reason = "new_snapshot" if outcome == "changed" else "parser_update"
        else:
            _insert_ignore(session, Body, self._body_values(session, page.site_key, sha, body), ["sha256"])
            # the parser's classification is part of the INSERT, not a later UPDATE
            snapshot = Snapshot(**_snapshot_values(item, page.id, sha, result))
            session.add(snapshot)
            session.flush()
            outcome = "changed" if page.current_snapshot_id is not None else "new"
            reason = "new_snapshot" if page.current_snapshot_id is not None else "new_page"
        page.current_snapshot_id = snapshot.id
        change = self.apply_parse(session, page, snapshot, result, run_id, reason, new_page=new_page)
        if change.status == "kept_current":
            item.kept_report = change.reason
        return outcome

    def _not_modified(self, session: Session, item: Any) -> str:
        """A conditional request answered 304: the stored content is still current. Only the
        page's and the current snapshot's last-seen/last-fetched times move: no body, no new
        snapshot, no parse."""
        page = session.scalar(select(Page).where(Page.url == item.url))
        if page is None or page.current_snapshot_id is None:
            raise ValueError(f"304 Not Modified for a page never stored: {item.url}")
        fetched_at = parse_timestamp(item.fetched_at)
        _fetched_again(page, item, fetched_at)
        snapshot = session.get(Snapshot, page.current_snapshot_id)
        snapshot.last_fetched_at = max(snapshot.last_fetched_at, fetched_at)
        snapshot.last_run_id = item.harvest_run
        return "unchanged"

    def _body_values(self, session: Session, site_key: str, sha: str, body: bytes) -> dict[str, Any]:
        """The columns of a stored body (both write paths): zstd with the site's dictionary
        (harvester.storage.rawpages), so that its chrome is stored once per site. Written for a
        new snapshot only, whose bytes are almost always new: no select first, the INSERT ... ON
        CONFLICT DO NOTHING keeps the body stored once."""
        now = utcnow()
        dictionary_id, dictionary = self._dictionaries.for_site(session, site_key, body, now)
        return {"sha256": sha, "size": len(body), "compression": "zstd", "data": rawpages.compress(body, dictionary),
                "dictionary_id": dictionary_id, "created_at": now}

    def body(self, sha256: str) -> bytes | None:
        """The raw bytes stored under ``sha256``."""
        with self.session() as session:
            return load_body(session, sha256)

    # --- parse results ------------------------------------------------------------------------

    def apply_parse(
        self,
        session: Session,
        page: Page,
        snapshot: Snapshot,
        result: Any,
        run_id: int | None,
        reason: str,
        *,
        new_page: bool = False,
    ) -> ParseChange:
        """Record a parse result (a ParseResult or a records.ParsedForStore) of ``snapshot`` (the
        page's current snapshot): the snapshot's kind, and a new report version when the output
        or the snapshot differs from the current version. ``new_page``: the page was created in
        this transaction, so it has no report yet (no lookups)."""
        result = for_store(result)
        if result is None:
            if reason == "new_snapshot" and self._has_current_report(session, page):
                return ParseChange("kept_current", reason="new content could not be cleaned or parsed (empty or broken body)")
            return ParseChange("skipped")
        parser_version = _classify(snapshot, result)
        # The current version, if any, is always the page's latest one (a new version is made
        # current and the previous current one retired; versions never become current again):
        # one lookup gives the current version, the previous one and the last version number.
        latest = None if new_page else session.scalar(
            select(Report).where(Report.page_id == page.id).order_by(Report.version.desc()).limit(1))
        current = latest if latest is not None and latest.is_current else None
        if result.kind != "report":
            if current is None:
                return ParseChange("nonreport")
            if reason == "new_snapshot":
                # A known report answering something else (maintenance page, error text with
                # status 200) is not evidence it was withdrawn: keep it, let the alert tell.
                return ParseChange("kept_current", reason=f"new content is not a report ({result.kind}: {result.reason})")
            current.is_current = False
            session.flush()
            return ParseChange("to_nonreport")

        prepared = prepare_output(result.item, pack=False)  # packed only for a new version
        if current is not None and current.snapshot_id == snapshot.id and current.output_sha256 == prepared.digest:
            current.checked_parser_version = parser_version
            return ParseChange("unchanged")

        previous = latest
        old_output = self._report_output(session, previous) if previous is not None else None
        fields, new_warnings = _differences(old_output, prepared.output)
        if current is not None:
            current.is_current = False
            session.flush()  # the partial unique index allows one current version per page
        report = Report(**_version_values(
            page.id, page.site_key, page.url, snapshot.id, latest, prepared.pack(), run_id,
            reason if current is not None or previous is None else "reclassified", fields))
        session.add(report)
        session.flush()
        self._insert_report_rows(session, [(report.id, prepared)])
        return ParseChange("changed" if current is not None else "new_report", fields, new_warnings)

    def apply_parses(self, session: Session, parsed: list["ParsedPage"], run_id: int | None,
                     reason: str) -> list[ParseChange]:
        """apply_parse for many pages of known snapshots at once (re-parse): the same versions,
        rows and ParseChanges, in a few statements per batch instead of ~10 per page, and no ORM
        objects. The parsed pages were prepared (ParsedPage.prepare) before the transaction,
        so that it stays short: SQLite has one writer, and parallel re-parse workers wait for
        each other's transactions (bench/RESULTS.md, issue 15, figure 7a)."""
        latest = self.latest_versions(session, [p.page_id for p in parsed])
        changes: list[ParseChange | None] = []
        kinds: list[dict[str, Any]] = []
        checked: list[dict[str, Any]] = []
        retire: list[int] = []
        new: list[tuple[int, ParsedPage, Any]] = []  # (position in parsed, page, its latest version)
        for position, page in enumerate(parsed):
            result = for_store(page.result)
            if result is None:
                changes.append(ParseChange("skipped"))
                continue
            classification = _classification(result)
            parser_version = classification["parser_version"]
            if page.stored_kind != tuple(classification.values()):
                kinds.append({"id": page.snapshot_id, **classification})
            last = latest.get(page.page_id)
            current = last if last is not None and last.is_current else None
            if result.kind != "report":
                if current is not None:
                    retire.append(current.id)
                changes.append(ParseChange("nonreport" if current is None else "to_nonreport"))
                continue
            if current is not None and current.snapshot_id == page.snapshot_id and current.output_sha256 == page.digest:
                if current.checked_parser_version != parser_version:
                    checked.append({"id": current.id, "checked_parser_version": parser_version})
                changes.append(ParseChange("unchanged"))
                continue
            if current is not None:
                retire.append(current.id)
            new.append((position, page, last))
            changes.append(None)  # filled once the previous version's output is read
        old_outputs = self._outputs(session, [last.id for _, _, last in new if last is not None])
        rows = []
        for position, page, last in new:
            prepared = page.prepare(pack=True)
            old_output = old_outputs.get(last.id) if last is not None else None
            fields, new_warnings = _differences(old_output, prepared.output)
            current = last if last is not None and last.is_current else None
            changes[position] = ParseChange("changed" if current is not None else "new_report", fields, new_warnings)
            rows.append(_version_values(
                page.page_id, page.site_key, page.url, page.snapshot_id, last, prepared, run_id,
                reason if current is not None or last is None else "reclassified", fields))
        # Dictionary strings first, in one sorted order (as _save_batch: no deadlock between workers).
        self._number_stats(session, [row for _, page, _ in new for row in page.prepared.stats])
        if kinds:
            session.execute(update(Snapshot), kinds)
        if checked:
            session.execute(update(Report), checked)
        for ids in _chunks(sorted(retire)):  # before the inserts: one current version per page
            session.execute(update(Report.__table__).where(Report.id.in_(ids)).values(is_current=False))
        if rows:
            table = Report.__table__
            ids = dict((page_id, report_id) for report_id, page_id in session.execute(
                table.insert().returning(table.c.id, table.c.page_id), rows))
            self._insert_report_rows(session, [(ids[page.page_id], page.prepared) for _, page, _ in new])
        return changes  # type: ignore[return-value]

    @staticmethod
    def latest_versions(session: Session, page_ids: Iterable[int]) -> dict[int, Any]:
        """page id -> its latest report version (id, version, is_current, snapshot_id,
        output_sha256, checked_parser_version; rows, not ORM objects), for pages that have one.
        The current version, if any, is always the latest (see apply_parse)."""
        columns = (Report.id, Report.page_id, Report.version, Report.is_current, Report.snapshot_id,
                   Report.output_sha256, Report.checked_parser_version)
        latest: dict[int, Any] = {}
        for chunk in _chunks(sorted(set(page_ids))):
            for row in session.execute(select(*columns).where(Report.page_id.in_(chunk))
                                       .order_by(Report.page_id, Report.version)):
                latest[row.page_id] = row
        return latest

    @staticmethod
    def _outputs(session: Session, report_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The parser outputs of stored report versions (what a new version is compared with)."""
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(sorted(report_ids)):
            for row in session.execute(select(Report.__table__).where(Report.id.in_(chunk))):
                found[row.id] = report_output(row)
        return found

    def _number_stats(self, session: Session, stats: list[tuple]) -> None:
        """Numbers of the statistic keys, labels and sections of ``stats`` (records.stat_rows),
        new ones added."""
        if stats:
            self._numbers(session, StatKey, StatKey.key, self._key_ids, {key for _, key, *_ in stats})
            self._numbers(session, StatText, StatText.text, self._text_ids,
                          {text for *_, label, section in stats for text in (label, section) if text})

    _STAT_COLUMNS = ("report_id", "position", "key_id", "value", "unit", "source", "label_id", "section_id")

    def _insert_stats(self, session: Session, reports: list[tuple[int, list[tuple]]]) -> None:
        """report_stats rows of (report id, stat_rows) pairs: plain tuples written by the driver's
        executemany (~70 statistics per report). Their strings are numbered here only when the
        caller has not numbered them all (a batch numbers its strings first, in one sorted order)."""
        try:
            values = self._stat_values(reports)
        except KeyError:  # a string not numbered yet
            self._number_stats(session, [row for _, stats in reports for row in stats])
            values = self._stat_values(reports)
        if values:
            _executemany_plain(session, ReportStat.__table__, self._STAT_COLUMNS, values)

    def _stat_values(self, reports: list[tuple[int, list[tuple]]]) -> list[tuple]:
        """The report_stats tuples of (report id, stat_rows) pairs; KeyError for a string not numbered."""
        key_ids, text_ids = self._key_ids, self._text_ids
        return [(report_id, position, key_ids[key], value, unit, source,
                 text_ids[label] if label else None, text_ids[section] if section else None)
                for report_id, stats in reports for position, key, value, unit, source, label, section in stats]

    def _insert_report_rows(self, session: Session, reports: list[tuple[int, PreparedOutput]]) -> None:
        """The statistic and attachment rows of new report versions (report id, packed
        PreparedOutput): every write path's, after its reports rows."""
        self._insert_stats(session, [(report_id, prepared.stats) for report_id, prepared in reports])
        attachments = [dict(row, report_id=report_id) for report_id, prepared in reports for row in prepared.attachments]
        if attachments:
            session.execute(ReportAttachment.__table__.insert(), attachments)

    @staticmethod
    def _has_current_report(session: Session, page: Page) -> bool:
        return session.scalar(select(Report.id).where(Report.page_id == page.id, Report.is_current.is_(True))
                              .limit(1)) is not None

    @staticmethod
    def _report_output(session: Session, report: Report) -> dict[str, Any]:
        return report_output(report)

    def _numbers(self, session: Session, model: type, column: Any, cache: dict[str, int],
                 values: set[str]) -> dict[str, int]:
        """Numbers of dictionary strings (stat_keys, stat_texts), new ones added; cached per Store
        (cleared when a transaction that may have added some is rolled back)."""
        missing = sorted(v for v in values if v not in cache)
        if missing:
            _insert_ignore_many(session, model, [{column.key: v} for v in missing], [column.key])
            cache.update(_select_in(session, model.__table__, (column.key, "id"), column.key, missing))
        return cache

    # --- failures, gone pages, incremental state -----------------------------------------------

    def record_failure(
        self,
        site: str,
        url: str,
        run_id: int | None,
        error: str,
        status: int | None = None,
        referer: str | None = None,
    ) -> None:
        """Record a URL that could not be fetched or stored (one row per URL, updated)."""
        with self.session() as session, session.begin():
            self._record_failure(session, site, url, run_id, error, status, referer)
            self._count(session, run_id, "failed")

    def _record_failure(self, session: Session, site: str, url: str, run_id: int | None, error: str,
                        status: int | None = None, referer: str | None = None) -> None:
        now = utcnow()
        self._ensure_site(session, site)
        failure = session.scalar(select(FetchFailure).where(FetchFailure.url == url))
        if failure is None:
            failure = FetchFailure(site_key=site, url=url, first_failed_at=now, failure_count=0, error="")
            session.add(failure)
        failure.status = _int_or_none(status)
        failure.error = sanitize(str(error))[:4000]
        failure.referer = sanitize(referer)
        failure.last_failed_at = now
        failure.failure_count = (failure.failure_count or 0) + 1
        failure.last_run_id = run_id
        log.info("recorded failure of %s: %s", url, error)

    def mark_gone(self, site: str, seen_urls: set[str], run_id: int | None) -> int:
        """Mark pages of ``site`` not linked any more (not in ``seen_urls``) as gone; pages linked
        again lose their mark and are seen now. Nothing is deleted. Returns the number newly gone."""
        now = utcnow()
        seen = set(seen_urls)
        with self.session() as session, session.begin():
            to_mark: list[int] = []
            to_revive: list[int] = []
            rows = session.execute(
                select(Page.id, Page.url, Page.gone_at).where(Page.site_key == site).execution_options(yield_per=2000)
            )
            for page_id, url, gone_at in rows:
                if url in seen:
                    to_revive.append(page_id)
                elif gone_at is None:
                    to_mark.append(page_id)
            for ids in _chunks(to_mark):
                session.execute(update(Page).where(Page.id.in_(ids)).values(gone_at=now, gone_run_id=run_id))
            for ids in _chunks(to_revive):
                session.execute(update(Page).where(Page.id.in_(ids)).values(gone_at=None, gone_run_id=None, last_seen_at=now))
            self._count(session, run_id, "gone", len(to_mark))
        return len(to_mark)

    def mark_seen(self, site: str, urls: Iterable[str]) -> int:
        """Known pages an incremental harvest found linked but did not fetch: last_seen_at = now
        (and no longer gone). Returns the number of pages touched."""
        now = utcnow()
        urls = sorted(set(urls))
        touched = 0
        with self.session() as session, session.begin():
            for chunk in _chunks(urls):
                result = session.execute(update(Page).where(Page.site_key == site, Page.url.in_(chunk)).values(
                    last_seen_at=now, gone_at=None, gone_run_id=None))
                touched += result.rowcount or 0
        return touched

    def known_failures(self, site: str) -> dict[str, KnownFailure]:
        """url -> KnownFailure for the URLs of ``site`` that failed and were never stored since."""
        query = (
            select(FetchFailure.url, FetchFailure.status, FetchFailure.last_failed_at)
            .outerjoin(Page, Page.url == FetchFailure.url)
            .where(FetchFailure.site_key == site, Page.id.is_(None))
        )
        with self.session() as session:
            return {url: KnownFailure(status, failed_at) for url, status, failed_at in session.execute(query)}

    def report_years(self, site: str) -> set[int]:
        """Years of the site's current reports (the missing-report monitor)."""
        with self.session() as session:
            return {y for y in session.scalars(select(Report.report_year).distinct().where(
                Report.site_key == site, Report.is_current.is_(True), Report.report_year.is_not(None)))}

    def known_pages(self, site: str) -> dict[str, KnownPage]:
        """url -> KnownPage for every stored page of ``site`` (incremental harvests)."""
        query = (
            select(
                Page.url,
                Snapshot.etag,
                Snapshot.last_modified,
                Page.last_listing_date,
                Page.last_fetched_at,
                Snapshot.content_sha256,
                Snapshot.kind,
                Page.gone_at,
            )
            .outerjoin(Snapshot, Snapshot.id == Page.current_snapshot_id)
            .where(Page.site_key == site)
            .execution_options(yield_per=2000)
        )
        with self.session() as session:
            return {
                url: KnownPage(etag, last_modified, listing_date, fetched, sha, kind, gone_at is not None)
                for url, etag, last_modified, listing_date, fetched, sha, kind, gone_at in session.execute(query)
            }


@dataclass
class ParsedPage:
    """A parse result of a stored page's snapshot, to store with Store.apply_parses. What only
    needs CPU (JSON-safe output, digest, packed blob, statistic rows) is made by prepare(),
    which re-parse calls before opening the write transaction."""

    page_id: int
    snapshot_id: int
    site_key: str
    url: str
    result: Any
    #: The snapshot's (kind, kind_reason, parser_version) as stored: updated only when they differ.
    stored_kind: tuple[str | None, str | None, str | None] = (None, None, None)
    #: records.prepare_output of the report: the digest first, the rows once they are needed.
    prepared: PreparedOutput | None = None

    @property
    def digest(self) -> str:
        return self.prepare().digest

    def prepare(self, pack: bool = False) -> PreparedOutput:
        """Output and digest of a report (what tells a change); with ``pack``, also what a new
        version stores (an unchanged report is never packed). Idempotent."""
        if self.prepared is None:
            self.prepared = prepare_output(self.result.item, pack=False)
        return self.prepared.pack() if pack else self.prepared


def _page_values(item: Any) -> dict[str, Any]:
    """The columns of a page stored for the first time from ``item`` (both write paths)."""
    fetched_at = parse_timestamp(item.fetched_at)
    return {"site_key": item.site, "url": item.url, "first_seen_at": fetched_at, "last_seen_at": fetched_at,
            "last_fetched_at": fetched_at, "fetch_count": 1, **_listing_values(item)}


def _listing_values(item: Any) -> dict[str, str | None]:
    """What the listing said of the page (None where it said nothing)."""
    return {"last_listing_title": sanitize(item.listing_title) if item.listing_title else None,
            "last_listing_date": sanitize(item.listing_date) if item.listing_date else None}


def _fetched_again(page: Page, item: Any, fetched_at: datetime) -> None:
    """A stored page fetched again (new content or 304): seen and fetched now, the listing's
    words if it had any, and back from the dead if it was gone."""
    page.last_seen_at = max(page.last_seen_at, fetched_at)
    page.last_fetched_at = max(page.last_fetched_at or fetched_at, fetched_at)
    for name, value in _listing_values(item).items():
        if value:
            setattr(page, name, value)
    if page.gone_at is not None:  # linked and fetched again: back from the dead
        page.gone_at = None
        page.gone_run_id = None


def _body_sha256(body: bytes, result: ParsedForStore | None) -> str:
    """The body's SHA-256: the parse's when it computed it (a parse worker), else computed here."""
    return (result.content_sha256 if result is not None else None) or content_sha256(body)


def _snapshot_values(item: Any, page_id: int, sha: str, result: ParsedForStore | None) -> dict[str, Any]:
    """The columns of a new snapshot of ``item``'s body, with the parser's classification (both
    write paths)."""
    fetched_at = parse_timestamp(item.fetched_at)
    headers = normalise_headers(item.headers)
    run_id = item.harvest_run
    return {"page_id": page_id, "content_sha256": sha, "fetched_at": fetched_at, "last_fetched_at": fetched_at,
            "fetch_count": 1, "status": int(item.status), "final_url": sanitize(item.final_url), "headers": headers,
            "referer": sanitize(item.referer), "etag": first_header(headers, "etag"),
            "last_modified": first_header(headers, "last-modified"), "encoding": getattr(item, "encoding", None),
            "listed_url": sanitize(getattr(item, "listed_url", None)), "renderer": item.renderer,
            "harvest_run_id": run_id, "last_run_id": run_id, **_classification(result)}


def _classification(result: ParsedForStore | None) -> dict[str, str | None]:
    """The snapshot columns a parse result sets: kind, kind_reason, parser_version (None
    without a result)."""
    if result is None:
        return {"kind": None, "kind_reason": None, "parser_version": None}
    return {"kind": result.kind, "kind_reason": sanitize(result.reason), "parser_version": result.stored_parser_version()}


def _classify(snapshot: Snapshot, result: ParsedForStore | None) -> str | None:
    """The parser's classification on the snapshot; returns the parser version (None without a
    parse result)."""
    if result is None:
        return None
    for name, value in _classification(result).items():
        setattr(snapshot, name, value)
    return snapshot.parser_version


def _differences(old_output: dict[str, Any] | None, output: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The fields a new report version changed and the warnings it added (ParseChange)."""
    old_warnings = set((old_output or {}).get("warnings") or [])
    return changed_fields(old_output, output), [w for w in output.get("warnings") or [] if w not in old_warnings]


def _version_values(page_id: int, site_key: str, url: str, snapshot_id: int, latest: Any, prepared: PreparedOutput,
                    run_id: int | None, created_reason: str, fields: list[str]) -> dict[str, Any]:
    """The columns of a new current report version (after ``latest``, the page's latest one, if
    any) from its packed rows (every write path's)."""
    return dict(
        page_id=page_id,
        snapshot_id=snapshot_id,
        version=(latest.version if latest is not None else 0) + 1,
        is_current=True,
        parser_version=prepared.parser_version,
        checked_parser_version=prepared.parser_version,
        output_sha256=prepared.digest,
        created_at=utcnow(),
        created_run_id=run_id,
        created_reason=created_reason,
        changed_fields=fields,
        site_key=site_key,
        url=url,
        **prepared.row_values,
    )


def _require_head(engine: Engine) -> None:
    """A read-only database cannot be upgraded: refuse one at an older schema revision clearly."""
    from .engine import StorageError, current_revision, head_revision

    try:
        revision = current_revision(engine)
    except Exception as exc:
        engine.dispose()
        raise StorageError(f"cannot read database {display_url(str(engine.url))}: "
                           f"{database_fault(exc) or exc}") from exc
    if revision != head_revision():
        engine.dispose()
        raise StorageError(f"database {display_url(str(engine.url))} is read-only and at schema revision "
                           f"{revision or 'none'}, not {head_revision()}: upgrade a writable copy "
                           "(`harvester db upgrade --db COPY`)")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def load_body(session: Session, sha256: str) -> bytes | None:
    row = session.execute(select(Body.compression, Body.data, Body.dictionary_id).where(Body.sha256 == sha256)).first()
    if row is None:
        return None
    compression, data, dictionary_id = row
    dictionary = rawpages.session_dictionaries(session).get(session, dictionary_id) if dictionary_id is not None else None
    return rawpages.decompress(compression, data, dictionary)
