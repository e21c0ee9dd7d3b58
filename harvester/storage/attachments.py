"""The files report pages link (attachment_files): what the crawl fetched, stored once per URL
with the bytes content-addressed in ``bodies``; what incremental harvests and re-parse read back."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .models import AttachmentFile, Body, Page
from .records import parse_timestamp, sanitize, utcnow


@dataclass
class FetchedFile:
    """One attachment as the crawl got it (or found it already stored)."""

    url: str
    name: str
    kind: str
    fetched_at: str
    body: bytes | None = None
    status: int | None = None
    content_type: str | None = None
    sha256: str | None = None
    #: Why there is no usable body: HTTP error, over the size cap, robots.txt, timeout ...
    error: str | None = None
    #: FileContent.summary() of what harvester.files read from it.
    extraction: dict[str, Any] | None = None
    #: Known and unchanged: not fetched again (incremental harvest), bytes read from the archive.
    reused: bool = False

    @property
    def size(self) -> int | None:
        return None if self.body is None else len(self.body)


def known_file(store, url: str) -> dict[str, Any] | None:
    """The stored row of a file URL with a body, or None (never fetched, or failed)."""
    with store.session() as session:
        row = session.scalar(select(AttachmentFile).where(AttachmentFile.url == url))
        if row is None or row.content_sha256 is None:
            return None
        return {"sha256": row.content_sha256, "content_type": row.content_type, "size": row.size,
                "fetched_at": row.fetched_at, "status": row.status}


def save_files(store, page_url: str, run_id: int | None, files: list[FetchedFile]) -> None:
    """Record the page's files: bodies stored once (insert-or-ignore by SHA-256), one row per
    URL updated in place (fetch count, last seen, latest outcome)."""
    if not files:
        return
    from .store import _insert_ignore

    with store.session() as session, session.begin():
        page_id = session.scalar(select(Page.id).where(Page.url == page_url))
        for f in files:
            seen = parse_timestamp(f.fetched_at)
            if f.body is not None and not f.reused:
                _insert_ignore(session, Body, {"sha256": f.sha256, "size": len(f.body), "compression": "zlib",
                                               "data": zlib.compress(f.body, 6), "created_at": utcnow()}, ["sha256"])
            row = session.scalar(select(AttachmentFile).where(AttachmentFile.url == f.url))
            if row is None:
                row = AttachmentFile(url=f.url, page_id=page_id, fetched_at=seen, last_seen_at=seen, fetch_count=0)
                session.add(row)
            row.name = sanitize(f.name)
            row.kind = f.kind
            row.last_seen_at = max(row.last_seen_at or seen, seen)
            row.harvest_run_id = run_id if not f.reused else row.harvest_run_id or run_id
            if f.extraction is not None:
                row.extraction = f.extraction
            if f.reused:
                continue
            row.fetch_count = (row.fetch_count or 0) + 1
            row.fetched_at = seen
            row.status = f.status
            row.content_type = sanitize(f.content_type)
            row.error = sanitize(f.error)
            if f.body is not None:
                row.content_sha256 = f.sha256
                row.size = len(f.body)
            session.flush()


def stored_files(store, urls: list[str]) -> dict[str, tuple[dict[str, Any], bytes | None]]:
    """Stored rows (and bytes) of the given file URLs: what re-parse merges, offline."""
    with store.session() as session:
        return stored_files_in(session, urls)


def stored_files_in(session, urls: list[str]) -> dict[str, tuple[dict[str, Any], bytes | None]]:
    from .store import load_body

    out: dict[str, tuple[dict[str, Any], bytes | None]] = {}
    if urls:
        for row in session.scalars(select(AttachmentFile).where(AttachmentFile.url.in_(urls))):
            body = load_body(session, row.content_sha256) if row.content_sha256 else None
            out[row.url] = ({"name": row.name, "kind": row.kind, "content_type": row.content_type,
                             "error": row.error, "status": row.status, "size": row.size,
                             "sha256": row.content_sha256}, body)
    return out


def file_rows(store, page_url: str | None = None) -> list[dict[str, Any]]:
    """Rows of attachment_files (of one page's, or all), for the CLI and tests."""
    with store.session() as session:
        query = select(AttachmentFile).order_by(AttachmentFile.id)
        if page_url is not None:
            query = query.join(Page, Page.id == AttachmentFile.page_id).where(Page.url == page_url)
        return [{"url": r.url, "name": r.name, "kind": r.kind, "sha256": r.content_sha256, "size": r.size,
                 "content_type": r.content_type, "status": r.status, "error": r.error,
                 "fetch_count": r.fetch_count, "fetched_at": r.fetched_at, "last_seen_at": r.last_seen_at,
                 "extraction": r.extraction, "harvest_run_id": r.harvest_run_id}
                for r in session.scalars(query)]


