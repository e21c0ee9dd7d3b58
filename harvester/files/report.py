"""A file's content through the standard parser, and a page's attachments merged into its item.

The file's paragraphs and table grids are laid out as a minimal HTML document (one ``<p>`` per
paragraph, one ``<table>`` per grid, in document order) and parsed by ``parse_page``: sections,
prose statistics, standard-table keys and their identity checks are exactly those of an HTML
page, with no second parser to keep in step.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..items import Attachment, ReportItem, Stat
from .. import parsing
from ..parsing import ParseResult
from .extract import extract_file
from .types import FileContent, Grid

_EXT_RE = re.compile(r"\.[A-Za-z0-9]{2,5}$")


def content_html(content: FileContent, title: str | None = None) -> bytes:
    """The file's content as a minimal UTF-8 HTML page (what ``parse_page`` reads)."""
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8">']
    if title:
        parts.append(f"<title>{html.escape(title)}</title>")
    parts.append('</head><body><div class="article-content" id="file-content">')
    for block in content.blocks:
        if isinstance(block, int):
            parts.append(_table_html(content.tables[block]))
        else:
            parts.append(f"<p>{html.escape(block)}</p>")
    parts.append("</div></body></html>")
    return "\n".join(parts).encode("utf-8")


def _table_html(grid: Grid) -> str:
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in grid)
    return f"<table>{rows}</table>"


def file_title(name: str) -> str:
    """A file name as a title: directory, extension and 附件： prefixes dropped."""
    base = name.rsplit("/", 1)[-1]
    base = _EXT_RE.sub("", base)
    return re.sub(r"^附件\s*\d*\s*[:：]?\s*", "", base).strip()


def parse_content(content: FileContent, url: str, name: str = "", site: str | None = None) -> ParseResult:
    """Parse a file's content as a report page. Statistics read from an OCR'd table are marked
    ``source="ocr"`` with their cell's confidence; a failed identity check in an OCR'd table
    keeps its values out of the statistics (a warning says why)."""
    result = parsing.parse_page(url, content_html(content, file_title(name) or None),
                                {"content-type": "text/html; charset=utf-8"}, site)
    item = result.item
    if not result.is_report:
        # An attachment alone is often no report (a statistics table, a picture of one): its
        # statistics still count for the page that links it.
        from ..parsing.parse import collect_stats

        lines = content.text.split("\n")
        warnings: list[str] = []
        stats, _ = collect_stats(None, lines, [None] * len(lines), content.tables, [], warnings)
        item.stats = list(stats.values())
        item.warnings.extend(warnings)
    for stat in item.stats:
        stat.origin = name or None
    if content.ocr:
        _mark_ocr(item, content)
    return result


_IDENTITY_WARNING_RE = re.compile(r"^(request table|appeal table)")


def _mark_ocr(item: ReportItem, content: FileContent) -> None:
    failed = [w for w in item.warnings if _IDENTITY_WARNING_RE.match(w)]
    kept: list[Stat] = []
    for stat in item.stats:
        if stat.source != "table":
            # prose read by OCR: no identity to check it against, keep it marked
            stat.source = "ocr"
            stat.confidence = content.confidence
            kept.append(stat)
            continue
        stat.source = "ocr"
        stat.confidence = _cell_confidence(content, stat)
        if failed and stat.key.startswith(("requests.", "reconsideration.", "litigation.")):
            continue
        kept.append(stat)
    if failed:
        item.warnings.append(
            f"OCR: {len(failed)} identity check(s) of the OCR'd table failed: its request/appeal values are "
            "kept out of the statistics (see the tables)")
    item.stats = kept


def _cell_confidence(content: FileContent, stat: Stat) -> float | None:
    """Confidence of the cell the value came from: the row whose label matches, the cell that
    holds the value; the table's mean when it cannot be found."""
    wanted = _number_text(stat.value)
    label = re.sub(r"\s+", "", stat.label or "")
    for index, grid in enumerate(content.tables):
        confs = content.cell_confidence.get(index)
        if not confs:
            continue
        for r, row in enumerate(grid):
            joined = re.sub(r"\s+", "", "".join(row))
            if label and label.split(" ")[0] not in joined and label not in joined:
                continue
            for c, cell in enumerate(row):
                if re.sub(r"[\s,，]", "", cell) == wanted and confs[r][c] is not None:
                    return round(confs[r][c], 3)
    return None if content.confidence is None else round(content.confidence, 3)


