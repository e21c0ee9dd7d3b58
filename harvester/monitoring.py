"""Checks run after each harvest of a site; their results are stored with the run
(``harvest_runs.checks``), printed by ``harvester harvest`` and listed by ``harvester runs``.

Plain functions over the crawl's stats and the archive, not Spidermon: the checks need the
archive (which report years of the body are stored, whatever run stored them), must give the
same JSON for ``scrapy crawl``, ``harvester harvest`` and Scrapyd jobs, and four small functions
are easier to read and test than a unittest-based monitor suite with its own action framework.

Statuses: ``ok``; ``alert`` (someone should look, the harvest itself worked: many reports with
warnings, last year's report missing after its due date); ``fail`` (the site is broken for us:
no report at all, too many errors) — a failing check makes ``harvester harvest`` exit non-zero.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Iterable

OK, ALERT, FAIL = "ok", "alert", "fail"
#: A check that could not be judged this run (e.g. the missing-report check of an unreachable site).
SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    message: str
    value: float | int | None = None
    threshold: float | int | str | None = None


def due_date(report_year: int) -> date:
    """When the report on ``report_year`` is due: 31 January of the next year under the 2019
    regulation (report years 2019 on), 31 March under the 2008 one."""
    return date(report_year + 1, 1, 31) if report_year >= 2019 else date(report_year + 1, 3, 31)


def reports_seen(stats: dict[str, Any]) -> int:
    """Reports parsed this run plus known reports the run found listed and did not re-download
    (skipped or answered 304): an incremental run of an unchanged site still sees its reports."""
    return int(stats.get("harvester/reports") or 0) + int(stats.get("harvester/known_reports") or 0)


def check_reports(stats: dict[str, Any]) -> Check:
    seen = reports_seen(stats)
    if seen == 0 and not listings_read(stats):
        error = stats.get("harvester/listing_error")
        return Check("reports", FAIL, "zero reports: no listing page could be read ("
                     + (f"{error}" if error else "site unreachable") + ")", 0, 1)
    if seen == 0:
        return Check("reports", FAIL, "zero reports: the listings gave no report (layout changed or site broken)", 0, 1)
    return Check("reports", OK, f"{seen} reports listed ({int(stats.get('harvester/reports') or 0)} parsed)", seen, 1)


def check_error_ratio(stats: dict[str, Any], max_ratio: float) -> Check:
    errors = sum(int(stats.get(k) or 0) for k in ("harvester/failed", "harvester/listing_errors",
                                                     "harvester/listing_unreachable"))
    attempts = sum(int(stats.get(k) or 0) for k in ("harvester/listing_pages", "harvester/detail_pages",
                                                       "harvester/fetch_failures"))
    ratio = errors / attempts if attempts else 0.0
    status = FAIL if ratio > max_ratio else OK
    return Check("error_ratio", status, f"{errors} errors in {attempts} fetches ({ratio:.0%}, limit {max_ratio:.0%})",
                 round(ratio, 4), max_ratio)


def check_warning_share(stats: dict[str, Any], max_share: float) -> Check:
    parsed = int(stats.get("harvester/reports") or 0)
    warned = int(stats.get("harvester/reports_with_warnings") or 0)
    if not parsed:
        return Check("warning_share", OK, "no report parsed this run", None, max_share)
    share = warned / parsed
    status = ALERT if share > max_share else OK
    return Check("warning_share", status, f"{warned} of {parsed} parsed reports with warnings ({share:.0%}, "
                 f"limit {max_share:.0%})", round(share, 4), max_share)


def check_kept_reports(stats: dict[str, Any]) -> Check:
    """Known reports that answered something else (maintenance page, empty body) were kept current;
    someone should look whether the site withdrew them (docs/reliability.md)."""
    kept = int(stats.get("harvester/kept_reports") or 0)
    if kept:
        return Check("kept_reports", ALERT, f"{kept} known reports answered a page that is not a report (maintenance "
                     "page, empty or broken body); kept current until a 404/410 or a new version says otherwise",
                     kept, 0)
    return Check("kept_reports", OK, "no known report answered a non-report page", 0, 0)


def check_last_year(report_years: Iterable[int], today: date, agency: str) -> Check:
    """The body's report on last year, once it is due."""
    year = today.year - 1
    due = due_date(year)
    if today <= due:
        return Check("last_year_report", OK, f"the {year} report is not due before {due.isoformat()}", year,
                     due.isoformat())
    if year in set(report_years):
        return Check("last_year_report", OK, f"the {year} report is stored", year, due.isoformat())
    return Check("last_year_report", ALERT, f"no {year} report of {agency} yet, due {due.isoformat()}", year,
                 due.isoformat())


def listings_read(stats: dict[str, Any]) -> bool:
    """Whether at least one listing page answered: if none did (site unreachable, every listing
    an HTTP error), the run says nothing about which reports the site has."""
    pages = int(stats.get("harvester/listing_pages") or 0)
    broken = int(stats.get("harvester/listing_unreachable") or 0) + int(stats.get("harvester/listing_errors") or 0)
    return pages > broken or reports_seen(stats) > 0


def run_checks(stats: dict[str, Any], *, report_years: Iterable[int], today: date, agency: str,
               max_error_ratio: float, max_warning_share: float) -> list[Check]:
    last_year = (check_last_year(report_years, today, agency) if listings_read(stats) else
                 Check("last_year_report", SKIPPED, "not judged: no listing page of the site could be read this run"))
    return [
        check_reports(stats),
        check_error_ratio(stats, max_error_ratio),
        check_warning_share(stats, max_warning_share),
        check_kept_reports(stats),
        last_year,
    ]


def as_json(checks: list[Check]) -> dict[str, dict[str, Any]]:
    """name -> {status, message, value, threshold}: what ``Store.set_run_checks`` keeps."""
    return {c.name: {k: v for k, v in asdict(c).items() if k != "name"} for c in checks}


def failing(checks: dict[str, dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(name, c.get("message", "")) for name, c in (checks or {}).items() if c.get("status") == FAIL]


def alerts(checks: dict[str, dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(name, c.get("message", "")) for name, c in (checks or {}).items() if c.get("status") == ALERT]
