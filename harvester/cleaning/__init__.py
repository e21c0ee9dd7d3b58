"""Clean stage: raw bytes -> decoded, de-chromed, Simplified-Chinese page.

Plain functions, no Scrapy, no network, no database: used by the crawl pipelines, by re-parse
and by ``harvester parse``. Entry point: :func:`clean_page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

HeadersLike = Mapping[str, Any]  # name -> str | bytes | list of those (case-insensitive names)


@dataclass
class CleanedPage:
    url: str
    site: str | None
    #: Codec actually used to decode the body (e.g. "gb18030", "utf-8").
    encoding: str
    #: The whole document after decoding, pinyin removal and Traditional->Simplified conversion
    #: (chrome still in place): where the parser finds metadata blocks, meta tags and links.
    root: Any  # lxml.html.HtmlElement
    #: The report container with site chrome removed (an element inside or copied from root).
    content: Any  # lxml.html.HtmlElement
    #: Clean body text of ``content``: one paragraph per line; table rows as cells joined by "\t".
    text: str
    #: Lines that were removed from the body as chrome (breadcrumbs, metadata block lines, share
    #: bars, footers...), in document order: the parser reads metadata from them when a page
    #: carries its metadata only as text.
    removed_lines: list[str] = field(default_factory=list)
    #: <meta name=... content=...> tags, names as written (ArticleTitle, PubDate, ContentSource...).
    meta: dict[str, str] = field(default_factory=dict)
    #: <title> text, cleaned.
    page_title: str | None = None
    #: What the cleaner changed; copied into the report item's ``cleaning`` field. Keys:
    #: encoding, encoding_source (header|meta|bom|sniff|default), replaced_chars,
    #: pinyin_removed, traditional_converted, chrome_removed (list of short labels),
    #: spam_links_removed, whitespace_normalised.
    cleaning: dict = field(default_factory=dict)
    #: ``text_content()`` of the data-table cells of ``content``, by element, as the line builder
    #: read them: the tables stage takes them instead of reading each cell again.
    cell_texts: dict = field(default_factory=dict)
    #: The class and id attributes of ``root`` (:class:`.chrome.PageNames`), read once by the
    #: cleaner; None where the page was built otherwise (the parser then reads them itself).
    names: Any = None


@dataclass(frozen=True)
class PageHints:
    """What a caller may know of a page's markup beforehand (from the body registry).

    ``content_selectors`` are tried before the generic container list; ``chrome_patterns``
    (compiled regular expressions) mark extra chrome lines. Cleaning works without them.
    """

    content_selectors: tuple[str, ...] = ()
    chrome_patterns: tuple[Any, ...] = ()


def clean_page(body: bytes, headers: HeadersLike | None, url: str, site: str | None = None,
               hints: PageHints | None = None) -> CleanedPage:
    """Decode and clean one fetched page. Never raises on bad input (see module docs).

    ``site`` is only recorded on the page; ``hints`` (optional) name the body's container.
    """
    from .clean import clean_page as _impl

    return _impl(body, headers, url, site, hints)