def _number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ----------------------------------------------------------------------------------- merge

@dataclass
class FileResult:
    """One attachment of a page: its link, what was read, and its parse (when readable)."""

    attachment: Attachment
    content: FileContent
    parsed: ParseResult | None = None


def read_attachment(attachment: Attachment, data: bytes, content_type: str | None = None, *,
                    ocr: bool | None = None) -> FileResult:
    content = extract_file(data, attachment.name if _EXT_RE.search(attachment.name or "") else attachment.url,
                           content_type, ocr=ocr)
    result = FileResult(attachment, content)
    if content.ok:
        result.parsed = parse_content(content, attachment.url, attachment.name or file_title(attachment.url))
    return result


#: A page whose own text is shorter than this (and that links a file) is a cover for the file.
COVER_PAGE_CHARS = 300


def merge_files(item: ReportItem, files: list[FileResult]) -> None:
    """Fold a report page's attachments into its item, in place.

    - Statistics: a key the page lacks is taken from the file (``origin`` = the file's name);
      when page and file disagree, a warning says so and the better source wins as on a page
      (a table cell, or an OCR'd cell read with confidence >= 0.9, beats the page's prose;
      otherwise the page's value is kept).
    - A page that is only a cover for its file (详见附件: little text of its own) takes the
      file's body text, sections, signed date, year and title where the page has none.
    - Tables of the files are added to ``tables`` with their origin; unreadable files add a
      warning with the reason (encrypted, corrupt, OCR off ...).
    """
    have = {s.key: s for s in item.stats}
    cover = len(re.sub(r"\s+", "", item.body_text or "")) < COVER_PAGE_CHARS
    for f in files:
        name = f.attachment.name or f.attachment.url
        c = f.content
        if c.error:
            item.warnings.append(f"attachment {name}: not read: {c.error}")
            continue
        for w in c.warnings:
            item.warnings.append(f"attachment {name}: {w}")
        for index, grid in enumerate(c.tables):
            item.tables.append({"caption": None, "rows": grid, "origin": name, "ocr": c.ocr})
        if f.parsed is None:
            continue
        fitem = f.parsed.item
        for stat in fitem.stats:
            mine = have.get(stat.key)
            if mine is None:
                item.stats.append(stat)
                have[stat.key] = stat
            elif mine.value != stat.value and mine.origin is None:
                if _outranks(stat, mine):
                    # best source first, as on a page: a table cell beats a sentence
                    item.stats[item.stats.index(mine)] = stat
                    have[stat.key] = stat
                    kept = "file value kept: a table beats the page's prose"
                else:
                    kept = "page value kept"
                item.warnings.append(
                    f"attachment {name}: {stat.key} = {_number_text(stat.value)} in the file, "
                    f"{_number_text(mine.value)} on the page ({kept})")
        for w in fitem.warnings:
            if w.startswith(("request table", "appeal table", "OCR")):
                item.warnings.append(f"attachment {name}: {w}")
        if cover and fitem.body_text.strip():
            item.body_text = (item.body_text.rstrip() + "\n" + fitem.body_text).strip()
            if not item.sections:
                item.sections = fitem.sections
            item.signed_date = item.signed_date or fitem.signed_date
            item.report_year = item.report_year or fitem.report_year
            item.agency = item.agency or fitem.agency
            if not item.title:
                item.title = fitem.title
    if any(f.content.ok for f in files):
        # the statistics are no longer only in a picture the parser could not read
        item.warnings[:] = [w for w in item.warnings if not _is_image_only_warning(w, item)]


#: An OCR'd cell outranks page prose only when read this surely.
OCR_TRUST = 0.9


