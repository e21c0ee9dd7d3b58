"""Files pipeline: fetch what report pages link (PDF, DOC(X), WPS, XLS(X), pictures) in the same
crawl, read them (harvester.files) and merge them into the page's report item.

Between parse and store. The requests go through ``crawler.engine.download_async``, as Scrapy's
own MediaPipeline does: every downloader middleware applies (robots.txt, the per-site download
slot with its delay and AutoThrottle, retries, user agent), so files are fetched as politely as
pages. Files over HARVESTER_FILE_MAX_BYTES are cut off by Scrapy's ``download_maxsize``. On an
incremental harvest a file already stored is not fetched again (its bytes come from the
archive). Reading (LibreOffice, OCR) runs in a thread, off the reactor.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone
from typing import Any

from scrapy import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from harvester.items import Attachment, PageItem

logger = logging.getLogger(__name__)

FETCHED_KINDS = ("pdf", "doc", "xls", "image")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FilesPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.enabled = settings.getbool("HARVESTER_FILES", True)
        self.max_bytes = settings.getint("HARVESTER_FILE_MAX_BYTES", 50 * 1024 * 1024)
        self.per_page = settings.getint("HARVESTER_FILES_PER_PAGE", 10)
        self.incremental = settings.getbool("HARVESTER_INCREMENTAL", False)
        from harvester.files import ocr_enabled

        self.ocr = settings.getbool("HARVESTER_OCR", False) or ocr_enabled()
        self._store = None

    @classmethod
    def from_crawler(cls, crawler) -> "FilesPipeline":
        return cls(crawler)

    def close_spider(self) -> None:
        if self._store is not None:
            self._store.engine.dispose()

    @property
    def store(self):
        if self._store is None:
            from harvester.storage import Store

            self._store = Store(self.crawler.settings.get("HARVESTER_DATABASE_URL") or None)
        return self._store

    async def process_item(self, item: Any) -> Any:
        if not self.enabled or not isinstance(item, PageItem) or item.error or item.result is None:
            return item
        try:
            await self._process(item)
        except Exception:  # the page is still stored; its files are retried on the next harvest
            logger.exception("files of %s failed", item.url)
            self.crawler.stats.inc_value("harvester/files/errors")
        return item

    async def _process(self, item: PageItem) -> None:
        from harvester.files import sniff_format

        if sniff_format(item.body[:4096]) not in ("html", "text", "empty", "unknown"):
            # the report *is* a file (a listing linking straight to a PDF)
            item.result = await maybe_deferred_to_future(deferToThread(self._parse_file_page, item))
            return
        result = item.result
        kinds = getattr(result, "attachment_kinds", None)  # a parse worker's ShippedResult
        if kinds is not None and not any(kind in FETCHED_KINDS for kind in kinds):
            return  # nothing to fetch: its report stays unread (pickled) in this process
        attachments = [a for a in result.item.attachments if a.kind in FETCHED_KINDS]
        if not attachments or not (result.is_report or _cover_candidate(result)):
            return
        files = []
        for attachment in attachments[: self.per_page]:
            files.append(await self._fetch(attachment, item))
        item.files = files
        item.result = await maybe_deferred_to_future(deferToThread(self._read_and_merge, result, files))

    async def _fetch(self, attachment: Attachment, item: PageItem):
        from harvester.storage.attachments import FetchedFile, known_file, stored_files

        stats = self.crawler.stats
        fetched = FetchedFile(url=attachment.url, name=attachment.name, kind=attachment.kind, fetched_at=_now())
        if self.incremental:
            known = await maybe_deferred_to_future(deferToThread(known_file, self.store, attachment.url))
            if known is not None:
                rows = await maybe_deferred_to_future(deferToThread(stored_files, self.store, [attachment.url]))
                _row, body = rows.get(attachment.url, (None, None))
                if body is not None:
                    fetched.body, fetched.sha256, fetched.reused = body, known["sha256"], True
                    fetched.content_type, fetched.status = known["content_type"], known["status"]
                    stats.inc_value("harvester/files/reused")
                    return fetched
        request = Request(attachment.url, headers={"Referer": item.final_url or item.url},
                          meta={"download_maxsize": self.max_bytes, "handle_httpstatus_all": True,
                                "harvester_file": True}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # robots.txt (IgnoreRequest), size cap (cancelled), DNS, timeout
            fetched.error = _fetch_error(exc, self.max_bytes)
            stats.inc_value("harvester/files/failed")
            logger.info("file not fetched (%s): %s", fetched.error, attachment.url)
            return fetched
        fetched.status = response.status
        fetched.content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        if response.status >= 400:
            fetched.error = f"HTTP {response.status}"
            stats.inc_value("harvester/files/failed")
            return fetched
        fetched.body = response.body
        fetched.sha256 = hashlib.sha256(response.body).hexdigest()
        stats.inc_value("harvester/files/fetched")
        stats.inc_value("harvester/files/bytes", len(response.body))
        return fetched

    def _read_and_merge(self, result, files):
        from harvester.files.report import FileResult, apply_files, read_attachment
        from harvester.files.types import FileContent

        results = []
        for fetched in files:
            attachment = Attachment(url=fetched.url, name=fetched.name, kind=fetched.kind)  # type: ignore[arg-type]
            if fetched.body is None:
                results.append(FileResult(attachment, FileContent(format="unknown", error=f"not fetched: {fetched.error}")))
                continue
            fr = read_attachment(attachment, fetched.body, fetched.content_type, ocr=self.ocr)
            fetched.extraction = fr.content.summary()
            self.crawler.stats.inc_value(f"harvester/files/format/{fr.content.format}")
            if fr.content.error:
                self.crawler.stats.inc_value("harvester/files/unreadable")
            results.append(fr)
        return apply_files(result, results)

    def _parse_file_page(self, item: PageItem):
        from harvester.files.report import parse_file_page

        parsed = parse_file_page(item.url, item.body, item.headers, item.site, ocr=self.ocr)
        before = item.result.item
        for name in ("fetched_at", "content_sha256", "status", "final_url", "harvest_run"):
            setattr(parsed.item, name, getattr(before, name))
        self.crawler.stats.inc_value("harvester/files/report_is_file")
        return parsed


def _cover_candidate(result) -> bool:
    from harvester.parsing.title import looks_like_report_title

    return result.kind in ("news", "other", "error") and looks_like_report_title(result.item.title or "")


def _fetch_error(exc: Exception, max_bytes: int) -> str:
    name = type(exc).__name__
    text = str(exc)
    if name == "IgnoreRequest" or "robots" in text.lower():
        return "forbidden by robots.txt"
    if name in ("CancelledError", "DownloadCancelledError") or "maxsize" in text.lower() or "max size" in text.lower():
        return f"too large: over the {max_bytes}-byte cap"
    return f"{name}: {text}"[:200]
