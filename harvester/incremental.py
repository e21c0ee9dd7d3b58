"""Incremental harvests from the archive's own state (no deltafetch, no JOBDIR).

The store pipeline builds a :class:`HarvestPlan` when a crawl opens (what the archive knows about
the site, and whether this run must walk every listing page); the spider asks it, for each
listing entry, whether to skip the detail page, fetch it conditionally or fetch it, and, after
each listing page, whether to follow the pagination. Pure functions and plain data: no Scrapy.

Rules (docs/scheduling.md):
- listing pages are always fetched;
- a known page is skipped without a request when its listing date is unchanged and it was
  fetched less than ``recheck_days`` ago; otherwise it is requested with its stored validators
  (If-None-Match / If-Modified-Since); a 304 only moves its last-seen time;
- pagination stops after a listing page whose entries are all known, except on a full run
  (``--full``), a periodic full sweep (``sweep_days`` after the last complete one) and a resume
  (the previous run of the site did not finish);
- pages are marked gone only after a complete sweep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from .storage.store import KnownFailure, KnownPage

#: Failures that will answer the same until the site changes: retried at the recheck interval,
#: not on every run (other failures, e.g. timeouts, are retried whenever listed).
PERMANENT_FAILURES = frozenset({404, 410})


class Action(str, Enum):
    FETCH = "fetch"
    CONDITIONAL = "conditional"
    SKIP = "skip"


@dataclass
class HarvestPlan:
    """What one crawl of one site knows and may skip."""

    site: str
    #: "incremental" or "full" (every listing page, every known page requested).
    mode: str
    #: Walk every listing page even when incremental (periodic sweep, resume, first harvest).
    walk_all: bool
    #: Why this run walks what it walks, for the log and the run's stats.
    reason: str
    known: dict[str, KnownPage] = field(default_factory=dict)
    failures: dict[str, KnownFailure] = field(default_factory=dict)
    recheck_days: float = 30.0
    conditional: bool = True
    now: datetime | None = None

    @property
    def incremental(self) -> bool:
        return self.mode == "incremental"

    def action(self, url: str, listing_date: str | None) -> Action:
        return detail_action(self.known.get(url), self.failures.get(url), listing_date, now=self.now,
                             recheck_days=self.recheck_days, incremental=self.incremental,
                             conditional=self.conditional)

    def is_fresh(self, url: str, listing_date: str | None) -> bool:
        """An entry the archive does not know yet (or whose listing date moved): a listing page
        holding one keeps the pagination going."""
        known = self.known.get(url)
        if known is None:
            failure = self.failures.get(url)
            return failure is None or failure.status not in PERMANENT_FAILURES
        return known.gone or listing_date_changed(known, listing_date)

    def headers(self, url: str) -> dict[str, str]:
        return conditional_headers(self.known.get(url))


def listing_date_changed(known: KnownPage, listing_date: str | None) -> bool:
    return bool(listing_date) and bool(known.listing_date) and listing_date != known.listing_date


def detail_action(known: KnownPage | None, failure: KnownFailure | None, listing_date: str | None, *,
                  now: datetime | None, recheck_days: float, incremental: bool, conditional: bool) -> Action:
    """What to do with one listed detail page."""
    if known is None or known.gone or known.content_sha256 is None:
        if (incremental and failure is not None and failure.status in PERMANENT_FAILURES
                and recent(failure.last_failed_at, now, recheck_days)):
            return Action.SKIP  # a dead link stays dead until the next recheck
        return Action.FETCH
    if incremental and not listing_date_changed(known, listing_date) and recent(known.last_fetched_at, now, recheck_days):
        return Action.SKIP
    if conditional and (known.etag or known.last_modified):
        return Action.CONDITIONAL
    return Action.FETCH


def recent(when: datetime | None, now: datetime | None, days: float) -> bool:
    if when is None or now is None or days <= 0:
        return False
    return now - when < timedelta(days=days)


def conditional_headers(known: KnownPage | None) -> dict[str, str]:
    """Validators of the stored snapshot; servers prefer If-None-Match when both are sent."""
    headers: dict[str, str] = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def walk_decision(*, full: bool, known_pages: int, previous: dict | None, last_sweep: datetime | None,
                  now: datetime, sweep_days: float) -> tuple[bool, str]:
    """(walk every listing page?, why) for an incremental run."""
    if full:
        return True, "full harvest (--full)"
    if not known_pages:
        return True, "first harvest of the site"
    if previous is not None and previous.get("outcome") != "finished":
        return True, f"resume: run {previous['id']} ended {previous.get('outcome')}"
    if last_sweep is None:
        return True, "no complete sweep recorded yet"
    if sweep_days >= 0 and now - last_sweep >= timedelta(days=sweep_days):
        return True, f"periodic full sweep (last complete sweep {last_sweep.date().isoformat()})"
    return False, "incremental: pagination stops at the first listing page holding only known items"


def build_plan(store, site: str, *, incremental: bool, run_id: int | None, now: datetime,
               recheck_days: float, sweep_days: float, conditional: bool = True) -> HarvestPlan:
    """The plan of one crawl of ``site`` from the archive in ``store`` (a harvester.storage.Store)."""
    known = store.known_pages(site)
    failures = store.known_failures(site)
    if not incremental:
        return HarvestPlan(site, "full", True, "full harvest: every listing page, every known page requested",
                           known, failures, recheck_days, conditional, now)
    walk_all, reason = walk_decision(full=False, known_pages=len(known), previous=store.previous_crawl(site, run_id),
                                     last_sweep=store.last_complete_sweep(site), now=now, sweep_days=sweep_days)
    return HarvestPlan(site, "incremental", walk_all, reason, known, failures, recheck_days, conditional, now)