def _outranks(file_stat: Stat, page_stat: Stat) -> bool:
    if page_stat.source != "text":
        return False
    if file_stat.source == "table":
        return True
    return file_stat.source == "ocr" and file_stat.confidence is not None and file_stat.confidence >= OCR_TRUST and (
        file_stat.label is not None)


def _is_image_only_warning(warning: str, item: ReportItem) -> bool:
    return warning.startswith("statistics table published only as an image") and any(
        s.origin and s.source == "ocr" for s in item.stats)


def apply_files(result: ParseResult, files: list[FileResult]) -> ParseResult:
    """The page's parse result with its files merged (see :func:`merge_files`). A page that is
    not a report by itself but carries a report title and links a file that parses as a report
    (a cover page: 详见附件) becomes a report, its content from the file."""
    from ..parsing.title import looks_like_report_title

    item = result.item
    if not result.is_report:
        if result.kind not in ("news", "other", "error") or not looks_like_report_title(item.title or ""):
            return result
        report_file = next((f for f in files if f.parsed is not None and f.parsed.is_report), None)
        if report_file is None:
            return result
        result = ParseResult(kind="report", reason=f"report published as a file: {report_file.attachment.name}",
                             item=item)
        item.warnings.append(f"the page is a cover: the report is the attached file {report_file.attachment.name}")
    merge_files(item, files)
    return result


#: Attachment kinds the crawl fetches (and re-parse merges from the archive).
FILE_KINDS = ("pdf", "doc", "xls", "image")

def parse_with_files(url: str, body: bytes, headers=None, site: str | None = None, *,
                     stored_files=None, ocr: bool | None = None) -> ParseResult:
    """Parse a stored page as the crawl did: a body that is itself a file (a PDF the listing
    links directly) through the file readers; an HTML page through ``parse_page``, then its
    linked files merged from ``stored_files(urls) -> {url: (row, bytes)}`` (the archive:
    offline). Never raises."""
    from .extract import sniff_format

    if sniff_format(body[:4096]) not in ("html", "text", "empty", "unknown"):
        return parse_file_page(url, body, headers, site, ocr=ocr)
    result = parsing.parse_page(url, body, headers, site)  # looked up at call time: tests swap it
    if stored_files is None:
        return result
    from ..parsing.title import looks_like_report_title

    attachments = [a for a in result.item.attachments if a.kind in FILE_KINDS]
    cover = result.kind in ("news", "other", "error") and looks_like_report_title(result.item.title or "")
    if not attachments or not (result.is_report or cover):
        return result
    rows = stored_files([a.url for a in attachments])
    files = []
    for attachment in attachments:
        row, data = rows.get(attachment.url, (None, None))
        if row is None:
            continue  # never fetched (linked after the harvest, or files off): nothing to merge
        if data is None:
            files.append(FileResult(attachment, FileContent(format="unknown", error=f"not fetched: {row.get('error')}")))
        else:
            files.append(read_attachment(attachment, data, row.get("content_type"), ocr=ocr))
    return apply_files(result, files)


def parse_file_page(url: str, body: bytes, headers=None, site: str | None = None, *,
                    ocr: bool | None = None) -> ParseResult:
    """A report that is a file (the URL answers with a PDF, DOC, XLS or picture)."""
    ctype = None
    if headers:
        for k, v in dict(headers).items():
            if str(k).lower() == "content-type":
                ctype = v[0] if isinstance(v, (list, tuple)) else v
                ctype = ctype.decode("latin-1") if isinstance(ctype, bytes) else ctype
    content = extract_file(body, url, ctype, ocr=ocr)
    if not content.ok:
        # the parser's own verdict on non-HTML bytes (kind "file", cleaning.file_type), with why
        result = parsing.parse_page(url, body, headers, site)
        result.reason = f"{result.reason}; not read: {content.error}"
        result.item.warnings.append(f"the page is a file that could not be read: {content.error}")
        return result
    result = parse_content(content, url, url.rsplit("/", 1)[-1], site)
    result.item.warnings[:0] = [f"file: {w}" for w in content.warnings]
    return result
