"""One harvest of a site at a time, across processes and hosts, in the archive database itself.

A row of ``harvest_locks`` per site being harvested names its holder (pid, host, since, last
heartbeat). It works the same on SQLite and PostgreSQL because it is only a primary-key insert
and compare-and-swap updates on a random token, never a backend-specific advisory lock, and it
needs no shared file system (cron on one host, Scrapyd on another, one PostgreSQL).

A holder is *stale*, and its lock is taken over with a warning, when
- it runs on this host and its process is gone (SIGKILL, OOM killer, reboot), or
- its heartbeat is older than ``stale_after`` seconds (a holder on another host that died).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .storage import Store
from .storage.models import HarvestLock
from .storage.records import iso, utcnow
from .storage.store import _insert_ignore

log = logging.getLogger(__name__)

#: A heartbeat older than this (seconds) makes a holder on another host stale.
DEFAULT_STALE_AFTER = 600.0


@dataclass(frozen=True)
class Holder:
    site: str
    pid: int
    host: str
    since: datetime
    heartbeat: datetime
    run_id: int | None = None

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return f"pid {self.pid} on {self.host} since {iso(self.since)}{run} (last heartbeat {iso(self.heartbeat)})"


class LockHeld(Exception):
    """Another live harvest of the site holds the lock."""

    def __init__(self, holder: Holder):
        self.holder = holder
        super().__init__(f"{holder.site} is being harvested by another process: {holder.describe()}")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stale_reason(holder: Holder, *, host: str, now: datetime, stale_after: float) -> str | None:
    """Why ``holder`` may be taken over, or None while it is presumably alive."""
    if holder.host == host and not pid_alive(holder.pid):
        return f"process {holder.pid} is gone"
    if now - holder.heartbeat > timedelta(seconds=stale_after):
        return f"no heartbeat for {int((now - holder.heartbeat).total_seconds())} s"
    return None


class SiteLock:
    """The lock of one site in one store: ``acquire()`` or LockHeld, ``heartbeat()``, ``release()``."""

    def __init__(self, store: Store, site: str, *, stale_after: float = DEFAULT_STALE_AFTER,
                 pid: int | None = None, host: str | None = None) -> None:
        self.store = store
        self.site = site
        self.stale_after = stale_after
        self.pid = pid or os.getpid()
        self.host = host or socket.gethostname()
        self.token = uuid.uuid4().hex
        self.held = False
        #: Set when acquire() took over a stale lock: (previous holder, why it was stale).
        self.took_over: tuple[Holder, str] | None = None

    def holder(self) -> Holder | None:
        with self.store.session() as session:
            row = session.get(HarvestLock, self.site)
            return _holder(row) if row is not None else None

    def acquire(self, run_id: int | None = None) -> "SiteLock":
        now = utcnow()
        values = {"site_key": self.site, "token": self.token, "pid": self.pid, "host": self.host,
                  "run_id": run_id, "acquired_at": now, "heartbeat_at": now}
        with self.store.session() as session, session.begin():
            _insert_ignore(session, HarvestLock, values, ["site_key"])
            row = session.get(HarvestLock, self.site)
            if row is not None and row.token == self.token:
                self.held = True
                return self
            if row is None:  # released between our insert and read: try once more below
                current = None
            else:
                current = _holder(row)
                old_token = row.token
        if current is None:
            return self.acquire(run_id)
        reason = stale_reason(current, host=self.host, now=now, stale_after=self.stale_after)
        if reason is None:
            raise LockHeld(current)
        with self.store.session() as session, session.begin():
            # Compare-and-swap: only the row we judged stale; a concurrent taker wins or loses whole.
            result = session.execute(update(HarvestLock).where(
                HarvestLock.site_key == self.site, HarvestLock.token == old_token).values(**values))
            won = result.rowcount == 1
        if not won:
            holder = self.holder()
            if holder is None:
                return self.acquire(run_id)
            raise LockHeld(holder)
        self.held = True
        self.took_over = (current, reason)
        log.warning("%s: took over a stale harvest lock (%s) held by %s", self.site, reason, current.describe())
        return self

    def set_run(self, run_id: int) -> None:
        self._update(run_id=run_id)

    def heartbeat(self) -> bool:
        """Refresh the heartbeat; False if the lock was lost (taken over as stale)."""
        return self._update(heartbeat_at=utcnow())

    def _update(self, **values) -> bool:
        if not self.held:
            return False
        with self.store.session() as session, session.begin():
            result = session.execute(update(HarvestLock).where(
                HarvestLock.site_key == self.site, HarvestLock.token == self.token).values(**values))
        if result.rowcount != 1:
            log.error("%s: the harvest lock was taken over by another process", self.site)
            self.held = False
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        with self.store.session() as session, session.begin():
            session.execute(delete(HarvestLock).where(HarvestLock.site_key == self.site,
                                                      HarvestLock.token == self.token))
        self.held = False


def current_holders(store: Store) -> list[Holder]:
    with store.session() as session:
        return [_holder(row) for row in session.scalars(select(HarvestLock).order_by(HarvestLock.site_key))]


def _holder(row: HarvestLock) -> Holder:
    return Holder(site=row.site_key, pid=row.pid, host=row.host, since=row.acquired_at,
                  heartbeat=row.heartbeat_at, run_id=row.run_id)
