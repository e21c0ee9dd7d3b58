"""What every site replica shares: the request/response shapes the server hands over, the
report column (documents + a dead link + a duplicate entry + a robots-disallowed entry), the
paging arithmetic, attachments, robots.txt and the detail-page cache.

A site module subclasses :class:`SiteReplica` and implements ``detail_path``, ``route`` and the
page renderers of its CMS.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import threading
from dataclasses import dataclass, field, replace
from email.utils import format_datetime
from typing import TYPE_CHECKING

from ...sites import SITES, Site
from ..model import AttachmentSpec, Document
from . import render

if TYPE_CHECKING:  # pragma: no cover
    from ..server import ReplicaOptions

#: Every replica disallows these prefixes in robots.txt.
DISALLOWED_PREFIXES = ("/search/", "/admin/")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    cookies: dict[str, str]
    #: http://host:port as the client addressed this replica (for absolute URLs in listings)
    base_url: str


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: When set, the server adds ETag/Last-Modified and answers conditional requests with 304.
    last_modified: dt.datetime | None = None
    #: The replica that answered (set by a host serving several, for the request log).
    site: str = ""


@dataclass(frozen=True)
class Entry:
    """One item of the report column's listing."""

    kind: str  # a Document kind, or "dead_link" / "robots_disallowed"
    doc: Document
    path: str
    duplicate: bool = False
    #: yuxi: the sub-column directory that lists this entry (e.g. ".../zfxxgknb2017/zsndbg2017/")
    column: str = ""

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def date(self) -> dt.date:
        return self.doc.published


