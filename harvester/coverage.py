"""Coverage for monitors: per registry body and report year, whether the report was found, found
late (published after its due date), withdrawn (gone from the site, kept in the archive) or is
missing; and the same rolled up over a body and everything below it (a city's districts and
departments), which is the view transparency monitors publish.

Due dates: the 2008 regulation (国务院令第492号, art. 31) asked for the report by 31 March of the
following year; the 2019 revision (国务院令第711号, art. 49) by 31 January. A registry row can set
``params.due = "MM-DD"``. The years a body is expected to cover run from ``params.since`` (else
its earliest report in the archive) to the last year whose report is due by ``today``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select

from .registry import SITES, Body, descendants

STATUSES = ("found", "late", "withdrawn", "missing")


def due_date(year: int, body: Body | None = None) -> dt.date:
    """When the report on ``year`` is due."""
    custom = (body.extra.get("due") if body else None) or ""
    if custom:
        month, day = (int(x) for x in str(custom).split("-"))
        return dt.date(year + 1, month, day)
    return dt.date(year + 1, 3, 31) if year < 2019 else dt.date(year + 1, 1, 31)


@dataclass
class YearStatus:
    year: int
    status: str  # found | late | withdrawn | missing
    due: dt.date
    url: str | None = None
    published: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "status": self.status, "due": self.due.isoformat(), "url": self.url,
                "published": self.published}


@dataclass
class BodyCoverage:
    key: str
    name: str
    level: str
    parent: str | None
    region_code: str
    years: list[YearStatus] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for y in self.years:
            counts[y.status] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "level": self.level, "parent": self.parent,
                "region_code": self.region_code, "counts": self.counts(),
                "years": [y.as_dict() for y in self.years]}


def stored_reports(store: Any) -> dict[str, list[dict]]:
    """site key -> its current reports (year, url, published date, gone) from the archive."""
    from .storage.models import Page, Report

    query = (select(Report.site_key, Report.report_year, Report.url, Report.published_date,
                    Page.last_listing_date, Page.gone_at)
             .join(Page, Page.id == Report.page_id)
             .where(Report.is_current.is_(True), Report.report_year.is_not(None)))
    result: dict[str, list[dict]] = {}
    with store.session() as session:
        for key, year, url, published, listed, gone in session.execute(query):
            result.setdefault(key, []).append({"year": year, "url": url, "published": published or listed,
                                               "gone": gone is not None})
    return result


def body_coverage(body: Body, reports: list[dict], today: dt.date) -> BodyCoverage:
    coverage = BodyCoverage(body.key, body.agency, body.level, body.parent or None, body.region_code)
    since = body.extra.get("since") or min((r["year"] for r in reports), default=None)
    if since is None:
        return coverage
    year = int(since)
    while due_date(year, body) < today:
        due = due_date(year, body)
        of_year = [r for r in reports if r["year"] == year]
        live = [r for r in of_year if not r["gone"]]
        if live:
            first = min(live, key=lambda r: r["published"] or "9999")
            published = (first["published"] or "")[:10] or None
            late = bool(published) and published > due.isoformat()
            coverage.years.append(YearStatus(year, "late" if late else "found", due, first["url"], published))
        elif of_year:
            coverage.years.append(YearStatus(year, "withdrawn", due, of_year[0]["url"], of_year[0]["published"]))
        else:
            coverage.years.append(YearStatus(year, "missing", due))
        year += 1
    return coverage


def rollup(key: str, per_body: dict[str, BodyCoverage]) -> dict[str, Any]:
    """A body and everything below it: counts per status, and per year how many bodies had each."""
    members = [key] + [b.key for b in descendants(key)]
    counts = dict.fromkeys(STATUSES, 0)
    by_year: dict[int, dict[str, int]] = {}
    for member in members:
        cov = per_body.get(member)
        if cov is None:
            continue
        for y in cov.years:
            counts[y.status] += 1
            by_year.setdefault(y.year, dict.fromkeys(STATUSES, 0))[y.status] += 1
    return {"key": key, "name": SITES[key].agency, "bodies": len(members), "counts": counts,
            "by_year": {str(y): c for y, c in sorted(by_year.items())}}


def coverage(store: Any, today: dt.date, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Coverage of the registry bodies ``keys`` (default: all) in the archive ``store``; the
    roll-ups are for those of them that have bodies below them."""
    reports = stored_reports(store)
    wanted = list(keys) if keys else list(SITES)
    per_body = {k: body_coverage(SITES[k], reports.get(k, []), today) for k in wanted}
    # a roll-up counts every body below, asked for or not
    for key in list(per_body):
        for below in descendants(key):
            per_body.setdefault(below.key, body_coverage(below, reports.get(below.key, []), today))
    rollups = [rollup(k, per_body) for k in wanted if descendants(k)]
    return {"today": today.isoformat(), "bodies": [per_body[k].as_dict() for k in wanted], "rollups": rollups}
