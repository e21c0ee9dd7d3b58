"""The per-site table printed after a harvest (demo and harvest share it)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..runner import SiteResult


def years_label(years: list[int]) -> str:
    """2008-2012, 2014, 2016-2024"""
    if not years:
        return "-"
    spans, start, prev = [], years[0], years[0]
    for year in years[1:] + [None]:
        if year is not None and year == prev + 1:
            prev = year
            continue
        spans.append(str(start) if start == prev else f"{start}-{prev}")
        if year is not None:
            start = prev = year
    return ", ".join(spans)


COLUMNS = ("site", "listing pages", "detail pages", "reports", "years covered", "with warnings",
           "not reports", "new", "changed", "unchanged", "skipped", "gone", "failed", "requests", "bytes",
           "sweep", "finish")


def print_summary(results: list[SiteResult], console: Console | None = None) -> None:
    console = console or Console()
    if not console.is_terminal:  # cron mail, CI logs: never squeeze the table into 80 columns
        console = Console(width=240, file=console.file)
    table = Table(title="Harvest summary", show_lines=False)
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("site", "years covered", "finish") else "right",
                         overflow="fold")
    for r in results:
        not_reports = sum(v for k, v in r.stats.items() if k.startswith("harvester/kind/") and k != "harvester/kind/report")
        parsed, known = r.stat("harvester/reports"), r.stat("harvester/known_reports")
        table.add_row(
            r.site,
            str(r.stat("harvester/listing_pages")),
            str(r.stat("harvester/detail_pages")),
            # reports parsed this run (+ known reports listed but not re-downloaded)
            f"{parsed} (+{known} known)" if known else str(parsed),
            years_label(r.stat("harvester/report_years", [])),
            str(r.stat("harvester/reports_with_warnings")),
            str(not_reports),
            str(r.stat("harvester/new")),
            str(r.stat("harvester/changed")),
            str(r.stat("harvester/unchanged")),
            str(r.stat("harvester/skipped")),
            str(r.stat("harvester/gone")),
            str(r.stat("harvester/failed")),
            f"{r.stat('downloader/request_count'):,}",
            f"{r.stat('downloader/response_bytes'):,}",
            str(r.stat("harvester/sweep", "-")),
            str(r.finish_reason or "-"),
        )
    console.print(table)


def print_checks(results: list[SiteResult], console: Console | None = None) -> None:
    """The monitoring checks of each site's run, one line per site (details in `harvester runs`)."""
    console = console or Console()
    colour = {"ok": "green", "alert": "yellow", "fail": "red"}
    for r in results:
        checks = r.stat("harvester/checks", None)
        if not checks:
            continue
        cells = [f"[{colour.get(c.get('status'), 'white')}]{name} {c.get('status')}[/]" for name, c in checks.items()]
        console.print(f"checks {r.site}: " + ", ".join(cells), highlight=False, soft_wrap=True)