def pages_of(items: list, page_size: int) -> int:
    return max(1, -(-len(items) // page_size))


def page_size_for(count: int, preferred: int) -> int:
    """The CMS's page size, shrunk when the column is short so that it still spans three pages
    (pagination must be exercised whatever the corpus holds)."""
    return max(1, min(preferred, (count - 1) // 2))


def china_datetime(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class SiteReplica:
    """One CMS replica. Thread-safe: caches are filled under a lock, pages are pure functions of
    (document, edition)."""

    key: str = ""
    #: Preferred listing page size (shrunk by ``page_size_for`` for short columns).
    page_size: int = 8
    charset: str = "utf-8"
    #: The answer to a path this CMS does not know.
    not_found_title = "404"

    def __init__(self, options: "ReplicaOptions", key: str | None = None) -> None:
        self.options = options
        if key:  # a platform replica serving a registry body (GkmlptReplica)
            self.key = key
        self.site: Site = SITES[self.key]
        self._lock = threading.Lock()
        self._entries: dict[int, list[Entry]] = {}
        self._details: dict[tuple[int, int], bytes] = {}

    @classmethod
    def available(cls) -> bool:
        """Whether this replica can be served here (pingtan needs ../shared)."""
        return True

    @classmethod
    def unavailable_reason(cls) -> str:
        return ""

    # ----------------------------------------------------------------- column
    def documents(self, edition: int) -> list[Document]:
        return list(render.corpus().documents(self.key, edition))

    def detail_path(self, doc: Document) -> str:
        raise NotImplementedError

    def entries(self, edition: int | None = None) -> list[Entry]:
        """The full listing of the report column, newest first, as the CMS lists it."""
        edition = self.options.edition if edition is None else edition
        with self._lock:
            if edition not in self._entries:
                self._entries[edition] = self.build_entries(self.documents(edition), edition)
            return self._entries[edition]

    def build_entries(self, docs: list[Document], edition: int) -> list[Entry]:
        dead = self.dead_link_doc(self.documents(1), docs)
        ordered = sorted([*docs, dead], key=lambda d: (d.published, d.doc_id), reverse=True)
        entries = [Entry(kind="dead_link" if d is dead else d.kind, doc=d, path=self.detail_path(d)) for d in ordered]
        entries.insert(1, self.disallowed_entry(ordered[0]))
        return self.add_duplicate(entries, self.listing_page_size(len(entries) + 1))

    def listing_page_size(self, count: int) -> int:
        return page_size_for(count, self.page_size)

    def own_body(self, doc: Document, body: Site | None = None) -> bool:
        """Is ``doc`` the site's own body's, or ``body``'s (yuxi's column lists other bodies too,
        which are registry bodies of their own)?"""
        keywords = (body or self.site).agency_keywords
        return not keywords or any(k in doc.agency for k in keywords)

    def dead_link_doc(self, first_edition: list[Document], current: list[Document]) -> Document:
        """A listed report whose page was deleted: an id no document uses, derived from the first
        edition so that it stays the same link in every edition."""
        used = {d.doc_id for d in first_edition} | {d.doc_id for d in current}
        dead_id = max(d.doc_id for d in first_edition) + 97
        while dead_id in used:
            dead_id += 1
        ordered = sorted(first_edition, key=lambda d: (d.published, d.doc_id), reverse=True)
        middle = ordered[len(ordered) // 2]
        year = middle.report_year or middle.published.year - 1
        return Document(
            site=self.key,
            doc_id=dead_id,
            kind="report",
            title=f"{self.site.agency}{year}年政府信息公开工作年度报告（修订版）",
            agency=self.site.agency,
            publisher=self.site.agency,
            report_year=year,
            published=middle.published - dt.timedelta(days=1),
        )

    def disallowed_entry(self, newest: Document) -> Entry:
        """A listing link into a robots.txt-disallowed path: fetched only by a crawler that
        ignores robots.txt, which the request log then shows."""
        doc = Document(
            site=self.key,
            doc_id=0,
            kind="news",
            title="政府信息公开工作年度报告检索",
            agency=self.site.agency,
            publisher=self.site.agency,
            report_year=None,
            published=newest.published,
        )
        return Entry(kind="robots_disallowed", doc=doc, path=f"/search/nbjs.html?site={self.key}")

    def add_duplicate(self, entries: list[Entry], page_size: int) -> list[Entry]:
        """List one report of the site's own body a second time, one listing page further on."""
        candidates = [i for i, e in enumerate(entries) if e.kind == "report" and self.own_body(e.doc)]
        if not candidates:
            return entries
        # a report near the top, so that the copy one page later is still inside the column
        index = candidates[min(1, len(candidates) - 1)]
        copy_at = min(index + page_size + 1, len(entries))
        if copy_at // page_size == index // page_size:
            copy_at = min(len(entries), (index // page_size + 1) * page_size)
        original = entries[index]
        return [*entries[:copy_at], replace(original, duplicate=True), *entries[copy_at:]]

    def listed_entries(self) -> list[Entry]:
        """What the listings show now: nothing when the site is "broken" (layout changed)."""
        if self.key in self.options.broken:
            return []
        return self.entries()

    def docs_by_path(self, edition: int | None = None) -> dict[str, Entry]:
        return {e.path: e for e in self.entries(edition) if e.kind not in ("dead_link", "robots_disallowed")}

    # ------------------------------------------------------------ attachments
    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        raise NotImplementedError

    def image_path(self, doc: Document, filename: str) -> str:
        """Where an image shown inside the body (a Block or an image attachment) is served."""
        raise NotImplementedError

    def file_attachments(self, doc: Document) -> list[tuple[str, AttachmentSpec]]:
        """(path, spec) of the attachments linked as downloads; images are shown in the body."""
        return [(self.attachment_path(doc, i, spec), spec)
                for i, spec in enumerate(doc.attachments) if spec.kind != "image"]

    def attachment_index(self) -> dict[str, tuple[Document, AttachmentSpec]]:
        index: dict[str, tuple[Document, AttachmentSpec]] = {}
        for entry in self.entries():
            doc = entry.doc
            if entry.kind in ("dead_link", "robots_disallowed"):
                continue
            for i, spec in enumerate(doc.attachments):
                path = self.image_path(doc, spec.filename) if spec.kind == "image" else self.attachment_path(doc, i, spec)
                index[path] = (doc, spec)
            for block in doc.blocks:
                if block.kind == "image" and block.src:
                    spec = AttachmentSpec(name=block.text or block.src, filename=block.src, kind="image")
                    index[self.image_path(doc, block.src)] = (doc, spec)
        return index

    def serve_attachment(self, path: str) -> Response | None:
        found = self.attachment_index().get(path)
        if found is None:
            return None
        doc, spec = found
        ext = spec.filename.rsplit(".", 1)[-1].lower()
        ctype = CONTENT_TYPES.get(ext) or mimetypes.guess_type(spec.filename)[0] or "application/octet-stream"
        body = render.corpus().attachment_bytes(self.key, spec)
        headers = []
        if spec.kind != "image":
            headers.append(("Content-Disposition", f"attachment; filename=\"{spec.filename}\""))
        return Response(200, body, ctype, headers, last_modified=china_datetime(doc.published))

    # ----------------------------------------------------------------- detail
    def last_modified(self, doc: Document) -> dt.datetime:
        """When the page last changed: its publication, or the (later) edit of an edited report."""
        edition = self.options.edition
        if doc.edited_in is not None and edition >= doc.edited_in:
            return china_datetime(doc.published + dt.timedelta(days=30 * doc.edited_in), hour=15)
        return china_datetime(doc.published)

    def detail_response(self, entry: Entry) -> Response:
        key = (entry.doc.doc_id, self.options.edition)
        with self._lock:
            body = self._details.get(key)
        if body is None:
            body = self.encode(self.render_detail(entry.doc))
            with self._lock:
                self._details[key] = body
        return Response(200, body, self.content_type(), last_modified=self.last_modified(entry.doc))

    def render_detail(self, doc: Document) -> str:
        raise NotImplementedError

    # ---------------------------------------------------------------- serving
    def encode(self, text: str) -> bytes:
        return text.encode(self.charset, errors="xmlcharrefreplace")

    def content_type(self) -> str:
        return f"text/html; charset={self.charset}"

    def html(self, text: str, status: int = 200) -> Response:
        return Response(status, self.encode(text), self.content_type())

    def not_found(self) -> Response:
        return self.html(render.not_found_page(self.site.agency, charset=self.charset), 404)

    def robots_txt(self) -> str:
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in DISALLOWED_PREFIXES), "Allow: /", ""]
        return "\n".join(lines)

    def search_page(self) -> Response:
        return self.html(render.page("站内搜索", '<div class="search"><form action="/search/"><input name="q" /></form>'
                                      "<p>请输入检索关键词。</p></div>", charset=self.charset))

    def handle(self, request: Request) -> Response:
        """Entry point from the server: robots.txt, disallowed paths, then the CMS's own routes."""
        if request.path == "/robots.txt":
            return Response(200, self.robots_txt().encode("ascii"), "text/plain")
        gate = self.gate(request)
        if gate is not None:
            return gate
        if request.path.startswith(DISALLOWED_PREFIXES):
            return self.search_page()
        response = self.route(request)
        return response if response is not None else self.not_found()

    def gate(self, request: Request) -> Response | None:
        """An anti-bot check in front of the site (xuancheng); None lets the request through."""
        return None

    def route(self, request: Request) -> Response | None:
        raise NotImplementedError

    def http_date(self, moment: dt.datetime) -> str:
        return format_datetime(moment.astimezone(dt.timezone.utc), usegmt=True)
