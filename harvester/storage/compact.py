"""`harvester db compact`: bring the raw pages of an older archive to the compact storage.

Since migration 0009 a crawl stores each page zstd-compressed with a dictionary of its site
(:mod:`harvester.storage.rawpages`); bodies stored before stay ``zlib`` (``dictionary_id``
NULL), so an archive harvested for years with older versions never got smaller. :func:`compact`
recompresses those page bodies in place, through the very ``Dictionaries.for_site`` a crawl
uses: a site without a dictionary gets one made from its pages, and a trained one after
``rawpages.TRAIN_AFTER`` pages, as a crawl would. ``sha256`` and ``size`` never change (bodies
are content-addressed), so snapshots, attachment rows and readers are unaffected.

- Only bodies that are the content of a page snapshot: attachment files (also in ``bodies``)
  stay zlib, and a page body that is also an attachment file's is left as it is ("skipped").
- A body shared by pages of several sites is compressed with the dictionary of the first site
  by key (deterministic), processed with that site's pages.
- Sites one after the other (so a site's pages feed its trained dictionary, as in a crawl),
  within a site keyset pagination on sha256: one query reads a batch, one short transaction
  writes it (memory flat; a concurrent crawl waits at most one batch). An interrupted run loses
  at most its open batch; a re-run only sees the bodies still zlib.
- Before writing, the old bytes are checked against their sha256 and the new bytes must
  decompress to exactly them; a body that fails either check is left untouched ("skipped").
- A body stays zlib where the site has no dictionary yet and the page is too short to make one
  (``rawpages.MIN_SAMPLE``), or where zstd would not be smaller. Bodies are compressed at
  ``rawpages.COMPACT_LEVEL`` (6), smaller than a crawl's level 3 for more CPU.

:func:`vacuum_sqlite` then gives the freed pages of an SQLite file back to the file system.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from . import rawpages
from .models import AttachmentFile, Body, BodyDictionary, Page, Snapshot
from .records import utcnow

#: Bodies per batch (one read query, one transaction): ~500 x a few KB of zlib data in memory.
BATCH = 500


@dataclass
class CompactSummary:
    """What a :func:`compact` run did. Byte counts are of the stored (compressed) data of the
    bodies it examined."""

    examined: int = 0
    recompressed: int = 0
    kept_zlib: int = 0
    #: reason -> bodies left untouched: "attachment" (also an attachment file's body),
    #: "unreadable" (zlib data broken or not matching its sha256/size), "round trip" (zstd
    #: did not give back the same bytes)
    skipped: dict[str, int] = field(default_factory=dict)
    bytes_before: int = 0
    bytes_after: int = 0
    batches: int = 0
    dictionaries_made: int = 0
    #: False when ``max_batches`` stopped the run (bodies may be left: the next run does them).
    complete: bool = True

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def pending_bodies(engine: Engine) -> int:
    """Page bodies still stored as zlib (what :func:`compact` will examine)."""
    with Session(engine) as session:
        return session.scalar(select(func.count(func.distinct(Snapshot.content_sha256)))
                              .join(Body, Body.sha256 == Snapshot.content_sha256)
                              .where(Body.compression == "zlib")) or 0


def compact(
    engine: Engine,
    batch: int = BATCH,
    *,
    max_batches: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> CompactSummary:
    """Recompress the zlib page bodies of the archive as zstd with their site's dictionary.

    ``progress`` is called with the number of bodies examined after each committed batch;
    ``max_batches`` stops after that many batches (``complete`` False): the next run goes on.
    """
    if batch < 1:
        raise ValueError(f"batch takes 1 or more, got {batch}")
    summary = CompactSummary()
    dictionaries = rawpages.Dictionaries()
    with Session(engine) as session:
        sites = session.scalars(select(Page.site_key).distinct().order_by(Page.site_key)).all()
        first_new = (session.scalar(select(func.max(BodyDictionary.id))) or 0) + 1
    _compact_sites(engine, sites, batch, max_batches, progress, dictionaries, summary)
    with Session(engine) as session:
        summary.dictionaries_made = session.scalar(select(func.count()).select_from(BodyDictionary)
                                                   .where(BodyDictionary.id >= first_new)) or 0
    return summary


def _compact_sites(engine: Engine, sites: list[str], batch: int, max_batches: int | None,
                   progress: Callable[[int], None] | None, dictionaries: rawpages.Dictionaries,
                   summary: CompactSummary) -> None:
    for site in sites:
        last = ""
        while True:
            if max_batches is not None and summary.batches >= max_batches:
                summary.complete = False
                return
            try:
                with Session(engine) as session, session.begin():
                    rows = session.execute(_batch_query(site, last, batch)).all()
                    if not rows:
                        break
                    _compact_rows(session, site, rows, dictionaries, summary)
            except BaseException:
                # dictionaries added by the rolled-back batch are gone: forget what was cached
                dictionaries.clear()
                raise
            summary.batches += 1
            last = rows[-1].sha256
            if progress is not None:
                progress(len(rows))
            if len(rows) < batch:
                break


def _batch_query(site: str, last: str, size: int):
    """The next ``size`` zlib bodies of ``site``'s snapshots after sha256 ``last``, without
    the bodies that belong to a site before it by key (a body shared across sites is done once).

    The keys are chosen in a subquery that reads no ``data`` (an SQLite row's blob sits in
    overflow pages, a PostgreSQL one in TOAST, read only when selected), then the batch's data."""
    of_site = (select(Snapshot.content_sha256).join(Page, Page.id == Snapshot.page_id)
               .where(Page.site_key == site))
    other_snapshot, other_page = aliased(Snapshot), aliased(Page)
    earlier_site = (select(other_snapshot.id).join(other_page, other_page.id == other_snapshot.page_id)
                    .where(other_snapshot.content_sha256 == Body.sha256, other_page.site_key < site).exists())
    keys = (select(Body.sha256)
            .where(Body.compression == "zlib", Body.sha256 > last, Body.sha256.in_(of_site), ~earlier_site)
            .order_by(Body.sha256).limit(size).subquery())
    attachment = select(AttachmentFile.id).where(AttachmentFile.content_sha256 == Body.sha256).exists()
    return (select(Body.sha256, Body.size, Body.data, attachment.label("attachment"))
            .join(keys, keys.c.sha256 == Body.sha256).order_by(Body.sha256))


