"""Read the archive: current report items (streamed), flat report rows and long-format statistics.

File naming of ``harvester export`` (also in docs/data-model.md):
- jsonl: one report item per line into PATH (or stdout for ``-``).
- csv / parquet: two files. PATH ``out/reports.csv`` -> ``out/reports.csv`` (reports, flat) and
  ``out/reports.stats.csv`` (statistics, one row per report x key). PATH that is a directory (or
  ends with ``/``) -> ``reports.<ext>`` and ``stats.<ext>`` inside it.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from sqlalchemy import select

from .models import Page, Report, Snapshot
from .records import PROVENANCE_FIELDS, SCALAR_FIELDS, iso, report_item
from .store import Store
from ..bodies import BODY_COLUMNS, body_identity, with_identity
from ..items import ReportItem
from ..units import normalise, with_units

#: Flat report rows: identity, the contract's scalar fields (body_text last: it is long), counts of
#: the nested fields, and provenance.
REPORT_COLUMNS = [
    "report_id",
    "version",
    "site",
    *BODY_COLUMNS,
    "url",
    *(f for f in SCALAR_FIELDS if f != "body_text"),
    "sections_count",
    "stats_count",
    "tables_count",
    "attachments_count",
    "attachment_urls",
    "warnings_count",
    "warnings",
    "parser_version",
    *PROVENANCE_FIELDS,
    "snapshot_id",
    "page_gone_at",
    "body_text",
]
#: Statistics rows (long format): who (body identity, printed name), which year, the statistic
#: in its normalised unit (harvester.units) with the value and unit as printed, and provenance.
STAT_COLUMNS = [
    "report_id",
    "site",
    *BODY_COLUMNS,
    "report_year",
    "agency",
    "title",
    "url",
    "key",
    "value",
    "unit",
    "value_printed",
    "unit_printed",
    "label",
    "source",
    "section",
    "origin",
    "confidence",
    "parser_version",
    "fetched_at",
    "content_sha256",
    "harvest_run",
    "snapshot_id",
]
INT_COLUMNS = {"report_id", "version", "report_year", "sections_count", "stats_count", "tables_count",
               "attachments_count", "warnings_count", "status", "harvest_run", "snapshot_id"}


@dataclass
class StoredReport:
    """The current report item of a page, with where it sits in the database."""

    item: ReportItem
    report_id: int
    version: int
    snapshot_id: int
    page_gone_at: str | None


def iter_current_reports(
    store: Store, site: str | None = None, year: int | None = None, batch_size: int = 200
) -> Iterator[StoredReport]:
    """Every current report version, ordered by id, ``batch_size`` at a time (memory stays flat)."""
    query = (
        select(Report, Snapshot, Page.gone_at)
        .join(Snapshot, Snapshot.id == Report.snapshot_id)
        .join(Page, Page.id == Report.page_id)
        .where(Report.is_current.is_(True))
        .order_by(Report.id)
        .limit(batch_size)
    )
    if site:
        query = query.where(Report.site_key == site)
    if year is not None:
        query = query.where(Report.report_year == year)
    last_id = 0
    while True:
        with store.session() as session:
            rows = session.execute(query.where(Report.id > last_id)).all()
            if not rows:
                return
            ids = [report.id for report, _, _ in rows]
            for report, snapshot, gone_at in rows:
                # statistics and attachments with their labels come from the packed output
                item = report_item(report, snapshot)
                yield StoredReport(item, report.id, report.version, snapshot.id, iso(gone_at))
            last_id = ids[-1]


def body_fields(item: ReportItem) -> dict[str, str]:
    """body_key, body_name, body_region of a report (the printed name stays in ``agency``)."""
    identity = body_identity(item.site, item.agency).as_dict()
    return {name: identity[name] for name in BODY_COLUMNS}


def report_row(stored: StoredReport) -> dict[str, Any]:
    item = stored.item
    return {
        "report_id": stored.report_id,
        "version": stored.version,
        "site": item.site,
        **body_fields(item),
        "url": item.url,
        "title": item.title,
        "report_year": item.report_year,
        "agency": item.agency,
        "publisher": item.publisher,
        "region": item.region,
        "published_date": item.published_date,
        "signed_date": item.signed_date,
        "index_no": item.index_no,
        "doc_no": item.doc_no,
        "category": item.category,
        "sections_count": len(item.sections),
        "stats_count": len(item.stats),
        "tables_count": len(item.tables),
        "attachments_count": len(item.attachments),
        "attachment_urls": " ".join(a.url for a in item.attachments),
        "warnings_count": len(item.warnings),
        "warnings": " | ".join(item.warnings),
        "parser_version": item.parser_version,
        "fetched_at": item.fetched_at,
        "content_sha256": item.content_sha256,
        "status": item.status,
        "final_url": item.final_url,
        "harvest_run": item.harvest_run,
        "snapshot_id": stored.snapshot_id,
        "page_gone_at": stored.page_gone_at,
        "body_text": item.body_text,
    }


def stat_rows(stored: StoredReport) -> Iterator[dict[str, Any]]:
    item = stored.item
    body = body_fields(item)
    for stat in item.stats:
        measure = normalise(stat.key, stat.value, stat.unit)
        yield {
            "report_id": stored.report_id,
            "site": item.site,
            **body,
            "report_year": item.report_year,
            "agency": item.agency,
            "title": item.title,
            "url": item.url,
            "key": stat.key,
            "value": measure.value,
            "unit": measure.unit,
            "value_printed": measure.value_printed,
            "unit_printed": measure.unit_printed,
            "label": stat.label,
            "source": stat.source,
            "section": stat.section,
            "origin": stat.origin,
            "confidence": stat.confidence,
            "parser_version": item.parser_version,
            "fetched_at": item.fetched_at,
            "content_sha256": item.content_sha256,
            "harvest_run": item.harvest_run,
            "snapshot_id": stored.snapshot_id,
        }


def export_item(item: ReportItem) -> dict[str, Any]:
    """The report item of the contract with the body identity beside the printed ``agency`` and
    every statistic with its unit (normalised, the printed value and unit kept)."""
    record = with_identity(item.to_dict())
    record["stats"] = with_units(record.get("stats") or [])
    return record


def write_jsonl(reports: Iterator[StoredReport], out: IO[str]) -> int:
    count = 0
    for stored in reports:
        out.write(json.dumps(export_item(stored.item), ensure_ascii=False) + "\n")
        count += 1
    return count


def output_paths(out: str | Path, fmt: str) -> tuple[Path, Path]:
    """(reports file, statistics file) for a csv/parquet export to ``out`` (see module docs)."""
    text = str(out)
    path = Path(out)
    if text.endswith(("/", "\\")) or path.is_dir():
        path.mkdir(parents=True, exist_ok=True)  # asked for a directory: make it
        return path / f"reports.{fmt}", path / f"stats.{fmt}"
    if not path.suffix:
        path = path.with_name(f"{path.name}.{fmt}")
    return path, path.with_name(f"{path.stem}.stats{path.suffix}")

#: A spreadsheet runs a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice);
    numbers stay numbers. Site-supplied text (titles, body, warnings) reaches every column."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: csv_safe(value) for key, value in row.items()}


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` that replaces it only once fully written: a full disk or
    a crash leaves the previous file (or none), never a truncated one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=str(path.parent or "."))
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def atomic_pair(first: Path, second: Path) -> Iterator[tuple[Path, Path]]:
    """Two files written together: both replace their targets, or neither does."""
    with atomic_path(first) as tmp_first:
        with atomic_path(second) as tmp_second:
            yield tmp_first, tmp_second


def write_csv(reports: Iterator[StoredReport], reports_path: Path, stats_path: Path) -> tuple[int, int]:
    with atomic_pair(reports_path, stats_path) as (tmp_reports, tmp_stats):
        return _write_csv(reports, tmp_reports, tmp_stats)


def _write_csv(reports: Iterator[StoredReport], reports_path: Path, stats_path: Path) -> tuple[int, int]:
    n_reports = n_stats = 0
    # utf-8-sig: spreadsheet programs then read the Chinese text correctly.
    with open(reports_path, "w", newline="", encoding="utf-8-sig") as rf, open(
        stats_path, "w", newline="", encoding="utf-8-sig"
    ) as sf:
        report_writer = csv.DictWriter(rf, fieldnames=REPORT_COLUMNS)
        stat_writer = csv.DictWriter(sf, fieldnames=STAT_COLUMNS)
        report_writer.writeheader()
        stat_writer.writeheader()
        for stored in reports:
            report_writer.writerow(_safe_row(report_row(stored)))
            n_reports += 1
            for row in stat_rows(stored):
                stat_writer.writerow(_safe_row(row))
                n_stats += 1
    return n_reports, n_stats


def _arrow_schema(columns: list[str]):
    import pyarrow as pa

    def column_type(name: str):
        if name in ("value", "value_printed"):
            return pa.float64()
        return pa.int64() if name in INT_COLUMNS else pa.string()

    return pa.schema([(name, column_type(name)) for name in columns])


def write_parquet(
    reports: Iterator[StoredReport], reports_path: Path, stats_path: Path, chunk_rows: int = 1000
) -> tuple[int, int]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # optional dependency (extra "export")
        raise RuntimeError("parquet export needs pyarrow: pip install 'harvester[export]'") from exc
    with atomic_pair(reports_path, stats_path) as (tmp_reports, tmp_stats):
        return _write_parquet(pa, pq, reports, tmp_reports, tmp_stats, chunk_rows)


def _write_parquet(pa: Any, pq: Any, reports: Iterator[StoredReport], reports_path: Path, stats_path: Path,
                   chunk_rows: int) -> tuple[int, int]:
    report_schema, stat_schema = _arrow_schema(REPORT_COLUMNS), _arrow_schema(STAT_COLUMNS)
    n_reports = n_stats = 0
    report_buffer: list[dict] = []
    stat_buffer: list[dict] = []
    with pq.ParquetWriter(reports_path, report_schema) as report_writer, pq.ParquetWriter(
        stats_path, stat_schema
    ) as stat_writer:

        def flush(force: bool = False) -> None:
            if report_buffer and (force or len(report_buffer) >= chunk_rows):
                report_writer.write_table(pa.Table.from_pylist(report_buffer, schema=report_schema))
                report_buffer.clear()
            if stat_buffer and (force or len(stat_buffer) >= chunk_rows):
                stat_buffer[:] = [dict(row, value=float(row["value"]), value_printed=float(row["value_printed"]))
                                  for row in stat_buffer]
                stat_writer.write_table(pa.Table.from_pylist(stat_buffer, schema=stat_schema))
                stat_buffer.clear()

        for stored in reports:
            report_buffer.append(report_row(stored))
            n_reports += 1
            for row in stat_rows(stored):
                stat_buffer.append(row)
                n_stats += 1
            flush()
        flush(force=True)
    return n_reports, n_stats
