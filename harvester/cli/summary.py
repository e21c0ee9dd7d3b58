"""The per-site table printed after a harvest (demo and harvest share it), and how tables fit
the reader's screen.

Tables adapt to where they go: a terminal wide enough for every column gets the full table; a
narrower terminal (80 columns) and a pipe (cron mail, CI logs, capped at PIPE_WIDTH characters)
get a compact table of the columns a reader needs first. The full numbers of every run stay in
``harvester runs --json``.
"""

from __future__ import annotations

import os
import textwrap

from rich.console import Console
from rich.table import Table

from ..runner import SiteResult

#: Widest line a piped table may have (mail readers, CI logs).
PIPE_WIDTH = 120
#: A terminal at least this wide gets the full summary table.
FULL_SUMMARY_WIDTH = 240


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


def fitted_console(console: Console | None = None) -> Console:
    """``console`` on a terminal; on a pipe a console of $COLUMNS (at most PIPE_WIDTH) columns."""
    console = console or Console()
    if console.is_terminal:
        return console
    columns = os.environ.get("COLUMNS", "")
    width = min(int(columns), PIPE_WIDTH) if columns.isdigit() and int(columns) > 0 else PIPE_WIDTH
    return Console(width=width, file=console.file, force_terminal=False, no_color=console.no_color,
                   highlight=False)


COLUMNS = ("site", "listing pages", "detail pages", "reports", "years covered", "with warnings",
           "not reports", "new", "changed", "unchanged", "skipped", "gone", "failed", "requests", "bytes",
           "sweep", "finish")
#: The compact table (narrow terminals, pipes): short headers, the columns read first.
LEFT = {"site", "years covered", "years", "finish", "sweep"}


def _row(r: SiteResult) -> dict[str, str]:
    not_reports = sum(v for k, v in r.stats.items() if k.startswith("harvester/kind/") and k != "harvester/kind/report")
    parsed, known = r.stat("harvester/reports"), r.stat("harvester/known_reports")
    years = years_label(r.stat("harvester/report_years", []))
    finish = str(r.finish_reason or "-")
    sweep = str(r.stat("harvester/sweep", "-"))
    return {
        "site": r.site,
        "listing pages": str(r.stat("harvester/listing_pages")),
        "detail pages": str(r.stat("harvester/detail_pages")),
        # reports parsed this run (+ known reports listed but not re-downloaded)
        "reports": f"{parsed} (+{known} known)" if known else str(parsed),
        "reps": f"{parsed}+{known}" if known else str(parsed),
        "years covered": years,
        "years": years,
        "with warnings": str(r.stat("harvester/reports_with_warnings")),
        "warn": str(r.stat("harvester/reports_with_warnings")),
        "not reports": str(not_reports),
        "new": str(r.stat("harvester/new")),
        "changed": str(r.stat("harvester/changed")),
        "chg": str(r.stat("harvester/changed")),
        "unchanged": str(r.stat("harvester/unchanged")),
        "same": str(r.stat("harvester/unchanged")),
        "skipped": str(r.stat("harvester/skipped")),
        "gone": str(r.stat("harvester/gone")),
        "failed": str(r.stat("harvester/failed")),
        "fail": str(r.stat("harvester/failed")),
        "requests": f"{r.stat('downloader/request_count'):,}",
        "bytes": f"{r.stat('downloader/response_bytes'):,}",
        # the sweep of a finished crawl, else why it stopped (locked, renderer_missing, ...)
        "sweep": sweep if finish == "finished" else finish,
        "finish": finish,
    }


def print_summary(results: list[SiteResult], console: Console | None = None) -> None:
    console = fitted_console(console)
    if console.is_terminal and console.width >= FULL_SUMMARY_WIDTH:
        table = Table(title="Harvest summary")
        for column in COLUMNS:
            table.add_column(column, justify="left" if column in LEFT else "right", overflow="fold")
        for r in results:
            row = _row(r)
            table.add_row(*(row[c] for c in COLUMNS))
        console.print(table)
        return
    for line in compact_lines([_row(r) for r in results], console.width):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def compact_lines(rows: list[dict[str, str]], width: int) -> list[str]:
    """The compact summary as plain lines of at most ``width`` characters: fixed columns, the
    years last, wrapped under their own column."""
    fixed = ("site", "reps", "warn", "new", "chg", "same", "gone", "fail", "sweep")
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in fixed}
    left = {"site", "sweep"}

    def cells(values: dict[str, str]) -> str:
        return "  ".join(values[c].ljust(widths[c]) if c in left else values[c].rjust(widths[c]) for c in fixed)

    indent = len(cells({c: "" for c in fixed})) + 2
    inline = width - indent >= 24  # else stacked: the years on their own line under the row
    lines = ["Harvest summary", cells({c: c for c in fixed}) + ("  years" if inline else "")]
    for row in rows:
        if inline:
            years = textwrap.wrap(row["years"], width - indent, break_on_hyphens=False) or ["-"]
            lines.append(cells(row) + "  " + years[0])
            lines.extend(" " * indent + more for more in years[1:])
        else:
            lines.append(cells(row))
            lines.extend(textwrap.wrap(f"years: {row['years']}", max(width, 40), initial_indent="  ",
                                       subsequent_indent="         ", break_on_hyphens=False))
    lines.append("reps: reports (+known); warn: with warnings; chg/same: changed/unchanged pages")
    lines.append("every count of every run: harvester runs --json")
    return [line.rstrip() for line in lines]


def print_checks(results: list[SiteResult], console: Console | None = None) -> None:
    """The monitoring checks of each site's run, one line per site (details in `harvester runs`)."""
    console = console or Console()
    colour = {"ok": "green", "alert": "yellow", "fail": "red"}
    for r in results:
        checks = r.stat("harvester/checks", None)
        if not checks:
            continue
        cells = [f"[{colour.get(c.get('status'), 'white')}]{name} {c.get('status')}[/]" for name, c in checks.items()]
        console.print(f"checks {r.site}: " + ", ".join(cells), highlight=False)
