"""Parse a cleaned page into a classified report item (the implementation of parse_cleaned).

Each stage is guarded: a failure in one becomes a warning and the item is still returned.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Callable, Iterator, TypeVar

from lxml import etree

from ..cleaning import CleanedPage
from ..cleaning.text import text_content
from ..items import ReportItem, Stat
from . import PARSER_VERSION, ParseResult
from .attachments import extract_attachments
from .checks import image_only_tables, lost_characters, missing_announced_parts, subcounts, truncation
from .classify import CHALLENGE_MAX_BODY, classify, published_report_title, report_markers
from .metadata import Metadata, extract_metadata
from .region import region_of
from .sections import Heading, build_sections, find_headings, level1_title_by_line
from .stats_text import LabelledStats, flattened_stats, prose_stats
from .tables import expand_table, labelled_table_stats, read_tables, table_kinds
from .textnodes import IN_DOCUMENT_ORDER_XPATH, TextNodes
from .title import (
    Closing,
    agency_from_title,
    find_closing,
    is_agency_name,
    join_cjk,
    looks_like_report_title,
    report_year,
    title_from_lines,
    title_from_page_title,
    title_quoted_in_opening,
    year_of,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Suffixes of a place whose own report is its people's government's (玉溪市 -> 玉溪市人民政府).
_PLACE_RE = re.compile(r"(?:省|市|县|区|州|旗|盟|镇|乡)$")
_HEADING_TAGS = ("h1", "h2", "h3")
#: Warning of a report whose page prints no title (Anhui pages); :mod:`harvester.hints` may
#: derive one from the registry's name.
NO_TITLE_WARNING = "no title on the page"
_TITLE_CLASS_RE = re.compile(r"title|biaoti|bt\b", re.I)
_BT_WORD_RE = re.compile(r"bt\b")


def _names_title(value: str) -> bool:
    """``_TITLE_CLASS_RE.search(value)``: for an ASCII value (nearly every class or id) its
    lower-cased form searched for the words in C, which is what re.I does for ASCII text (a
    case-insensitive pattern tries each alternative at every character, ~0.6 µs a value)."""
    if not value.isascii():
        return _TITLE_CLASS_RE.search(value) is not None
    low = value.lower()
    return "title" in low or "biaoti" in low or "bt" in low and _BT_WORD_RE.search(low) is not None


def _guard(warnings: list[str], stage: str, fn: Callable[[], T], default: T) -> T:
    try:
        return fn()
    except Exception as exc:  # parse never raises: report the failure on the item instead
        log.debug("parse stage %s failed", stage, exc_info=True)
        warnings.append(f"parser error in {stage}: {type(exc).__name__}: {exc}")
        return default


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_TITLE_HOLDER_TAGS = frozenset(("div", "p", "span", "td"))
#: h1-h3 and every class/id attribute, in document order (an attribute follows its element):
#: plain steps, which libxml2 runs much faster than a predicate on every element.
_HEADINGS_AND_NAMES_XPATH = etree.XPath(" | ".join(
    [f"descendant-or-self::{tag}" for tag in _HEADING_TAGS] + ["descendant-or-self::*/@class", "descendant-or-self::*/@id"]))


def _title_elements(root, names=None) -> Iterator:
    """h1-h3 and the div/p/span/td whose class or id names a title, once each, in document
    order. (The pattern cannot match across the space between class and id, so testing each
    value alone, once per distinct value, is testing both joined.) ``names``: the page's
    class/id attributes as the cleaner read them (:class:`harvester.cleaning.chrome.PageNames`)."""
    if names is not None:
        yield from _title_elements_from(root, names)
        return
    named: dict[str, bool] = {}
    last = None
    for node in _HEADINGS_AND_NAMES_XPATH(root):
        if getattr(node, "is_attribute", False):
            value = str(node)
            hit = named.get(value)
            if hit is None:
                hit = named[value] = _names_title(value)
            if not hit:
                continue
            el = node.getparent()
            if el is None or el.tag not in _TITLE_HOLDER_TAGS and el.tag not in _HEADING_TAGS:
                continue
        else:
            el = node
        if el is not last:
            last = el
            yield el


def _title_elements_from(root, names) -> list:
    """``_title_elements`` from the class/id values already read: the headings and the named
    elements, put in document order by libxml2 (no second pass over every attribute)."""
    found = list(root.iter(*_HEADING_TAGS))
    named: dict[str, bool] = {}
    for values in (names.classes(), names.ids()):
        for value in values:
            hit = named.get(value)
            if hit is None:
                hit = named[value] = _names_title(value)
            if hit:
                el = value.getparent()
                if el is not None and (el.tag in _TITLE_HOLDER_TAGS or el.tag in _HEADING_TAGS):
                    found.append(el)
    if len(found) < 2:
        return found
    return IN_DOCUMENT_ORDER_XPATH(root, nodes=found)


def _heading_texts(root, names=None) -> list[str]:
    """Texts of h1-h3 and title-classed elements (a title split by <br> is joined)."""
    out: list[str] = []
    if root is None:
        return out
    for el in _title_elements(root, names):
        text = join_cjk(re.sub(r"\s+", " ", text_content(el)))
        if text and len(text) <= 90:
            out.append(text)
        if len(out) >= 40:
            break
    return out


def choose_title(page: CleanedPage, md: Metadata, lines: list[str]) -> str | None:
    """The first report-like title: metadata, headings, ``<title>``, the body's title lines.

    A heading counts only when it names a year: column headings (政府信息公开年报) and site
    banners look like report titles but title every page of the column.
    """
    for candidate in _title_candidates(page, md, lines):
        if candidate and looks_like_report_title(candidate):
            return join_cjk(candidate)
    return None


def _title_candidates(page: CleanedPage, md: Metadata, lines: list[str]) -> Iterator[str | None]:
    """``choose_title``'s candidates, best first, each read only when the ones before it are no
    report title: the metadata name (``ArticleTitle``) of most CMS pages is one, and the
    headings' texts (every h1-h3 and title-classed element of the page) are then not read
    (choose_title 0.15 -> 0.03 ms on a 336 KB page)."""
    yield md.name
    yield from (h for h in _heading_texts(page.root, page.names) if year_of(h))
    yield title_from_page_title(page.page_title)
    yield title_from_lines(lines)
    yield title_quoted_in_opening(lines)


def _fallback_title(page: CleanedPage, md: Metadata, lines: list[str]) -> str | None:
    for candidate in (md.name, title_from_page_title(page.page_title)):
        if candidate:
            return candidate
    for line in lines[:5]:
        if line.strip():
            return line.strip()[:90]
    return None


def choose_agency(title: str | None, closing: Closing) -> tuple[str | None, str | None]:
    """(agency, where it was read) from the page alone: the title's body, else the signature.

    A title that names only a place (玉溪市2017年…) names that place's people's government when
    the place is a division (or a town); any other prefix (平潭综合实验区) is kept as printed.
    """
    from_title = agency_from_title(title)
    if from_title and is_agency_name(from_title):
        signature = closing.signature
        if signature and len(signature) > len(from_title) and signature.endswith(from_title):
            # The same body, named in full at the end (天津市南开区向阳路街道办事处).
            return signature, "signature"
        return from_title, "title"
    if closing.signature:
        return closing.signature, "signature"
    if from_title and len(from_title) <= 16:
        last_place = from_title
        region = region_of([("title", from_title)])
        if _PLACE_RE.search(from_title) and (region is not None and region.name.endswith(from_title)
                                                       or from_title.endswith(("镇", "乡"))):
            return f"{last_place}人民政府", "title (place name)"
        return from_title, "title"
    return None, None


def _content_tables(page: CleanedPage) -> list:
    scope = page.content if page.content is not None else page.root
    if scope is None:
        return []
    # Layout tables wrap other tables: keep the innermost ones, which hold the data.
    return [t for t in scope.iter("table") if next(t.iterdescendants("table"), None) is None]


def _table_caption(table) -> str | None:
    cap = table.find("caption")
    return re.sub(r"\s+", " ", text_content(cap)).strip() if cap is not None else None


_SECTION_KEYWORDS = {"proactive": ("主动公开",), "requests": ("申请",), "appeals": ("复议", "诉讼")}


def _section_for_kind(kind: str | None, level1_titles: list[str]) -> str | None:
    for word in _SECTION_KEYWORDS.get(kind or "", ()):
        for title in level1_titles:
            if word in title:
                return title
    return None


def collect_stats(page: CleanedPage, lines: list[str], owners: list[str | None], grids: list[list[list[str]]],
                  level1_titles: list[str], warnings: list[str]) -> tuple[dict[str, Stat], bool]:
    """All statistics, best source first: standard tables, other tables, flattened lines, prose."""
    stats: dict[str, Stat] = {}

    def owner(i: int) -> str | None:
        return owners[i] if 0 <= i < len(owners) else None

    kinds = table_kinds(grids)  # a standard table split in pieces: every piece takes its kind
    sections = {kind: _section_for_kind(kind, level1_titles) for kind in kinds if kind}
    standard = read_tables(grids, kinds, sections)
    warnings.extend(standard.warnings)
    for s in standard.stats:
        stats.setdefault(s.key, s)

    acc = LabelledStats()
    for grid, kind in zip(grids, kinds):
        if kind is None:
            labelled_table_stats(grid, acc)
    for f in list(acc.found.values()) + flattened_stats(lines):
        stats.setdefault(f.key, Stat(f.key, f.value, f.unit, f.label, "table", owner(f.line_index)))
    for f in prose_stats(lines, stats.keys()):
        stats.setdefault(f.key, Stat(f.key, f.value, f.unit, f.label, "text", owner(f.line_index)))
    return stats, bool(standard.stats) or bool(acc.found)


def parse_cleaned(page: CleanedPage, site: str | None = None) -> ParseResult:
    """Classify and parse a cleaned page. ``site`` is only recorded on the item: parsing reads
    the page alone (registry hints are applied afterwards by :mod:`harvester.hints`)."""
    item = ReportItem(site=site or page.site or "", url=page.url, parser_version=PARSER_VERSION)
    warnings = item.warnings
    try:
        return _parse(page, item, warnings)
    except Exception as exc:  # last line of defence: never raise, keep what was found
        log.debug("parse failed", exc_info=True)
        warnings.append(f"parser error: {type(exc).__name__}: {exc}")
        return ParseResult(kind="other", reason="parser error", item=item)


def _footer_host(page: CleanedPage, text_nodes: TextNodes | None = None) -> str | None:
    """The 主办单位 named in the page's footer (outside the report container): the first div, p,
    td or span whose own leading text names 主办 and whose text gives ``_HOST_RE``. ``text_nodes``:
    those of ``page.root`` where the caller has them."""
    for line in page.removed_lines or []:
        m = _HOST_RE.search(line)
        if m:
            return m.group(1)
    if page.root is None:
        return None
    # An element's .text is its first child text node (the parser keeps no comment to come first)
    for node in (text_nodes or TextNodes(page.root)).holding(("主办",)):
        el = node.getparent()
        if node.is_text and el.tag in _FOOTER_HOST_TAGS:
            m = _HOST_RE.search(text_content(el))
            if m:
                return m.group(1)
    return None


_FOOTER_HOST_TAGS = frozenset(("div", "p", "td", "span"))
_HOST_RE = re.compile(r"主办(?:单位)?\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40}?)(?:\s|$|[|｜,，;；]|承办|协办|版权|地址|电话|网站)")


def _region_texts(page: CleanedPage, item: ReportItem, md: Metadata,
                  text_nodes: TextNodes | None = None) -> Iterator[tuple[str, str | None]]:
    """``region_of``'s (source, text) pairs, most specific first, each read only when the ones
    before it name no region: the footer host (a search of the page's text nodes and the text of
    its element) is not looked for where the agency or the title names the place."""
    yield "agency", item.agency
    yield "title", item.title
    yield "publisher", md.publisher
    meta = {k.lower(): v for k, v in (page.meta or {}).items()}
    yield "meta SiteName", meta.get("sitename")
    yield "meta ContentSource", meta.get("contentsource")
    yield "footer 主办单位", _footer_host(page, text_nodes)


def _region(page: CleanedPage, item: ReportItem, md: Metadata, text_nodes: TextNodes | None = None) -> None:
    """The region from the body's name on the page, most specific source first. ``text_nodes``:
    those of ``page.root`` where the caller has them (the footer host is found among them)."""
    region = region_of(_region_texts(page, item, md, text_nodes))
    if region is None:
        item.region = None
        return
    item.region = region.name
    item.region_code = region.code
    item.field_sources["region"] = region.source


def _parse(page: CleanedPage, item: ReportItem, warnings: list[str]) -> ParseResult:
    text = page.text or ""
    lines = text.split("\n")
    item.body_text = text
    item.cleaning = dict(page.cleaning or {})

    head_lines = list(page.removed_lines or []) + lines[:25]
    # the page's text nodes, read once for metadata's colon/dash blocks, the attachments' link
    # texts and the footer host
    text_nodes = TextNodes(page.root) if page.root is not None else None
    md = _guard(warnings, "metadata", lambda: extract_metadata(page.root, head_lines, page.meta or {}, text_nodes,
                                                                 page.cell_texts),
                Metadata())
    item.index_no, item.publisher, item.category = md.index_no, md.publisher, md.category
    item.doc_no = md.doc_no
    item.published_date = md.published_date

    # Sections: find the closing first so statistics-table rows after it are not headings.
    headings: list[Heading] = _guard(warnings, "sections", lambda: find_headings(lines), [])
    last_l1 = max((h.line_index for h in headings if h.level == 1), default=None)
    first_l1 = min((h.line_index for h in headings if h.level == 1), default=0)
    closing = _guard(warnings, "closing", lambda: find_closing(lines, last_l1 or 0), Closing())
    if closing.signed_date is None and last_l1 is not None:
        closing = _guard(warnings, "closing", lambda: find_closing(lines, first_l1), Closing())
        if closing.line_index is not None:
            headings = _guard(warnings, "sections", lambda: find_headings(lines, closing.line_index), headings)
    item.sections = _guard(warnings, "sections", lambda: build_sections(lines, headings), [])
    owners = level1_title_by_line(len(lines), headings)
    if closing.line_index is not None:
        for i in range(closing.line_index, len(owners)):
            owners[i] = None  # the appendix after the signature belongs to no section
    item.signed_date = closing.signed_date

    title = _guard(warnings, "title", lambda: choose_title(page, md, lines), None)

    scripts = ""
    if page.root is not None and len(text.strip()) < CHALLENGE_MAX_BODY:  # else classify reads none
        scripts = " ".join((s.text or "")[:2000] for s in page.root.iter("script"))[:20000]
    file_type = (page.cleaning or {}).get("file_type")
    if file_type:
        return ParseResult(kind="file", reason=f"a {file_type} file, not an HTML page", item=item)
    verdict = _guard(warnings, "classify", lambda: classify(title or _fallback_title(page, md, lines), text, page.content, scripts), None)
    kind, reason = (verdict.kind, verdict.reason) if verdict else ("other", "classification failed")
    if kind == "notice" and published_report_title(title):
        # 关于公布…年度报告的通知 carrying the report itself: the report's own title line follows
        # the notice's few lines.
        body_title = title_from_lines(lines, max_lines=60)
        if body_title and year_of(body_title) and report_markers(text) >= 4:
            title = body_title
            kind, reason = "report", "a notice publishing the report, the report in its body"

    item.report_year = _guard(warnings, "year", lambda: report_year(title, lines, md.published_date), None)
    no_agency: tuple[str | None, str | None] = (None, None)
    item.agency, agency_source = _guard(warnings, "agency", lambda: choose_agency(title, closing), no_agency)
    if agency_source:
        item.field_sources["agency"] = agency_source
    if title is None and kind == "report":
        if item.agency and item.report_year:
            title = f"{item.agency}{item.report_year}年政府信息公开工作年度报告"
            warnings.append(f"{NO_TITLE_WARNING}: derived from agency and year")
        else:
            warnings.append(NO_TITLE_WARNING)
    item.title = title or _fallback_title(page, md, lines)
    _guard(warnings, "region", lambda: _region(page, item, md, text_nodes), None)
    if kind == "report":
        if not item.agency:
            warnings.append("agency: the page names no reporting body (no title prefix, no signature)")
        if not item.region:
            warnings.append("region: no administrative division named on the page")

    tables: list = _guard(warnings, "tables", lambda: _content_tables(page), [])
    grids: list[list[list[str]]] = []
    for table in tables:
        grid: list[list[str]] = _guard(warnings, "tables", lambda: expand_table(table, page.cell_texts), [])
        if grid:
            grids.append(grid)
            item.tables.append({"caption": _table_caption(table), "rows": grid})
    item.attachments = _guard(warnings, "attachments",
                              lambda: extract_attachments(page.root, page.content, page.url, text_nodes), [])

    if kind == "report":
        level1 = [s.title for s in item.sections if s.level == 1]
        no_stats: tuple[dict[str, Stat], bool] = ({}, False)
        stats, has_table_stats = _guard(
            warnings, "statistics", lambda: collect_stats(page, lines, owners, grids, level1, warnings), no_stats)
        item.stats = list(stats.values())
        warnings.extend(_guard(warnings, "checks", lambda: subcounts(stats), []))
        warnings.extend(_guard(warnings, "checks", lambda: truncation(lines, closing.signed_date), []))
        warnings.extend(_guard(warnings, "checks", lambda: missing_announced_parts(lines, len(level1)), []))
        has_table_stats = has_table_stats or any(s.source == "table" for s in item.stats)
        warnings.extend(_guard(warnings, "checks", lambda: image_only_tables(item.attachments, text, has_table_stats), []))
    warnings.extend(_guard(warnings, "checks", lambda: lost_characters(text), []))
    return ParseResult(kind=kind, reason=reason, item=item)  # type: ignore[arg-type]
