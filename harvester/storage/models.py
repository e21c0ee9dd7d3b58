"""SQLAlchemy 2 models of the archive (see docs/data-model.md for the overview).

Provenance chain: report (one version of the parsed output) -> snapshot (one distinct content of a
page, body stored once per SHA-256 in ``bodies``) -> harvest run (spider, arguments, versions,
Scrapy stats). Nothing is ever deleted: changed content adds a snapshot, changed parser output
adds a report version, a page that disappears gets ``gone_at``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no timezone type: values are stored as naive UTC and handed back aware, so that
    comparisons and ISO output are the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Stable constraint names so that Alembic migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class SiteRow(Base):
    """A target site (one body publishing reports); keys as in harvester.sites."""

    __tablename__ = "sites"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(64))
    entry_url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]


class HarvestRun(Base):
    """One crawl of one site (kind "crawl") or one offline re-parse (kind "reparse")."""

    __tablename__ = "harvest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="crawl", server_default="crawl")
    site_key: Mapped[str | None] = mapped_column(ForeignKey("sites.key"), index=True)
    spider: Mapped[str | None] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    harvester_version: Mapped[str | None] = mapped_column(String(32))
    parser_version: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    #: running | finished | failed | interrupted | <Scrapy finish reason>
    outcome: Mapped[str] = mapped_column(String(32), default="running", server_default="running")
    pages_new: Mapped[int] = mapped_column(default=0, server_default="0")
    pages_changed: Mapped[int] = mapped_column(default=0, server_default="0")
    pages_unchanged: Mapped[int] = mapped_column(default=0, server_default="0")
    pages_gone: Mapped[int] = mapped_column(default=0, server_default="0")
    pages_failed: Mapped[int] = mapped_column(default=0, server_default="0")
    requests: Mapped[int | None] = mapped_column(BigInteger)
    response_bytes: Mapped[int | None] = mapped_column(BigInteger)
    #: Scrapy stats at the end of the crawl (JSON-safe), or the re-parse summary.
    stats: Mapped[dict[str, Any] | None]
    #: Results of the monitoring checks of the scheduled-harvest issue (name -> result).
    checks: Mapped[dict[str, Any] | None]
    #: How much of the site's listings the crawl walked: "complete" (every listing page, so
    #: pages not linked any more were marked gone), "partial" (stopped early: incremental, cap,
    #: unreachable listing page), NULL for runs before migration 0002 and re-parses.
    sweep: Mapped[str | None] = mapped_column(String(16))


class Page(Base):
    """A detail-page URL of a site, with its current content."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    first_seen_at: Mapped[datetime]
    #: Last time the page was fetched or linked from its site's listings.
    last_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime | None]
    fetch_count: Mapped[int] = mapped_column(default=0, server_default="0")
    gone_at: Mapped[datetime | None]
    gone_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"))
    last_listing_title: Mapped[str | None] = mapped_column(Text)
    last_listing_date: Mapped[str | None] = mapped_column(String(32))
    # The FK to snapshots closes a cycle (snapshots.page_id -> pages); use_alter lets PostgreSQL
    # add it after both tables exist.
    current_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshots.id", use_alter=True, name="fk_pages_current_snapshot_id_snapshots")
    )