def _compact_rows(session: Session, site: str, rows, dictionaries: rawpages.Dictionaries,
                  summary: CompactSummary) -> None:
    updates = []
    now = utcnow()
    for row in rows:
        old = bytes(row.data)
        summary.examined += 1
        summary.bytes_before += len(old)
        summary.bytes_after += len(old)  # corrected below for the rows rewritten
        if row.attachment:
            summary.skip("attachment")
            continue
        try:
            raw = zlib.decompress(old)
        except zlib.error:
            summary.skip("unreadable")
            continue
        if len(raw) != row.size or hashlib.sha256(raw).hexdigest() != row.sha256:
            summary.skip("unreadable")
            continue
        dictionary_id, dictionary = dictionaries.for_site(session, site, raw, now)
        if dictionary is None:
            summary.kept_zlib += 1
            continue
        new = rawpages.compress(raw, dictionary, rawpages.COMPACT_LEVEL)
        if len(new) >= len(old):
            summary.kept_zlib += 1
            continue
        if rawpages.decompress("zstd", new, dictionary) != raw:
            summary.skip("round trip")
            continue
        updates.append({"b_sha": row.sha256, "b_data": new, "b_dictionary": dictionary_id})
        summary.recompressed += 1
        summary.bytes_after += len(new) - len(old)
    if updates:
        table = Body.__table__
        # "still zlib": a concurrent compact may have done this row already (same bytes either way)
        session.execute(table.update()
                        .where(table.c.sha256 == bindparam("b_sha"), table.c.compression == "zlib")
                        .values(compression="zstd", data=bindparam("b_data"),
                                dictionary_id=bindparam("b_dictionary")), updates)


@dataclass
class VacuumResult:
    size_before: int
    size_after: int
    error: str | None = None


def file_size(path: Path) -> int:
    """Bytes of an SQLite database on disk: the file and its write-ahead log."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def vacuum_sqlite(engine: Engine, path: Path) -> VacuumResult:
    """VACUUM the SQLite file (rewrites it without its free pages) and truncate the WAL so the
    size on disk drops now. Needs the database to itself for a moment: with a crawl writing,
    it waits for the busy timeout and then reports the error instead of raising."""
    before = file_size(path)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return VacuumResult(before, file_size(path), reason)
    return VacuumResult(before, file_size(path))