class BodyDictionary(Base):
    """A zstd dictionary for the raw pages of one site (migration 0009): the site's first stored
    page, whose chrome (header, navigation, footer, scripts) its other pages repeat, later one
    trained on 50 of its pages. Rows never
    change: a body names the dictionary it was compressed with, so a newer dictionary for the
    site never affects the bodies written before it (harvester.storage.rawpages)."""

    __tablename__ = "body_dictionaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    #: "raw": zstd raw-content dictionary (the bytes of a sample page); "trained": made by
    #: zstd's trainer from pages of the site.
    kind: Mapped[str] = mapped_column(String(16), default="raw", server_default="raw")
    #: Bytes of the dictionary, uncompressed.
    size: Mapped[int]
    #: The dictionary, zstd-compressed (without a dictionary).
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Body(Base):
    """Raw response bytes, stored once per distinct content (content-addressed), compressed:
    ``zlib``, or ``zstd`` with the site's dictionary ``dictionary_id`` (pages since 0009)."""

    __tablename__ = "bodies"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    compression: Mapped[str] = mapped_column(String(16), default="zlib", server_default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    #: The body_dictionaries row a ``zstd`` body needs (no foreign key: migration 0009 adds and
    #: drops the column in place on SQLite; dictionary rows are never deleted).
    dictionary_id: Mapped[int | None]


class Snapshot(Base):
    """One distinct content of a page: the first fetch that returned it, and its later re-fetches."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("page_id", "content_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    content_sha256: Mapped[str] = mapped_column(ForeignKey("bodies.sha256"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    last_fetched_at: Mapped[datetime] = mapped_column(index=True)
    fetch_count: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[int]
    final_url: Mapped[str | None] = mapped_column(Text)
    #: The URL as the listing gave it (tracking parameters, index page...); the page's URL is
    #: its canonical form (harvester.urls.canonical_url).
    listed_url: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    referer: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(32))
    renderer: Mapped[str | None] = mapped_column(String(64))
    harvest_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"), index=True)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"))
    #: Classification by the parser (report, notice, ...); None when parsing failed or was skipped.
    kind: Mapped[str | None] = mapped_column(String(16), index=True)
    kind_reason: Mapped[str | None] = mapped_column(Text)
    #: Parser version of the latest classification.
    parser_version: Mapped[str | None] = mapped_column(String(32))


class Report(Base):
    """One version of the parsed report of a page; exactly one current version per report page."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("page_id", "version"),
        # At most one current version per page (partial unique index on both backends).
        Index(
            "uq_reports_current_page",
            "page_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_reports_site_year", "site_key", "report_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), index=True)
    version: Mapped[int]
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    parser_version: Mapped[str] = mapped_column(String(32))
    #: Latest parser version that produced exactly this output (re-parse without change).
    checked_parser_version: Mapped[str | None] = mapped_column(String(32))
    #: SHA-256 of the canonical JSON of the parsed output: how re-parse detects a change.
    output_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"))
    #: Why this version exists: new_page, new_snapshot, reparse, parser_update (a crawl with a newer
    #: parser over unchanged bytes), reclassified (a page that is a report again).
    created_reason: Mapped[str | None] = mapped_column(String(32))
    #: Names of the fields that differ from the previous version.
    changed_fields: Mapped[list[Any] | None]
    # --- the report item contract (docs/design.md) ---
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    report_year: Mapped[int | None]
    agency: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(12))
    published_date: Mapped[str | None] = mapped_column(String(32))
    signed_date: Mapped[str | None] = mapped_column(String(32))
    index_no: Mapped[str | None] = mapped_column(Text)
    doc_no: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    #: The rest of the parser output (body_text, sections, stats with labels, tables,
    #: attachments, cleaning) as compressed UTF-8 JSON (records.pack_output): one blob
    #: instead of ~30 KB of JSON columns and labelled rows per report (docs/data-model.md).
    #: Compressed with a preset dictionary the blob names (records.OUTPUT_DICTIONARY), statistics
    #: as columns: zstd since migration 0010, zlib with the dictionary since 0009, plain zlib before.
    output: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Where agency and region were read (page part or ``registry``).
    field_sources: Mapped[dict[str, Any] | None] = mapped_column(default=dict)


class StatKey(Base):
    """The statistic keys in use (canonical keys, see DESIGN.md vocabulary), numbered once: a
    statistic row carries the number, not the ~40-character key."""

    __tablename__ = "stat_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)


class StatText(Base):
    """Labels and section titles of statistics, stored once each (they repeat across reports:
    the standard tables' wording, the usual section titles)."""

    __tablename__ = "stat_texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text, unique=True)


class ReportStat(Base):
    """One statistic of one report version, for SQL (the ``current_statistics`` view shows it
    with its key, label and section): numbers instead of repeated strings."""

    __tablename__ = "report_stats"
    # Clustered on (report, position) without a rowid on SQLite: no separate index to keep. No
    # index on key_id either (migration 0009: ~0.85 KiB per report): rows are read by report;
    # a query by key scans them.
    __table_args__ = (PrimaryKeyConstraint("report_id", "position"), {"sqlite_with_rowid": False})

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    position: Mapped[int]
    key_id: Mapped[int] = mapped_column(ForeignKey("stat_keys.id"))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(16))
    label_id: Mapped[int | None] = mapped_column(ForeignKey("stat_texts.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("stat_texts.id"))
    key: Mapped[str] = column_property(
        select(StatKey.key).where(StatKey.id == key_id).correlate_except(StatKey).scalar_subquery())
    label: Mapped[str | None] = column_property(
        select(StatText.text).where(StatText.id == label_id).correlate_except(StatText).scalar_subquery())
    section: Mapped[str | None] = column_property(
        select(StatText.text).where(StatText.id == section_id).correlate_except(StatText).scalar_subquery())


class ReportAttachment(Base):
    """One attachment link of one report version."""

    __tablename__ = "report_attachments"
    __table_args__ = (Index("ix_report_attachments_report_position", "report_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    position: Mapped[int]
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(16))


class FetchFailure(Base):
    """A URL that could not be fetched (dead link, timeout) or stored; one row per URL, updated."""

    __tablename__ = "fetch_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    status: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text)
    referer: Mapped[str | None] = mapped_column(Text)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    failure_count: Mapped[int] = mapped_column(default=1, server_default="1")
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"), index=True)


class HarvestLock(Base):
    """Who is harvesting a site right now: one row per site while a harvest runs (deleted when it
    ends). A row whose process is gone (same host) or whose heartbeat is old is stale and may be
    taken over (harvester.locks)."""

    __tablename__ = "harvest_locks"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Random per holder: release and takeover only touch the row they read (compare-and-swap).
    token: Mapped[str] = mapped_column(String(32))
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[int | None]
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class AttachmentFile(Base):
    """A file a report page links (PDF, DOC, XLS, picture ...), fetched in the same crawl: one
    row per file URL, its bytes in ``bodies`` (content-addressed beside the page snapshots, so
    a file linked from several pages or unchanged across harvests is stored once)."""

    __tablename__ = "attachment_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    #: The page that linked it first (later pages linking the same URL share the row).
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(16))
    #: None when the fetch failed or the file was over the size cap (``error`` says why).
    content_sha256: Mapped[str | None] = mapped_column(ForeignKey("bodies.sha256"), index=True)
    content_type: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[int | None]
    fetched_at: Mapped[datetime]
    #: Last harvest that saw the link (a skipped re-fetch of a known file included).
    last_seen_at: Mapped[datetime]
    fetch_count: Mapped[int] = mapped_column(default=1, server_default="1")
    error: Mapped[str | None] = mapped_column(Text)
    #: What harvester.files read from it: format, engine, pages, ocr, confidence, chars,
    #: tables, error, warnings (FileContent.summary()).
    extraction: Mapped[dict[str, Any] | None]
    harvest_run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"), index=True)


class ReparseBatch(Base):
    """A range of pages of a parallel re-parse (``harvester reparse --workers N``, or workers on
    other machines with ``--join RUN``): claimed by one worker at a time, done when its results
    are committed (in the same transaction). A claim whose worker died is taken over once its
    lease expires; ``tally`` holds what the batch changed (the run's change report adds them up)."""

    __tablename__ = "reparse_batches"
    __table_args__ = (Index("ix_reparse_batches_run_state", "run_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_runs.id"))
    first_page_id: Mapped[int]
    last_page_id: Mapped[int]
    pages: Mapped[int]
    #: pending | claimed | done
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    worker: Mapped[str | None] = mapped_column(String(255))
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    tally: Mapped[dict[str, Any] | None]
